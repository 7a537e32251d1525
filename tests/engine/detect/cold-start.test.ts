/**
 * The cold-start rule (leak-detector.ts): with no history, a climb in the
 * first half hour that then flattens is not a leak, and a runaway present
 * from the first sample is still reported within its limit. Judged on the
 * public fixtures in tests/fixtures/traces through `headroom replay`, and on
 * startup traces of seeds never used while tuning (2001–2020).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LeakDetector, type LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { repoRoot } from '../../helpers/cli.ts';
import { replayJson } from './replay-json.ts';
import { scoreEvents } from './score.ts';
import { makeStartupTrace, STARTUP_LEAKS, STARTUP_NON_LEAKS } from './startup-traces.ts';
import type { TraceLabel } from './synthetic.ts';

const FIXTURES = join(repoRoot, 'tests', 'fixtures', 'traces');
const SEEDS = Array.from({ length: 20 }, (_, i) => 2001 + i);

type Label = TraceLabel & { file: string; series: string };

function replay(shape: string, seed: number) {
  const tr = makeStartupTrace(shape, seed);
  const det = new LeakDetector(DEFAULT_SETTINGS.detector);
  const ev: LeakEvent[] = [];
  for (const s of tr.samples) ev.push(...det.push(tr.series, s.t, s.value, s.limit));
  ev.push(...det.flush(tr.series));
  return { tr, score: scoreEvents(ev, tr.label) };
}

describe('first start, no history', () => {
  const labels: Label[] = JSON.parse(readFileSync(join(FIXTURES, 'labels.json'), 'utf8'));
  for (const label of labels) {
    it(`replaying ${label.file}: ${label.leak ? `reported within ${label.max_latency_s} s` : 'no alarm'} (${label.why})`, async () => {
      const events = (await replayJson(join(FIXTURES, label.file))).filter((e) => (e.event === 'leak.start' || e.event === 'leak.end') && e.series === label.series) as unknown as LeakEvent[];
      const score = scoreEvents(events, label);
      assert.ok(score.ok, `${label.file}: ${score.problem}`);
    });
  }

  // Measured on these seeds: warm-ups 39/40 without an alarm (4/20 + 19/20 without the rule), runaways 19/20 in time either way.
  for (const shape of Object.keys(STARTUP_NON_LEAKS)) {
    it(`${shape}: at most one false alarm in 20 held-out traces`, () => {
      const alarms = SEEDS.map((s) => replay(shape, s)).filter((r) => !r.score.ok);
      assert.ok(alarms.length <= 1, alarms.map((r) => `${r.tr.name}: ${r.score.problem}`).join('\n'));
    });
  }
  for (const shape of Object.keys(STARTUP_LEAKS)) {
    it(`${shape}: every one reported, never before onset, at least 18 of 20 within their limit`, () => {
      const results = SEEDS.map((s) => replay(shape, s));
      for (const r of results) assert.ok(r.score.starts > 0, `${r.tr.name}: never reported`);
      const late = results.filter((r) => !r.score.ok);
      assert.ok(late.length <= 2, late.map((r) => `${r.tr.name}: ${r.score.problem}`).join('\n'));
    });
  }
});
