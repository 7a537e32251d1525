/**
 * Warm start on a real history file: the detector is rebuilt from recorded
 * samples (1-minute rollup, then raw) and the previous run's leak verdicts, so
 * a leak being reported resumes at once and nothing else is raised from
 * history alone.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LeakDetector, type LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import { recordedLeaks, warmStartDetector } from '../../../src/main/engine/detect/warm-start.ts';
import { HistoryStore } from '../../../src/main/engine/history/store.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const LEAKY = 'process.group.hr-warm-leaky.rss';
const FLAT = 'process.group.hr-warm-flat.rss';
const dirs: string[] = [];

/** Three hours of two series ending now, 10 s apart: one growing 600 MB/h, one flat; both with noise. */
function recordHistory(events: (store: HistoryStore, t0: number) => void): { store: HistoryStore; now: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hr-warm-'));
  dirs.push(dir);
  const now = Date.now();
  const store = HistoryStore.open({ path: join(dir, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {}, now: () => now });
  const t0 = now - 3 * 3600 * 1000;
  let seed = 7;
  const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 8 * MiB;
  for (let t = t0; t <= now; t += 10000) {
    const h = (t - t0) / 3600000;
    store.record(t, [
      { series: LEAKY, value: GiB + 600 * MiB * h + noise(), limit: 16 * GiB },
      { series: FLAT, value: 800 * MiB + noise(), limit: 16 * GiB },
    ]);
  }
  events(store, t0);
  return { store, now };
}

function leakEvent(series: string, slopePerHour: number): string {
  return JSON.stringify({ series, leaking: true, slopePerHour, slopeLowPerHour: slopePerHour * 0.9, slopeHighPerHour: slopePerHour * 1.1, strength: 0.99 });
}

/** Feeds `minutes` of live samples continuing the recorded ones; returns the events. */
function goLive(det: LeakDetector, now: number, minutes: number): LeakEvent[] {
  const out: LeakEvent[] = [];
  const h0 = 3;
  for (let s = 10; s <= minutes * 60; s += 10) {
    const t = (now + s * 1000) / 1000;
    out.push(...det.push(LEAKY, t, GiB + 600 * MiB * (h0 + s / 3600), 16 * GiB));
    out.push(...det.push(FLAT, t, 800 * MiB + ((s * 7919) % 13) * MiB - 6 * MiB, 16 * GiB));
  }
  return out;
}

describe('warm start from history', () => {
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('resumes the leak the previous run was reporting, seeds the flat series without inventing one, and the live samples carry on', () => {
    const { store, now } = recordHistory((s, t0) => {
      s.recordEvent(t0, 'engine.start', 'pid 1');
      s.recordEvent(t0 + 3600000, 'leak.start', leakEvent(LEAKY, 600 * MiB));
      s.recordEvent(t0 + 4200000, 'leak.update', leakEvent(LEAKY, 610 * MiB));
    });
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const r = warmStartDetector(det, store, { now, windowSeconds: DEFAULT_SETTINGS.detector.maxWindowSeconds });
    store.close();
    assert.deepEqual(r.resumed, [LEAKY]);
    assert.equal(r.series, 2);
    assert.ok(det.isLeaking(LEAKY), 'the leak is back before any live sample');
    const tr = det.trend(LEAKY);
    assert.ok(tr?.leaking && Math.abs(tr.slopePerHour - 610 * MiB) < 1, JSON.stringify(tr));
    assert.ok(!det.isLeaking(FLAT));
    for (const s of [LEAKY, FLAT]) {
      const st = det.storage(s);
      assert.ok(st && st.buckets >= 150, `${s}: ${JSON.stringify(st)} buckets seeded`);
    }
    const live = goLive(det, now, 20);
    assert.deepEqual(live, [], 'no new alarm, and the resumed leak does not end while it still grows');
    assert.ok(det.isLeaking(LEAKY));
  });

  it('a restart invents nothing: growth the previous run had not reported is not raised from history alone', () => {
    const { store, now } = recordHistory((s, t0) => s.recordEvent(t0, 'engine.start', 'pid 1'));
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const r = warmStartDetector(det, store, { now, windowSeconds: DEFAULT_SETTINGS.detector.maxWindowSeconds });
    store.close();
    assert.deepEqual(r.resumed, []);
    assert.ok(!det.isLeaking(LEAKY));
    assert.ok(!det.isLeaking(FLAT));
  });

  it('only the last run counts: a leak recorded before the latest engine start, and one that ended, are not resumed', () => {
    const events = [
      { kind: 'engine.start', detail: 'pid 1' },
      { kind: 'leak.start', detail: leakEvent('a', 100) },
      { kind: 'leak.start', detail: leakEvent('b', 100) },
      { kind: 'engine.start', detail: 'pid 2' },
      { kind: 'leak.start', detail: leakEvent('c', 100) },
      { kind: 'leak.start', detail: leakEvent('d', 100) },
      { kind: 'leak.end', detail: JSON.stringify({ series: 'd', leaking: false }) },
      { kind: 'leak.update', detail: '{not json' },
      { kind: 'leak.start', detail: leakEvent('e', -5) },
    ];
    assert.deepEqual([...recordedLeaks(events).keys()], ['c']);
  });

  it('an unreadable history means a cold start, logged, never a crash', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const log: string[] = [];
    const broken = {
      seriesNames: () => {
        throw new Error('SQLITE_CORRUPT');
      },
      rollups: () => [],
      query: () => ({ series: '', t: [], v: [], limit: null, tier: 'raw' as const }),
      latestLimit: () => null,
      events: () => [],
    };
    const r = warmStartDetector(det, broken, { now: Date.now(), windowSeconds: 21600, log: (l) => log.push(l) });
    assert.equal(r.series, 0);
    assert.match(log.join('\n'), /warm start from history failed \(SQLITE_CORRUPT\); series start cold/);
  });
});
