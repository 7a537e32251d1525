/**
 * The detector on held-out synthetic traces of every shape the issue lists
 * (synthetic.ts): seeds 1001–1006 were never used while tuning (that used
 * 1–16 and 101–120). Judged like the shared traces: a leak reported at or after
 * onset, within its latency, slope within 25 %; a non-leak never reported.
 *
 * Non-leaks are held to the letter: no leak.start on any trace, including days
 * of production-like memory at 75–98 % with daily swings, dips and gaps.
 * Every leak must be reported, never before its onset. Latency and slope are
 * judged on the whole set: the generator draws noisier leaks than the shared
 * ones, and the test asserts the pass rate measured when the method was
 * chosen (see README.md) so that a regression fails it.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeakDetector, type LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { scoreEvents, type TraceScore } from './score.ts';
import { LEAK_MAKERS, makeTrace, NON_LEAK_MAKERS, type SyntheticTrace } from './synthetic.ts';

const SEEDS = [1001, 1002, 1003, 1004, 1005, 1006];
/** Share of leak traces that must meet latency and slope together (measured: 45/54 on these seeds). */
const MIN_LEAK_PASS_RATE = 0.75;

function replay(tr: SyntheticTrace): LeakEvent[] {
  const det = new LeakDetector(DEFAULT_SETTINGS.detector);
  const ev: LeakEvent[] = [];
  for (const s of tr.samples) ev.push(...det.push(tr.series, s.t, s.value, s.limit));
  ev.push(...det.flush(tr.series));
  return ev;
}

describe('held-out synthetic traces', () => {
  for (const shape of Object.keys(NON_LEAK_MAKERS)) {
    it(`${shape}: never reported as a leak`, () => {
      for (const seed of SEEDS) {
        const tr = makeTrace(shape, seed);
        const score = scoreEvents(replay(tr), tr.label);
        assert.ok(score.ok, `${tr.name}: ${score.problem}`);
      }
    });
  }

  it('leaks: every one reported, never before its onset; latency and slope met on most', (t) => {
    const results: { name: string; score: TraceScore }[] = [];
    for (const shape of Object.keys(LEAK_MAKERS)) {
      for (const seed of SEEDS) {
        const tr = makeTrace(shape, seed);
        const ev = replay(tr);
        const score = scoreEvents(ev, tr.label);
        results.push({ name: tr.name, score });
        const first = ev.find((e) => e.event === 'leak.start');
        assert.ok(first, `${tr.name}: the leak was never reported`);
        assert.ok(first.t >= (tr.label.onset_s ?? 0), `${tr.name}: reported at ${first.t}, before the onset`);
      }
    }
    const passed = results.filter((r) => r.score.ok).length;
    for (const r of results) if (!r.score.ok) t.diagnostic(`${r.name}: ${r.score.problem}`);
    t.diagnostic(`${passed}/${results.length} leak traces met latency and slope`);
    assert.ok(passed / results.length >= MIN_LEAK_PASS_RATE, `only ${passed}/${results.length} leak traces met latency and slope`);
  });

  it('the generator is deterministic per seed (the test judges the same traces every run)', () => {
    const a = makeTrace('productionDays', 1001);
    const b = makeTrace('productionDays', 1001);
    assert.deepEqual(a.samples.slice(0, 50), b.samples.slice(0, 50));
    assert.notDeepEqual(makeTrace('productionDays', 1002).samples.slice(0, 50), a.samples.slice(0, 50));
  });
});
