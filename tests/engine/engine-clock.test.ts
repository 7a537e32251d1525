/**
 * The engine's two clocks: snapshots are stamped with the wall clock, while
 * collection intervals follow the monotonic one. A wall clock set back an
 * hour must not freeze the process list for an hour; each jump is logged,
 * recorded in history and passed to the analyzer. Also: every Snapshot
 * carries the history state (Snapshot.history).
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createAnalyzer } from '../../src/main/engine/detect/analyzer.ts';
import { CLOCK_JUMP_THRESHOLD_MS, Engine, type EngineClock } from '../../src/main/engine/engine.ts';
import { HistoryStore } from '../../src/main/engine/history/store.ts';
import type { Snapshot } from '../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';
import { waitUntil } from '../helpers/procs.ts';

const dir = mkdtempSync(join(tmpdir(), 'headroom-engine-clock-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a wall clock set back an hour: processes still scanned on schedule, the jump logged, recorded and passed on', async () => {
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.intervals.systemMs = 250;
  settings.intervals.processesMs = 500;
  let offset = 0;
  const clock: EngineClock = { wallMs: () => Date.now() + offset, monotonicMs: () => performance.now() };
  const logs: string[] = [];
  const history = HistoryStore.open({ path: join(dir, 'history.db'), retention: settings.history, log: (l) => logs.push(l), now: clock.wallMs });
  const analyzer = createAnalyzer(settings);
  const jumps: number[] = [];
  const seen = { ...analyzer, clockJumped: (t: number, d: number) => (jumps.push(d), analyzer.clockJumped?.(t, d)) };
  const engine = new Engine({ settings: () => settings, log: (l) => logs.push(l), history, analyzer: seen, clock });
  const snaps: Snapshot[] = [];
  engine.on('snapshot', (s) => snaps.push(s));
  engine.start();
  try {
    await waitUntil(() => snaps.length >= 4, 5000, 'four snapshots');
    assert.deepEqual(snaps.at(-1)!.history, { ok: true, message: null, queued: 0 }, 'the snapshot carries the history state');

    offset = -3_600_000;
    const before = snaps.length;
    const scansBefore = new Set(snaps.map((s) => s.sampledAt.processes)).size;
    await waitUntil(() => snaps.length >= before + 8, 5000, 'eight snapshots after the jump');
    const after = snaps.slice(before);
    assert.ok(after.every((s) => s.t < Date.now() - 3_500_000), 'snapshots follow the wall clock');
    const scansAfter = new Set(after.map((s) => s.sampledAt.processes)).size;
    assert.ok(scansAfter >= 3, `processes kept being scanned after the jump (${scansAfter} scans in 8 ticks; ${scansBefore} before)`);

    assert.equal(engine.clockJumpCount, 1);
    assert.equal(jumps.length, 1);
    assert.ok(Math.abs(jumps[0] + 3_600_000) < CLOCK_JUMP_THRESHOLD_MS, `the analyzer heard of a −1 h jump (${jumps[0]} ms)`);
    assert.equal(logs.filter((l) => /^engine: the wall clock jumped back by 60 min;/.test(l)).length, 1, logs.join('\n'));
    const events = history.events(0).filter((e) => e.kind === 'clock.jump');
    assert.equal(events.length, 1);
    // The measured jump is −1 h plus or minus the time between ticks' readings (e.g. −3,599,999 ms).
    const recorded = /^the wall clock jumped back by 60 min \((-\d+) ms\)$/.exec(events[0].detail ?? '');
    assert.ok(recorded && Math.abs(Number(recorded[1]) + 3_600_000) < CLOCK_JUMP_THRESHOLD_MS, `recorded: ${events[0].detail}`);
  } finally {
    await engine.stop();
    history.close();
  }
});

test('without a clock the engine uses the system clocks and notices no jump', async () => {
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.intervals.systemMs = 250;
  const engine = new Engine({ settings: () => settings, log: () => {} });
  const snaps: Snapshot[] = [];
  engine.on('snapshot', (s) => snaps.push(s));
  engine.start();
  try {
    await waitUntil(() => snaps.length >= 3, 5000, 'three snapshots');
    assert.equal(engine.clockJumpCount, 0);
    assert.ok(Math.abs(snaps.at(-1)!.t - Date.now()) < 2000);
    assert.equal(snaps.at(-1)!.history, undefined, 'no history sink, no history state');
  } finally {
    await engine.stop();
  }
});
