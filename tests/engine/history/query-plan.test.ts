/**
 * The query plan on fixtures: which tier answers which range, in which shape,
 * and the points an envelope makes of rollup rows.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lttb } from '../../../src/main/engine/history/lttb.ts';
import { CHEAP_ROWS, averagePoints, envelopePoints, planQuery, rangeContent, type RangeContent } from '../../../src/main/engine/history/query-plan.ts';
import { MINUTE_MS, QUARTER_MS } from '../../../src/main/engine/history/tiers.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

const H = 3_600_000;
const D = 24 * H;
const NOW = Math.floor(1_750_000_000_000 / QUARTER_MS) * QUARTER_MS;
const retention = DEFAULT_SETTINGS.history; // raw 24 h, 1-minute 14 days, 15-minute 365 days

/** What `hours` of samples every `stepMs`, ending now, hold. */
const filled = (hours: number, stepMs: number): RangeContent => ({ spanMs: hours * H, samples: Math.round((hours * H) / stepMs) });

const plan = (sinceAgoMs: number, content: RangeContent | null, maxPoints = 2000, r = retention) =>
  planQuery({ sinceMs: NOW - sinceAgoMs, now: NOW, retention: r, maxPoints, content });

describe('planQuery', () => {
  test('ranges of the window at 2 s samples: raw up to hours, the 1-minute rollup for a day, 15 minutes for a week', () => {
    assert.deepEqual(plan(15 * 60_000, filled(0.25, 2000)), { tier: 'raw', shape: 'samples' });
    assert.deepEqual(plan(H, filled(1, 2000)), { tier: 'raw', shape: 'samples' });
    assert.deepEqual(plan(6 * H, filled(6, 2000)), { tier: 'raw', shape: 'samples' });
    assert.deepEqual(plan(D, filled(24, 2000)), { tier: 'm1', shape: 'envelope' });
    // A week starts past raw retention (the 1-minute rollup reaches it) and has 10,080 minutes: the 15-minute rollup answers.
    assert.deepEqual(plan(7 * D, filled(7 * 24, 2000)), { tier: 'm15', shape: 'envelope' });
  });

  test('the 1-minute rollup takes over once its envelope fills half the points (500 buckets at 2,000)', () => {
    assert.equal(plan(8 * H, filled(8, 2000)).tier, 'raw', '480 buckets: raw (14,400 rows)');
    assert.equal(plan(9 * H, filled(9, 2000)).tier, 'm1', '540 buckets');
    // Asking for fewer points moves the boundary: 360 buckets fill half of 1,000, not of 2,000.
    assert.equal(plan(6 * H, filled(6, 2000), 1000).tier, 'm1');
    assert.equal(plan(6 * H, filled(6, 2000), 2000).tier, 'raw');
  });

  test('what the range holds decides, not how long it is', () => {
    // A day at one sample every 30 s is 2,880 rows: cheap, exact, read raw.
    assert.deepEqual(plan(D, filled(24, 30_000)), { tier: 'raw', shape: 'samples' });
    // A day asked for, but only 2 hours recorded (a fresh install): raw.
    assert.deepEqual(plan(D, filled(2, 2000)), { tier: 'raw', shape: 'samples' });
    // Nothing in the rollups (only samples queued in memory, or none): the tier the range start calls for.
    assert.deepEqual(plan(D, null), { tier: 'raw', shape: 'samples' });
    assert.deepEqual(plan(7 * D, null), { tier: 'm1', shape: 'averages' });
  });

  test('few rows are read as they are, however few points are asked for', () => {
    assert.ok(6000 <= CHEAP_ROWS);
    assert.deepEqual(plan(4 * H, filled(100 / 60, 2000), 300), { tier: 'raw', shape: 'samples' }, '3,000 rows for 300 points');
    assert.deepEqual(plan(30 * D, { spanMs: 30 * D, samples: 30 * 96 }, 60), { tier: 'm15', shape: 'envelope' });
  });

  test('asking for everything (reports) keeps the finest tier, and rollups as their averages', () => {
    assert.deepEqual(plan(D, filled(24, 2000), 5_000_000), { tier: 'raw', shape: 'samples' });
    assert.deepEqual(plan(7 * D, filled(7 * 24, 2000), 5_000_000), { tier: 'm1', shape: 'averages' });
    assert.deepEqual(plan(60 * D, filled(60 * 24, 2000), 5_000_000), { tier: 'm15', shape: 'averages' });
  });

  test('rollups the range start calls for: envelopes when the range holds more samples than points, else averages', () => {
    // A week asked for, a day recorded: 1,440 minute buckets would fit, but they stand for 43,200 samples.
    assert.deepEqual(plan(7 * D, filled(24, 2000)), { tier: 'm1', shape: 'envelope' });
    assert.deepEqual(plan(7 * D, filled(48, 2000)), { tier: 'm1', shape: 'envelope' });
    assert.deepEqual(plan(30 * D, filled(30 * 24, 2000)), { tier: 'm15', shape: 'envelope' });
    // Few samples: every bucket is about a sample, and its average is the value.
    assert.deepEqual(plan(30 * D, { spanMs: 2 * QUARTER_MS, samples: 900 }), { tier: 'm15', shape: 'averages' });
    assert.deepEqual(plan(7 * D, { spanMs: D, samples: 2000 }), { tier: 'm1', shape: 'averages' });
  });

  test('a day of 2 s samples gets the same envelope whether it starts just inside raw retention or just outside', () => {
    assert.deepEqual(plan(D, filled(24, 2000)), { tier: 'm1', shape: 'envelope' });
    assert.deepEqual(plan(D + 5, filled(24, 2000)), { tier: 'm1', shape: 'envelope' });
  });

  test('a long raw retention still moves a week to a rollup', () => {
    const longRaw = { ...retention, rawHours: 24 * 31 };
    assert.deepEqual(plan(7 * D, filled(7 * 24, 2000), 2000, longRaw), { tier: 'm15', shape: 'envelope' });
    assert.deepEqual(plan(2 * D, filled(48, 2000), 2000, longRaw), { tier: 'm1', shape: 'envelope' });
  });
});

describe('rangeContent', () => {
  const q = (bucket: number, n: number) => [bucket, n, 0, 0, 0];
  test('spans from the first bucket (or the range start) to the end of the last (or the range end), counting samples', () => {
    assert.equal(rangeContent([], NOW - H, NOW), null);
    assert.deepEqual(rangeContent([q(NOW - 2 * QUARTER_MS, 450), q(NOW - QUARTER_MS, 450)], NOW - D, NOW), { spanMs: 2 * QUARTER_MS, samples: 900 });
    assert.deepEqual(rangeContent([q(NOW - QUARTER_MS, 450)], NOW - 5 * MINUTE_MS, NOW), { spanMs: 5 * MINUTE_MS, samples: 450 });
    assert.deepEqual(rangeContent([q(NOW, 3)], NOW + QUARTER_MS, NOW), { spanMs: 0, samples: 3 });
  });
});

describe('envelopePoints', () => {
  const row = (bucket: number, min: number, max: number) => [bucket, 30, (min + max) / 2, min, max];

  test('two points per bucket, at its start and half a bucket later; one when min equals max', () => {
    const e = envelopePoints([row(0, 1, 5), row(MINUTE_MS, 7, 7)], MINUTE_MS);
    assert.deepEqual(e, { t: [0, MINUTE_MS / 2, MINUTE_MS], v: [1, 5, 7] });
    assert.deepEqual(envelopePoints([], MINUTE_MS), { t: [], v: [] });
  });

  test('the extreme nearer the previous point comes first: rising min→max, falling max→min', () => {
    const rising = envelopePoints([row(0, 0, 10), row(60, 10, 20), row(120, 20, 30)], 60);
    assert.deepEqual(rising.v, [0, 10, 10, 20, 20, 30]);
    const falling = envelopePoints([row(0, 20, 30), row(60, 10, 20), row(120, 0, 10)], 60);
    assert.deepEqual(falling.v, [20, 30, 20, 10, 10, 0]);
  });

  test('LTTB over a day of minute envelopes keeps a one-sample spike and a one-sample dip', () => {
    const rows = [];
    for (let i = 0; i < 1440; i++) {
      const base = 6e9 + (i % 7) * 1e6;
      rows.push(row(i * MINUTE_MS, i === 1000 ? 1e9 : base, i === 300 ? 15e9 : base + 5e6));
    }
    const e = envelopePoints(rows, MINUTE_MS);
    assert.equal(e.t.length, 2880);
    const down = lttb(e.t, e.v, 2000);
    assert.equal(down.t.length, 2000);
    assert.equal(Math.max(...down.v), 15e9);
    assert.equal(Math.min(...down.v), 1e9);
    // Averages would have flattened both.
    const avg = averagePoints(rows);
    assert.ok(Math.max(...avg.v) < 11e9 && Math.min(...avg.v) > 3e9);
  });
});

describe('averagePoints', () => {
  test('one point per bucket: its average at its start', () => {
    assert.deepEqual(averagePoints([[0, 2, 15, 10, 20], [60, 1, 50, 50, 50]]), { t: [0, 60], v: [15, 50] });
  });
});
