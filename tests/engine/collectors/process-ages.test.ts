/**
 * Ages come from the kernel: a zombie or an orphan that was already there when
 * a fresh Headroom first scanned is dated by its start time in /proc (as `ps`
 * dates it), not by that first scan.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { createProcessCollector } from '../../../src/main/engine/collectors/processes.ts';
import { ProcessTable } from '../../../src/main/engine/platform/linux/process-table.ts';
import { ProcessSwarm, waitUntil } from '../../helpers/procs.ts';

/** Elapsed seconds since the process started, as ps reports them. */
function psAgeSeconds(pid: number): number {
  return Number(spawnSync('ps', ['-o', 'etimes=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim());
}

const ctx = () => ({ now: Date.now(), monotonic: performance.now(), log: () => {} });

describe('process ages from the kernel', { skip: process.platform !== 'linux' }, () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  it('a zombie and an orphan found by a first scan carry their kernel start time, agreeing with ps', async () => {
    const { parentPid, zombiePid } = await swarm.spawnZombieParent('hr-age-reaper');
    const { rootPid } = await swarm.spawnOrphanTree('hr-age-mcp-server');
    // Old enough that "first seen just now" and "started 3 s ago" cannot be confused.
    await waitUntil(() => psAgeSeconds(zombiePid) >= 3 && psAgeSeconds(rootPid) >= 3, 20000, 'the processes to age');
    const collector = createProcessCollector([]);
    const reading = collector.collect(ctx());
    const now = Date.now();
    const z = reading.zombies.find((x) => x.pid === zombiePid);
    assert.ok(z, `zombie ${zombiePid} of ${parentPid}`);
    const zAge = psAgeSeconds(zombiePid);
    assert.ok(Math.abs(z.sinceSeconds - zAge) <= 2, `zombie for ${z.sinceSeconds} s, ps says ${zAge} s`);
    assert.ok(z.startedAt !== undefined && Math.abs((now - z.startedAt) / 1000 - zAge) <= 2, `startedAt ${z.startedAt}`);
    const o = reading.orphans.find((x) => x.pid === rootPid);
    assert.ok(o, `orphan ${rootPid} in ${JSON.stringify(reading.orphans.map((x) => x.pid))}`);
    const oAge = psAgeSeconds(rootPid);
    assert.ok(o.startedAt !== undefined && Math.abs((now - o.startedAt) / 1000 - oAge) <= 2, `orphan started ${o.startedAt}, ps age ${oAge} s`);
  });

  it('without a readable boot time, the first scan is the best it can say (and nothing breaks)', () => {
    const t = new ProcessTable({ bootTimeMs: NaN });
    const now = Date.now();
    t.scan(now);
    const self = t.entries.get(process.pid);
    assert.equal(self?.firstSeen, now);
    const dated = new ProcessTable();
    dated.scan(now);
    const mine = dated.entries.get(process.pid)?.firstSeen ?? NaN;
    assert.ok(mine < now - 1000 * (process.uptime() - 2) && mine > now - 1000 * (process.uptime() + 2), `started ${now - mine} ms ago, uptime ${process.uptime()} s`);
  });
});
