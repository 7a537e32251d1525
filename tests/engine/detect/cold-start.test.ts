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
import { replayCommand } from '../../../src/cli/replay.ts';
import { LeakDetector, type LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { repoRoot, tempHome } from '../../helpers/cli.ts';
import { scoreEvents } from './score.ts';
import { makeStartupTrace, STARTUP_LEAKS, STARTUP_NON_LEAKS } from './startup-traces.ts';

const FIXTURES = join(repoRoot, 'tests', 'fixtures', 'traces');
const SEEDS = Array.from({ length: 20 }, (_, i) => 2001 + i);

interface Label {
  file: string;
  series: string;
  leak: boolean;
  onset_s?: number;
  slope_per_hour?: number;
  max_latency_s?: number;
  why: string;
}

async function replayFixture(file: string): Promise<LeakEvent[]> {
  const lines: string[] = [];
  const errors: string[] = [];
  const prev = process.env.HEADROOM_HOME;
  process.env.HEADROOM_HOME = tempHome('hr-cold-'); // the default detector settings, not a user's (and nothing written beside the fixtures)
  try {
    assert.equal(await replayCommand([join(FIXTURES, file), '--json'], { out: (s) => lines.push(s), err: (s) => errors.push(s) }), 0, errors.join('\n'));
  } finally {
    if (prev === undefined) delete process.env.HEADROOM_HOME;
    else process.env.HEADROOM_HOME = prev;
  }
  return lines.map((l) => JSON.parse(l)).filter((e) => e.event === 'leak.start' || e.event === 'leak.end');
}

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
      const events = (await replayFixture(label.file)).filter((e) => e.series === label.series);
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
