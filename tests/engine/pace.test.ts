/**
 * The calm-time schedule (engine/pace.ts): the rule itself, and the issue's
 * behaviour claim — sampling slower while nothing moves must not delay a leak
 * alert past its limit. Every labelled trace in ../shared/traces is replayed
 * through the live LeakDetector at the pace the rule picks (one sample in
 * calmFactor while calm), and judged against its label as shared-traces.test.ts
 * judges the full-rate replay.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseTraceLine } from '../../src/cli/replay.ts';
import { LeakDetector } from '../../src/main/engine/detect/leak-detector.ts';
import { CALM_ETA_HORIZON_S, intervalAt, PaceKeeper, quiet, type PaceFacts } from '../../src/main/engine/pace.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings.ts';
import { TRACES_DIR, type TraceLabel } from '../helpers/shared.ts';

const S = DEFAULT_SETTINGS;
const calmFacts: PaceFacts = { usedPercent: 40, psiSome10: 0, alertChanges: 0, trends: [{ leaking: false, etaSeconds: null }] };

describe('the pace rule', () => {
  it('calm only after calmAfterSeconds of uninterrupted quiet; any sign of trouble is normal pace on the next tick', () => {
    const k = new PaceKeeper();
    const after = S.intervals.calmAfterSeconds * 1000;
    assert.equal(k.update(0, calmFacts, S), 'normal');
    assert.equal(k.update(after - 1, calmFacts, S), 'normal');
    assert.equal(k.update(after, calmFacts, S), 'calm');
    // Each of these ends calm at once, and the quiet stretch starts over.
    const trouble: [string, Partial<PaceFacts>][] = [
      ['memory at the warning level', { usedPercent: S.alerts.memWarnPercent }],
      ['a memory stall (PSI)', { psiSome10: 2 }],
      ['an alert firing or resolving', { alertChanges: 1 }],
      ['a leak', { trends: [{ leaking: true, etaSeconds: null }] }],
      ['a series full within a day', { trends: [{ leaking: false, etaSeconds: CALM_ETA_HORIZON_S - 1 }] }],
    ];
    let t = after;
    for (const [what, f] of trouble) {
      assert.equal(k.update((t += 1000), { ...calmFacts, ...f }, S), 'normal', what);
      const quietFrom = (t += 1000);
      assert.equal(k.update(quietFrom, calmFacts, S), 'normal', `${what}: the quiet stretch starts over`);
      assert.equal(k.update((t = quietFrom + after - 1), calmFacts, S), 'normal', `${what}: not yet`);
      assert.equal(k.update((t = quietFrom + after), calmFacts, S), 'calm', what);
    }
  });

  it('pressure wins over everything, and calmFactor 1 turns calm off', () => {
    const k = new PaceKeeper();
    assert.equal(k.update(0, { ...calmFacts, usedPercent: S.alerts.memCritPercent }, S), 'pressure');
    assert.equal(k.update(1, { ...calmFacts, psiSome10: 10 }, S), 'pressure');
    const off: Settings = { ...S, intervals: { ...S.intervals, calmFactor: 1 } };
    const k2 = new PaceKeeper();
    k2.update(0, calmFacts, off);
    assert.equal(k2.update(10 * S.intervals.calmAfterSeconds * 1000, calmFacts, off), 'normal');
  });

  it('intervals at each pace: ×calmFactor calm, ×pressureFactor under pressure, never under 250 ms', () => {
    assert.equal(intervalAt(5000, 'normal', S), 5000);
    assert.equal(intervalAt(5000, 'calm', S), 5000 * S.intervals.calmFactor);
    assert.equal(intervalAt(5000, 'pressure', S), 5000 * S.intervals.pressureFactor);
    assert.equal(intervalAt(300, 'pressure', S), 250);
    assert.equal(quiet({ ...calmFacts, trends: [{ leaking: false, etaSeconds: CALM_ETA_HORIZON_S }] }, S), true, 'a limit more than a day away does not keep the pace up');
  });
});


/** Replays a trace at the pace the rule picks: a calm stretch keeps one sample in calmFactor. */
function replayPaced(file: string, series: string) {
  const detector = new LeakDetector(S.detector);
  const keeper = new PaceKeeper();
  const lines = readFileSync(file, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '');
  const samples = lines.map((l, i) => parseTraceLine(l, i + 2)).filter((s) => s.series === series);
  const step = samples.length > 1 ? samples[1].t - samples[0].t : 10;
  let next = -Infinity;
  let fed = 0;
  let calmSamples = 0;
  let firstStart: { t: number; slope: number } | null = null;
  for (const s of samples) {
    if (s.t < next) continue;
    fed++;
    for (const e of detector.push(s.series, s.t, s.value, s.limit)) {
      if (e.event === 'leak.start' && !firstStart) firstStart = { t: e.t, slope: e.slope_per_hour as number };
    }
    const trend = detector.trend(series);
    const pace = keeper.update(s.t * 1000, {
      usedPercent: series.startsWith('system.') && s.limit ? (s.value / s.limit) * 100 : 0,
      psiSome10: null,
      alertChanges: 0,
      trends: trend ? [trend] : [],
    }, S);
    if (pace === 'calm') calmSamples++;
    next = s.t + intervalAt(step * 1000, pace, S) / 1000 - step / 2;
  }
  return { firstStart, fed, total: samples.length, calmSamples };
}

describe('the calm-time schedule on the labelled shared traces', () => {
  const labels: TraceLabel[] = existsSync(join(TRACES_DIR, 'labels.json')) ? JSON.parse(readFileSync(join(TRACES_DIR, 'labels.json'), 'utf8')) : [];
  it('the shared traces are there', () => assert.ok(labels.length > 0, `no ${TRACES_DIR}/labels.json: the tests need ../shared beside the repo`));
  let calmSomewhere = false;
  for (const label of labels) {
    it(`${label.file}: ${label.leak ? 'the leak is still reported within its limit, its slope within 25 %' : 'still no leak'}, at the calm-time pace`, () => {
      const r = replayPaced(join(TRACES_DIR, label.file), label.series);
      if (r.calmSamples > 0) calmSomewhere = true;
      if (!label.leak) {
        assert.equal(r.firstStart, null, `false alarm at ${r.firstStart?.t} s`);
        return;
      }
      assert.ok(r.firstStart, `never reported (${r.fed} of ${r.total} samples taken, ${r.calmSamples} while calm)`);
      const latency = r.firstStart.t - (label.onset_s ?? 0);
      assert.ok(latency >= 0 && latency <= (label.max_latency_s as number), `reported ${latency} s after onset; allowed ${label.max_latency_s} s`);
      const err = Math.abs(r.firstStart.slope - (label.slope_per_hour as number)) / (label.slope_per_hour as number);
      assert.ok(err <= 0.25, `slope ${r.firstStart.slope} B/h is ${(err * 100).toFixed(0)} % off`);
    });
  }
  it('calm engaged on some trace (else the replays above would not test it)', () => {
    assert.ok(calmSomewhere, 'the pace never became calm on any shared trace');
  });
});

describe('the engine at the calm-time pace', () => {
  it('after calmAfterSeconds of quiet it samples calmFactor times slower, and at the first sign of trouble at the normal pace again', async () => {
    const { Engine } = await import('../../src/main/engine/engine.ts');
    const { waitUntil } = await import('../helpers/procs.ts');
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.intervals.systemMs = 250;
    settings.intervals.processesMs = 500;
    // Quiet whatever this machine's memory is doing (no analyzer: no trends or alert changes from other tests' processes).
    settings.alerts.memWarnPercent = 99.9;
    settings.alerts.memCritPercent = 100;
    // The quiet stretch passes on the monotonic clock the engine is given, not in real time.
    let shift = 0;
    const clock = { wallMs: () => Date.now(), monotonicMs: () => performance.now() + shift };
    const logs: string[] = [];
    const engine = new Engine({ settings: () => settings, log: (l) => logs.push(l), clock });
    const times: number[] = [];
    engine.on('snapshot', (s) => times.push(s.t));
    engine.start();
    try {
      await waitUntil(() => times.length >= 2, 30_000, 'two snapshots');
      assert.equal(engine.pace(), 'normal');
      shift += settings.intervals.calmAfterSeconds * 1000;
      await waitUntil(() => engine.pace() === 'calm', 30_000, `the calm pace (${logs.join('; ')})`);
      assert.ok(logs.includes('engine: calm pace (nothing has moved for 10 min): system every 750 ms, processes every 1.5 s'), logs.join('\n'));
      const from = times.length;
      await waitUntil(() => times.length >= from + 4, 30_000, 'four calm snapshots');
      const gaps = times.slice(from).map((t, i, a) => (i === 0 ? null : t - a[i - 1])).filter((g): g is number => g !== null);
      // A lower bound only: a loaded machine makes gaps longer, never shorter.
      assert.ok(gaps.every((g) => g >= 750 - 50), `calm gaps ${gaps.join(', ')} ms (system interval 250 ms × 3)`);

      settings.alerts.memWarnPercent = 1; // memory "at the warning level": trouble
      await waitUntil(() => engine.pace() === 'normal', 30_000, 'the normal pace again');
      assert.ok(logs.some((l) => l.startsWith('engine: normal pace (something moved): system every 250 ms, processes every 500 ms')), logs.join('\n'));
    } finally {
      await engine.stop();
    }
  });
});
