/**
 * Queries on a real SQLite file holding 10 hours of 2 s samples: long ranges
 * come from the 1-minute rollup as min/max envelopes (spikes and dips kept,
 * every value a recorded one), short ranges and "everything" queries from raw
 * samples, and samples still queued in memory show in both.
 */

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HistoryStore } from '../../../src/main/engine/history/store.ts';
import { MINUTE_MS, QUARTER_MS, bucketStart } from '../../../src/main/engine/history/tiers.ts';
import { D, H, chattr, isRoot, openStore, removeTempDirs, sample, tempDir } from './helpers.ts';

const B = Math.floor(1_750_000_000_000 / QUARTER_MS) * QUARTER_MS;
const STEP = 2000;
const N = (10 * H) / STEP; // 18,000 samples
const SPIKE = 4321;
const DIP = 12_345;
const GiB = 1024 ** 3;
const SERIES = 'system.mem.used';

/** 6 GiB with a ripple, one sample at 15 GiB and one at 1 GiB. */
function valueAt(i: number): number {
  if (i === SPIKE) return 15 * GiB;
  if (i === DIP) return 1 * GiB;
  return 6 * GiB + (i % 13) * 1e6;
}

describe('HistoryStore.query: tier choice on 10 hours of 2 s samples', () => {
  let store: HistoryStore;
  let path: string;
  let clock: { now: number };
  const recorded = new Set<number>();

  before(() => {
    path = join(tempDir(), 'history.db');
    ({ store, clock } = openStore(path, {}, B + 10 * H));
    for (let i = 0; i < N; i++) {
      const v = valueAt(i);
      recorded.add(v);
      store.record(B + i * STEP, [sample(SERIES, v, 16 * GiB)]);
    }
  });
  after(() => {
    store.close();
    removeTempDirs();
  });

  test('the whole range comes from the 1-minute rollup: ≤ 2,000 points, spike and dip kept, only recorded values', () => {
    const q = store.query({ series: SERIES, sinceMs: B });
    assert.equal(q.tier, 'm1');
    assert.ok(q.t.length <= 2000 && q.t.length > 1000, `${q.t.length} points`);
    assert.equal(Math.max(...q.v), 15 * GiB);
    assert.equal(Math.min(...q.v), 1 * GiB);
    // Envelope points are recorded extremes, never averages, and sit inside their minute.
    for (const v of q.v) assert.ok(recorded.has(v), `${v} was never recorded`);
    const spikeAt = q.t[q.v.indexOf(15 * GiB)];
    assert.equal(bucketStart(spikeAt, MINUTE_MS), bucketStart(B + SPIKE * STEP, MINUTE_MS));
    assert.ok(q.t.every((t, i) => i === 0 || t > q.t[i - 1]), 'ascending');
    assert.ok(q.t[0] >= B && q.t[q.t.length - 1] < B + 10 * H);
    assert.equal(q.limit, 16 * GiB);
  });

  test('a range starting just past raw retention (a 24 h chart a millisecond late) is the same envelope', () => {
    const inside = store.query({ series: SERIES, sinceMs: B + 10 * H - D });
    const outside = store.query({ series: SERIES, sinceMs: B + 10 * H - D - 5 });
    assert.equal(outside.tier, 'm1');
    assert.deepEqual(outside.v, inside.v);
    assert.equal(Math.max(...outside.v), 15 * GiB);
  });

  test('with fewer points asked for, LTTB thins the envelope and still keeps both extremes', () => {
    const q = store.query({ series: SERIES, sinceMs: B, maxPoints: 700 });
    assert.equal(q.tier, 'm1');
    assert.equal(q.t.length, 700);
    assert.equal(Math.max(...q.v), 15 * GiB);
    assert.equal(Math.min(...q.v), 1 * GiB);
  });

  test('an hour, and everything at full resolution, come from raw samples', () => {
    const hour = store.query({ series: SERIES, sinceMs: B + 9 * H });
    assert.equal(hour.tier, 'raw');
    assert.equal(hour.t.length, H / STEP);
    assert.equal(hour.t[0], B + 9 * H);
    const all = store.query({ series: SERIES, sinceMs: B, maxPoints: 5_000_000 });
    assert.equal(all.tier, 'raw');
    assert.equal(all.t.length, N);
    assert.equal(all.v[SPIKE], 15 * GiB);
    // A zoomed window in the middle: raw again.
    const zoom = store.query({ series: SERIES, sinceMs: B + 2 * H, untilMs: B + 3 * H });
    assert.equal(zoom.tier, 'raw');
    assert.equal(zoom.t.length, H / STEP + 1);
  });

  test('samples queued while the file cannot be written show at the end of a rollup answer (root: chattr)', (t) => {
    if (!isRoot) {
      t.skip('chattr +i needs root');
      return;
    }
    chattr('+i', path, `${path}-wal`);
    try {
      for (let i = 0; i < 3; i++) store.record(B + 10 * H + i * STEP, [sample(SERIES, 2 * GiB + i, 16 * GiB)]);
      assert.equal(store.health().queued, 3);
      clock.now = B + 10 * H + 3 * STEP;
      const q = store.query({ series: SERIES, sinceMs: B });
      assert.equal(q.tier, 'm1');
      assert.deepEqual(q.t.slice(-3), [B + 10 * H, B + 10 * H + STEP, B + 10 * H + 2 * STEP]);
      assert.deepEqual(q.v.slice(-3), [2 * GiB, 2 * GiB + 1, 2 * GiB + 2]);
    } finally {
      chattr('-i', path, `${path}-wal`);
    }
  });
});
