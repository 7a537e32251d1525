/**
 * History for the charts: the query for a window, chart points, the time grid
 * of the stacked chart, the newest-query guard, and when history asked for
 * early (by boot.js) may stand in for the overview's first query.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { HistorySeries } from '../../src/shared/contract.ts';
import {
  DEFAULT_RANGE,
  EARLY_HISTORY_MAX_AGE_MS,
  Latest,
  MAX_POINTS,
  OVERVIEW_SERIES,
  RANGES,
  alignToGrid,
  earlyHistoryFits,
  historyQuery,
  toPoints,
  type EarlyHistory,
} from '../../src/renderer/history.ts';

const series = (t: number[], v: number[]): HistorySeries => ({ series: 's', t, v, limit: null, tier: 'raw' });

describe('ranges', () => {
  test('15 min, 1 h, 6 h, 24 h and 7 d, shortest first; the window opens on the first', () => {
    assert.deepEqual(
      RANGES.map((r) => [r.label, r.ms]),
      [
        ['15 min', 900_000],
        ['1 h', 3_600_000],
        ['6 h', 21_600_000],
        ['24 h', 86_400_000],
        ['7 d', 604_800_000],
      ],
    );
    assert.equal(DEFAULT_RANGE, RANGES[0]);
    assert.equal(new Set(RANGES.map((r) => r.id)).size, RANGES.length);
  });
});

describe('historyQuery', () => {
  test('a live window asks up to now (no end), whole milliseconds covering the window', () => {
    assert.deepEqual(historyQuery('system.mem.used', { min: 1000.7, max: 5000.2, live: true }), { series: 'system.mem.used', sinceMs: 1000, maxPoints: MAX_POINTS });
  });
  test('a zoomed window asks for its end too', () => {
    assert.deepEqual(historyQuery('x', { min: 1000.7, max: 5000.2, live: false }), { series: 'x', sinceMs: 1000, untilMs: 5001, maxPoints: MAX_POINTS });
  });
  test('never before the epoch', () => {
    assert.equal(historyQuery('x', { min: -5, max: 10, live: true }).sinceMs, 0);
  });
});

describe('toPoints', () => {
  test('parallel arrays → {x, y}, scaled', () => {
    assert.deepEqual(toPoints(series([1, 2], [10, 20])), [
      { x: 1, y: 10 },
      { x: 2, y: 20 },
    ]);
    assert.deepEqual(toPoints(series([1], [3]), 2), [{ x: 1, y: 6 }]);
    assert.deepEqual(toPoints(series([], [])), []);
  });
});

describe('alignToGrid', () => {
  test('holds the latest sample at or before each grid time, 0 before the first and after a long gap', () => {
    const s = series([100, 200, 1000], [5, 6, 7]);
    assert.deepEqual(alignToGrid([50, 100, 150, 200, 250, 600, 1000, 1100], s, 300), [0, 5, 5, 6, 6, 0, 7, 7]);
    assert.deepEqual(alignToGrid([1, 2], series([], []), 10), [0, 0]);
    assert.deepEqual(alignToGrid([], s, 10), []);
  });
});

describe('Latest', () => {
  test('only the newest of overlapping requests may apply its answer', () => {
    const latest = new Latest();
    const first = latest.next();
    assert.equal(first(), true);
    const second = latest.next();
    assert.equal(first(), false);
    assert.equal(second(), true);
  });
});

describe('earlyHistoryFits', () => {
  const early = (over: Partial<EarlyHistory> = {}): EarlyHistory => ({ series: OVERVIEW_SERIES, rangeMs: DEFAULT_RANGE.ms, at: 1_000_000, results: Promise.resolve([]), ...over });
  const live = { live: true, rangeMs: DEFAULT_RANGE.ms };

  test('used for the same series and range of a live window, while fresh', () => {
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES, live, 1_000_000), true);
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES, live, 1_000_000 + EARLY_HISTORY_MAX_AGE_MS), true);
  });

  test('asked again when stale, from the future, for another range or series, zoomed, or missing', () => {
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES, live, 1_000_000 + EARLY_HISTORY_MAX_AGE_MS + 1), false);
    assert.equal(earlyHistoryFits(early({ at: 1_000_500 }), OVERVIEW_SERIES, live, 1_000_000), false);
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES, { live: true, rangeMs: RANGES[1].ms }, 1_000_000), false);
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES.slice(1), live, 1_000_000), false);
    assert.equal(earlyHistoryFits(early({ series: [...OVERVIEW_SERIES].reverse() }), OVERVIEW_SERIES, live, 1_000_000), false);
    assert.equal(earlyHistoryFits(early(), OVERVIEW_SERIES, { live: false, rangeMs: DEFAULT_RANGE.ms }, 1_000_000), false);
    assert.equal(earlyHistoryFits(null, OVERVIEW_SERIES, live, 1_000_000), false);
    assert.equal(earlyHistoryFits(undefined, OVERVIEW_SERIES, live, 1_000_000), false);
  });
});
