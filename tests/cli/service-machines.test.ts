/**
 * `headroom machines add|remove|list` and `headroom --machine NAME`: bad input
 * is one line and exit code 2, never an ssh run (a destination starting with
 * "-" would be an ssh option), and what is added is what settings.json holds.
 * In-process (main()), with a temporary HEADROOM_HOME and no engine running.
 */

import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../src/cli.ts';
import { tempHome } from '../helpers/cli.ts';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { status, out: out.join('\n'), err };
}

describe('headroom machines / --machine', () => {
  const home = tempHome('hr-machines-');
  const saved = process.env.HEADROOM_HOME;
  before(() => {
    process.env.HEADROOM_HOME = home;
  });
  after(() => {
    if (saved === undefined) delete process.env.HEADROOM_HOME;
    else process.env.HEADROOM_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('add, list and remove a machine in settings', async () => {
    assert.equal((await run(['machines', 'add', 'dev-box', 'me@dev.example.com'])).status, 0);
    const file = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { machines: unknown };
    assert.deepEqual(file.machines, [{ name: 'dev-box', destination: 'me@dev.example.com' }]);
    const list = await run(['machines', '--json']);
    assert.deepEqual(JSON.parse(list.out), [{ name: 'dev-box', destination: 'me@dev.example.com' }]);
    assert.equal((await run(['machines', 'remove', 'dev-box'])).status, 0);
    assert.match((await run(['machines'])).out, /No machines followed/);
  });

  const refused: [string, string[], RegExp][] = [
    ['a destination that is an ssh option', ['machines', 'add', 'evil', '-oProxyCommand=touch /tmp/x'], /Unknown option '-o'/],
    ['a destination that is an ssh option, past the flag parser', ['machines', 'add', 'evil', '--', '-oProxyCommand=touch /tmp/x'], /cannot start with "-"/],
    ['a destination with a space', ['machines', 'add', 'box', 'me@host name'], /cannot contain spaces/],
    ['a name with control characters', ['machines', 'add', 'box\u001b[2J', 'host'], /control characters/],
    ['--machine with control characters', ['--machine', 'dev\u0007', 'snapshot'], /control characters/],
    ['--machine that is neither a known machine nor a destination', ['--machine', '-oProxyCommand=x', 'snapshot'], /no machine of that name in settings, and .*cannot start with "-"/],
    ['--machine on a command that does not ask an engine', ['--machine', 'dev-box', 'serve'], /--machine works with snapshot/],
    ['--machine without a name', ['--machine'], /expected a machine name/],
  ];
  for (const [what, args, why] of refused) {
    it(`refuses ${what}: one line, exit 2`, async () => {
      const r = await run(args);
      assert.equal(r.status, 2, r.err.join('\n'));
      assert.equal(r.err.length, 1);
      assert.match(r.err[0], why);
      assert.ok(!/[\u0000-\u0008\u000b-\u001f]/.test(r.err[0]), 'no raw control characters echoed');
    });
  }
});
