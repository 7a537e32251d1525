/**
 * Issue 14 acceptance, "a restart mid-leak": an engine (`headroom serve`) is
 * killed with SIGKILL while its leak alert fires on a real leaking process,
 * then started again. The alert is back in the new engine's first alerts push,
 * history has no duplicate timestamps, and no other series is called a leak.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { connectChannel } from '../../src/main/engine/channel/client.ts';
import { channelPath } from '../../src/main/engine/channel/protocol.ts';
import type { Alert } from '../../src/shared/model.ts';
import { ensureBuilt, repoRoot, tempHome } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/procs.ts';

const LEAKY = 'hr-restart-leaky';
const SERIES = `process.group.${LEAKY}.rss`;

function startServe(home: string): { child: ChildProcess; err: () => string; out: () => string } {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'serve', '--no-open', '--no-docker', '--no-metrics', '--port', '0'], {
    env: { ...process.env, HEADROOM_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err };
}

const firingLeak = (alerts: readonly Alert[]) => alerts.find((a) => a.state === 'firing' && a.culprit === LEAKY);

describe('a restart mid-leak', { timeout: 900_000 }, () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));

  it('the leak alert is back on the first tick after kill -9, with no duplicate history and no new alarm', async () => {
    ensureBuilt();
    const home = tempHome('hr-restart-');
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({
        intervals: { systemMs: 1000, processesMs: 1000 },
        detector: { minSpanSeconds: 30, slowSpanSeconds: 300, maxWindowSeconds: 900, minSamples: 10 },
        alerts: { leakHorizonSeconds: 24 * 3600, sustainSeconds: 0 },
      }),
    );
    const leaker = spawn(process.execPath, [join(repoRoot, 'tests', 'fixtures', 'leaker.cjs'), LEAKY, '50'], { stdio: 'ignore' });
    children.push(leaker);

    const first = startServe(home);
    children.push(first.child);
    await waitUntil(() => /Headroom is running at/.test(first.out()), 60_000, `serve to start: ${first.err()}`);
    let c = await connectChannel(channelPath(home), { subscribe: ['alerts:push'] });
    let before: Alert[] = [];
    await new Promise<void>((resolve) =>
      c.on('alerts:push', (a) => {
        if (firingLeak(a)) {
          before = a;
          resolve();
        }
      }),
    );
    const trendsBefore = (await c.invoke('trends:list', undefined)).filter((t) => t.leaking).map((t) => t.series);
    c.close();

    const gone = new Promise((r) => first.child.once('exit', r));
    first.child.kill('SIGKILL');
    await gone;

    const second = startServe(home);
    children.push(second.child);
    await waitUntil(() => /Headroom is running at/.test(second.out()), 60_000, `serve to restart: ${second.err()}`);
    c = await connectChannel(channelPath(home), { subscribe: ['alerts:push'] });
    const firstPush = await new Promise<Alert[]>((resolve) => c.on('alerts:push', resolve));
    const leak = firingLeak(firstPush);
    assert.ok(leak, `the leak alert is in the first push after the restart: ${JSON.stringify(firstPush.map((a) => a.title))}`);
    assert.match(second.err(), new RegExp(`leaks resumed: .*${SERIES.replace(/\./g, '\\.')}`));
    // Resumed, not fired anew: the same alert since the same moment, so it is not announced a second time.
    assert.equal(leak.since, firingLeak(before)?.since, 'the resumed alert keeps its original since');
    assert.match(second.err(), new RegExp(`alerts: resumed from the previous run: .*${leak.id.replace(/\./g, '\\.')}`));
    const firingIds = (as: Alert[]) => as.filter((a) => a.state === 'firing').map((a) => a.id).sort();
    for (const id of firingIds(firstPush)) assert.ok(firingIds(before).includes(id), `alert ${id} is new after the restart`);
    const trendsAfter = (await c.invoke('trends:list', undefined)).filter((t) => t.leaking).map((t) => t.series);
    for (const s of trendsAfter) assert.ok(trendsBefore.includes(s), `${s} is called a leak only after the restart`);

    for (const series of ['system.mem.used', SERIES]) {
      const h = await c.invoke('history:query', { series, sinceMs: Date.now() - 30 * 60_000, maxPoints: 2000 });
      assert.equal(h.tier, 'raw');
      assert.equal(new Set(h.t).size, h.t.length, `${series}: duplicate timestamps in history`);
    }
    c.close();
  });
});
