/**
 * The live engine finds a real leak: a Node child growing a Map by ~50 MB a
 * minute is reported within 3 minutes of its data, through the same
 * LeakDetector that `headroom replay` runs, and named by its application.
 * A control child that allocates and frees in a sawtooth is never reported.
 * Windows are shortened through settings, as a user can do.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHeadroom } from '../../src/main/engine/create.ts';
import { tempHome } from '../helpers/cli.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

/**
 * The claim under test: reported within 3 minutes of the leak's data. (Two misses in this session's CI tries
 * came from leakers that earlier, killed runs had left behind under the same name: the group then held two
 * processes. The fixtures are named from exec on, and a killed run's leftovers must be cleaned up.)
 */
const LATENCY_MS = 180_000;

describe('live leak detection on real processes', { timeout: 600_000 }, () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));

  it('reports the leaking child within 3 minutes of data and never the sawtooth control', async () => {
    const home = tempHome();
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({
        intervals: { systemMs: 1000, processesMs: 1000 },
        detector: { minSpanSeconds: 30, slowSpanSeconds: 300, maxWindowSeconds: 900, minSamples: 10 },
        // ~3 GB/h against 24 GB of RAM is ~8 h to exhaustion: widen the horizon so the leak also alerts.
        alerts: { leakHorizonSeconds: 24 * 3600, sustainSeconds: 0 },
      }),
    );
    // argv0 names it from exec on: a scan that catches it before its own process.title would group it as "node".
    children.push(spawn(process.execPath, [join(fixtures, 'leaker.cjs'), 'leaky-worker', '50'], { stdio: 'ignore', argv0: 'leaky-worker' }));
    children.push(spawn(process.execPath, ['--expose-gc', join(fixtures, 'sawtooth.cjs'), 'sawtooth-worker', '60', '20000'], { stdio: 'ignore', argv0: 'sawtooth-worker' }));

    const h = createHeadroom({ dataDir: home, docker: false, log: () => {} });
    // Times are the snapshots' own sample times: the detector judges the data, and on a loaded machine the
    // data arrives late (ticks delayed, the test's timers later still), so wall-clock checks here would
    // measure the machine, not the detector.
    let firstAt = 0;
    let lastAt = 0;
    let reportedAt = 0;
    let controlReported = false;
    let leakTitle = '';
    h.engine.on('snapshot', (snap) => {
      if (firstAt === 0) firstAt = snap.t;
      lastAt = snap.t;
      for (const t of h.engine.trends()) {
        if (t.series === 'process.group.sawtooth-worker.rss' && t.leaking) controlReported = true;
        if (t.series === 'process.group.leaky-worker.rss' && t.leaking && reportedAt === 0) reportedAt = snap.t;
      }
      const alert = h.engine.alerts().find((a) => a.state === 'firing' && a.culprit === 'leaky-worker');
      if (alert) leakTitle = alert.title;
    });
    h.engine.start();
    // Watch until the leak is reported and the control has had the same 3 minutes of data to misbehave in,
    // or until 3 minutes of data passed without a report (then the claim is already false).
    const watched = () => firstAt > 0 && lastAt - firstAt >= LATENCY_MS;
    while (!watched()) await new Promise((r) => setTimeout(r, 1000));
    await h.close();

    assert.ok(reportedAt > 0, `the leak was not reported within ${(lastAt - firstAt) / 1000} s of data`);
    assert.ok(reportedAt - firstAt <= LATENCY_MS, `reported after ${(reportedAt - firstAt) / 1000} s of data`);
    const trend = h.engine.trends().find((t) => t.series === 'process.group.leaky-worker.rss');
    // The leaker grows with elapsed time: starved by a loaded machine it pauses, then catches up in a burst, and
    // the detector reports the slope of the window that showed the leak. So the band is wide above (up to 3×),
    // and still rules out a detector off by an order of magnitude or reporting shrinkage.
    assert.ok(trend && trend.slopePerHour > 1.5e9 && trend.slopePerHour < 9e9, `slope ${trend?.slopePerHour} B/h for ~3 GB/h`);
    assert.match(leakTitle, /leaky-worker/, 'a firing alert names the leaking application');
    assert.equal(controlReported, false, 'the sawtooth control was reported as a leak');
  });
});
