/**
 * What the detector and the alert rules do when the engine reports a jump of
 * the wall clock: no trend is fitted across it (even a forward jump too short
 * to count as a gap), and a pending alert keeps the time it has really been
 * pending, so a clock set forward an hour does not skip the sustain time.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAnalyzer } from '../../../src/main/engine/detect/analyzer.ts';
import { LeakDetector } from '../../../src/main/engine/detect/leak-detector.ts';
import { AlertRules } from '../../../src/main/engine/detect/rules.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { MB, group, snapshot } from './snapshot-fixture.ts';

const H = 3_600_000;

test('LeakDetector.clockJumped starts every series anew, keeping a reported leak until the new segment speaks', () => {
  const det = new LeakDetector({ ...DEFAULT_SETTINGS.detector, minSpanSeconds: 60, slowSpanSeconds: 600, maxWindowSeconds: 3600 });
  // 40 minutes of a steady 2 MB/min climb, sampled every 5 s: reported as a leak.
  for (let t = 0; t <= 2400; t += 5) {
    det.push('a', t, 500 * MB + (t / 60) * 2 * MB, 16 * 1024 * MB);
    det.push('b', t, 200 * MB, null);
  }
  assert.equal(det.isLeaking('a'), true, 'the climb is reported before the jump');
  assert.ok(det.storage('a')!.buckets > 10);

  det.clockJumped();
  assert.equal(det.storage('a')!.buckets, 0, 'no bucket from before the jump remains to be fitted');
  assert.equal(det.storage('b')!.buckets, 0);
  assert.equal(det.isLeaking('a'), true, 'the processes did not restart: the report stands');
  // 100 s later on the wall clock (less than the gap limit) it goes on; nothing spans the jump.
  det.push('a', 2500, 500 * MB + (2400 / 60) * 2 * MB, 16 * 1024 * MB);
  assert.ok(det.storage('a')!.buckets <= 1);
});

test('AlertRules.clockJumped: a pending condition keeps its real pending time across a jump either way', () => {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.alerts = { ...s.alerts, sustainSeconds: 30 };
  const rules = new AlertRules(s);
  const t0 = 1_800_000_000_000;
  // 95 % used: above the critical threshold, pending for its sustain time.
  assert.deepEqual(rules.evaluate(snapshot(t0, 95), []).transitions, []);
  rules.clockJumped(+H);
  assert.deepEqual(rules.evaluate(snapshot(t0 + H + 10_000, 95), []).transitions, [], '10 s of real time after a +1 h jump: still pending');
  const fired = rules.evaluate(snapshot(t0 + H + 31_000, 95), []).transitions;
  assert.equal(fired.length, 1, 'fires after 31 s of real time');

  const back = new AlertRules(s);
  back.evaluate(snapshot(t0, 95), []);
  back.clockJumped(-H);
  assert.equal(back.evaluate(snapshot(t0 - H + 31_000, 95), []).transitions.length, 1, 'a clock set back does not add an hour to the sustain time');
});

test('the analyzer passes a jump on and does not forget series fed just before a forward jump', () => {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.detector = { ...s.detector, minSpanSeconds: 10, slowSpanSeconds: 60, maxWindowSeconds: 120, minSamples: 5 };
  const analyzer = createAnalyzer(s);
  const t0 = 1_800_000_000_000;
  const snap = (t: number) => snapshot(t, 40, { groups: [group('svc', { rssBytes: 400 * MB, pids: [4242] })], sampledAt: { system: t, processes: t, containers: null } });
  for (let i = 0; i < 120; i++) analyzer.observe(snap(t0 + i * 1000));
  assert.ok(analyzer.trends().some((t) => t.series === 'process.group.svc.rss'));
  analyzer.clockJumped!(t0 + H + 200_000, H);
  // Without the jump notice, every series would look an hour stale here and be forgotten.
  analyzer.observe(snapshot(t0 + H + 200_000, 40, { groups: [], sampledAt: { system: t0 + H + 200_000, processes: t0 + H + 200_000, containers: null } }));
  assert.ok(analyzer.trends().some((t) => t.series === 'process.group.svc.rss'), 'the series is still known right after the jump');
});
