/**
 * Security #6 (issue 16): ReDoS through a user grouping rule. The rule
 * `{name: "x", cmdline: "(a+)+$"}` was accepted, and a process named with 27
 * "a"s and a "b" then held the engine's tick for over a second, doubling with
 * every character. Such a pattern is now refused where settings are saved and
 * loaded, with a message naming the rule (grouping/safe-pattern.ts); no
 * timing is asserted, only that the pattern is refused.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_GROUP_RULES } from '../../../src/main/engine/grouping/default-rules.ts';
import { Grouper } from '../../../src/main/engine/grouping/grouper.ts';
import { catastrophicBacktrackingProblem } from '../../../src/main/engine/grouping/safe-pattern.ts';
import { SettingsStore } from '../../../src/main/engine/settings/store.ts';
import { SettingsError } from '../../../src/main/engine/settings/validate.ts';
import { runCli, tempHome } from '../../helpers/cli.ts';
import { ProcessSwarm } from '../../helpers/procs.ts';

const EVIL_RULE = { name: 'x', kind: 'other', cmdline: '(a+)+$' } as const;
/** 27 "a"s and a "b": against (a+)+$ that is 2^27 ways to fail. */
const EVIL_NAME = `${'a'.repeat(27)}b`;

const swarm = new ProcessSwarm();
after(() => swarm.cleanup());

describe('security #6: a grouping rule that backtracks catastrophically is refused', () => {
  it('on save: the settings patch is refused, naming the rule, and nothing changes', () => {
    const store = new SettingsStore(tempHome('headroom-redos-'));
    assert.throws(() => store.set({ groups: { rules: [EVIL_RULE] } }), (err: Error) => {
      assert.ok(err instanceof SettingsError);
      assert.match(err.message, /groups\.rules\.0\.cmdline: group rule "x": cmdline pattern refused, nested repeat "\(a\+\)\+"/);
      return true;
    });
    assert.deepEqual(store.get().groups.rules, []);
  });

  it('on load: with a real process named to trigger it, `headroom snapshot` refuses the rule with a notice', async () => {
    const home = tempHome('headroom-redos-');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ version: 1, groups: { rules: [EVIL_RULE], topN: 20 } }));
    await swarm.spawnNamed(EVIL_NAME, 1);
    const r = await runCli(['snapshot', '--json', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /group rule "x": cmdline pattern refused, nested repeat/, r.stderr);
    const snap = JSON.parse(r.stdout) as { groups: { name: string }[] };
    assert.ok(!snap.groups.some((g) => g.name === 'x'), 'the refused rule groups nothing');
    assert.ok(existsSync(join(home, 'settings.json')) && readdirSync(home).some((f) => f.startsWith('settings.json.bad-')), 'the file is kept as a backup');
  });

  it('in the grouper itself, for any other caller: the rule is skipped with the same message', () => {
    const g = new Grouper([], DEFAULT_GROUP_RULES);
    const problems = g.setRules([EVIL_RULE], DEFAULT_GROUP_RULES);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /group rule "x": cmdline pattern refused/);
  });

  const table: [string, RegExp | null][] = [
    ['(a+)+$', /nested repeat/],
    ['(\\w*\\s)*x', /nested repeat/],
    ['(a?a?)+$', /nested repeat/],
    ['(x{1,3}){2,}', /nested repeat/],
    ['(a|aa)+$', /repeated alternation/],
    ['(a)\\1', /backreference/],
    ['(?<n>a)\\k<n>', /backreference/],
    ['^claude 1\\.5$', null],
    ['^node .*/(\\w+)\\.js', null],
    ['(?:foo|bar) [(+)]+ \\(a+\\)+ a{2}b+ (?:ab){3}', null],
  ];
  for (const [pattern, want] of table) {
    it(`the static check: ${pattern} → ${want ?? 'accepted'}`, () => {
      const got = catastrophicBacktrackingProblem(pattern);
      if (want === null) assert.equal(got, null);
      else assert.match(got ?? '', want);
    });
  }
});
