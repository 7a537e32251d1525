/** The `headroom` command as users run it: the built bin, a real data directory, real processes. */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { Snapshot } from '../../src/shared/model.ts';
import { runCli, tempHome } from '../helpers/cli.ts';
import { ProcessSwarm, psRssBytes } from '../helpers/procs.ts';
import { STAT_RSS_SLACK_BYTES } from '../helpers/stat-rss.ts';

function meminfoUsed(): number {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1]) * 1024;
  return kb('MemTotal') - kb('MemAvailable');
}

describe('headroom CLI', () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  it('snapshot --json shows 16 claude processes as one application with the RSS ps reports', async () => {
    const pids = await swarm.spawnNamed('claude', 16);
    const home = tempHome();
    const r = await runCli(['snapshot', '--json', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Snapshot;
    const used = meminfoUsed();
    assert.ok(Math.abs(s.memory.usedBytes - used) <= used * 0.01 + 64 * 1024 * 1024, `used ${s.memory.usedBytes} vs ${used}`);
    const g = s.groups.find((x) => x.name === 'claude');
    assert.ok(g && g.count >= 16, `claude group: ${JSON.stringify(g)}`);
    for (const pid of pids) assert.ok(g.pids.includes(pid));
    const ps = psRssBytes(g.pids);
    assert.ok(Math.abs(g.rssBytes - ps) <= ps * 0.02 + g.count * STAT_RSS_SLACK_BYTES, `${g.rssBytes} vs ps ${ps}`);
    assert.ok(s.self.rssBytes > 0);
    assert.deepEqual(s.containers, []);
    assert.equal(s.docker.status, 'disabled');
    assert.ok(Array.isArray(s.zombies) && Array.isArray(s.orphans));
  });

  it('snapshot without --json prints the readable view', async () => {
    const r = await runCli(['snapshot', '--no-docker'], tempHome());
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Memory\s+.* used of /m);
    assert.match(r.stdout, /^Applications$/m);
    assert.match(r.stdout, /^Headroom\s+.* RSS/m);
  });

  const bad: [string, string[], RegExp][] = [
    ['an unknown flag', ['snapshot', '--bogus'], /headroom snapshot: Unknown option '--bogus'/],
    ['an unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['an unknown series', ['history', 'no.such.series'], /unknown series "no.such.series"/],
    ['a bad duration', ['history', 'system.mem.used', '--since', '3 hours'], /--since: expected a duration/],
    ['a missing series', ['history'], /give one series name/],
  ];
  for (const [label, args, message] of bad) {
    it(`${label} gets one line on stderr and exit code 2`, async () => {
      const r = await runCli(args, tempHome());
      assert.equal(r.status, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    });
  }
});
