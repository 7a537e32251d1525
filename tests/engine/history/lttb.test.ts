import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { lttb, lttbIndices } from '../../../src/main/engine/history/lttb.ts';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

describe('lttb', () => {
  test('picks the points of a hand-worked example', () => {
    // n=6, 4 points: bucket [1,2] vs next-bucket average (3.5, 0.5) picks the peak at 2;
    // bucket [3,4] vs the last point (5, 0) picks 3 (area 7 against 5).
    assert.deepEqual(lttbIndices([0, 1, 2, 3, 4, 5], [0, 1, 5, 1, 0, 0], 4), [0, 2, 3, 5]);
  });

  test('returns every point when the series already fits', () => {
    const t = [10, 20, 30];
    const v = [1, 2, 3];
    assert.deepEqual(lttb(t, v, 3), { t, v });
    assert.deepEqual(lttb(t, v, 2000), { t, v });
    assert.deepEqual(lttb([], [], 10), { t: [], v: [] });
  });

  test('degenerate thresholds keep the ends', () => {
    const t = range(10, (i) => i);
    assert.deepEqual(lttbIndices(t, t, 2), [0, 9]);
    assert.deepEqual(lttbIndices(t, t, 1), [9]);
    assert.deepEqual(lttbIndices(t, t, 0), []);
    assert.deepEqual(lttbIndices(t, t, Number.NaN), []);
  });

  test('keeps first and last, returns at most N ascending points, never invents values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e12, max: 1e12, noNaN: true }), { minLength: 3, maxLength: 400 }),
        fc.integer({ min: 3, max: 500 }),
        (values, n) => {
          const t = values.map((_, i) => 1_700_000_000_000 + i * 2000);
          const idx = lttbIndices(t, values, n);
          assert.equal(idx.length, Math.min(n, values.length));
          assert.equal(idx[0], 0);
          assert.equal(idx[idx.length - 1], values.length - 1);
          for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], 'indices strictly ascending');
          const out = lttb(t, values, n);
          out.t.forEach((x, i) => assert.equal(out.v[i], values[(x - t[0]) / 2000]));
        },
      ),
      { numRuns: 200 },
    );
  });

  test('preserves a one-sample spike in 24 h of noisy flat memory', () => {
    const n = 43_200; // one day at 2 s
    let seed = 7;
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 50e6;
    const t = range(n, (i) => 1_700_000_000_000 + i * 2000);
    const v = range(n, () => 8e9 + noise());
    const spikeAt = 31_337;
    v[spikeAt] = 14e9;
    const dip = 12_345;
    v[dip] = 2e9;
    const out = lttb(t, v, 500);
    assert.ok(out.t.length <= 500);
    assert.ok(out.t.includes(t[spikeAt]), 'the spike survives');
    assert.ok(out.t.includes(t[dip]), 'the dip survives');
    assert.equal(Math.max(...out.v), 14e9);
    assert.equal(out.t[0], t[0]);
    assert.equal(out.t[out.t.length - 1], t[n - 1]);
  });

  test('does not modify its inputs', () => {
    const t = range(100, (i) => i);
    const v = range(100, (i) => Math.sin(i));
    const [t0, v0] = [[...t], [...v]];
    lttb(t, v, 10);
    assert.deepEqual(t, t0);
    assert.deepEqual(v, v0);
  });
});
