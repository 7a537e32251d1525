/**
 * History for the charts: the ranges a user can pick, queries for the visible
 * window, and alignment of several series onto one time grid (a stacked chart
 * needs every layer at the same x).
 */

import type { HeadroomApi, HistorySeries } from '../shared/contract.ts';
import type { Point } from './charts/time-chart.ts';
import type { TimeWindow } from './charts/time-window.ts';

export interface RangeOption {
  id: string;
  label: string;
  ms: number;
}

export const RANGES: readonly RangeOption[] = [
  { id: '15m', label: '15 min', ms: 15 * 60000 },
  { id: '1h', label: '1 h', ms: 3600000 },
  { id: '6h', label: '6 h', ms: 6 * 3600000 },
  { id: '24h', label: '24 h', ms: 24 * 3600000 },
  { id: '7d', label: '7 d', ms: 7 * 86400000 },
];

/** Points per series asked of main, which downsamples to at most this many. */
export const MAX_POINTS = 2000;

/** Reads one series over the window: up to now when live, to the window's end when zoomed. */
export async function querySeries(api: HeadroomApi, series: string, win: TimeWindow): Promise<HistorySeries> {
  return api.invoke('history:query', {
    series,
    sinceMs: Math.max(0, Math.floor(win.min)),
    ...(win.live ? {} : { untilMs: Math.ceil(win.max) }),
    maxPoints: MAX_POINTS,
  });
}

/** Parallel arrays → chart points. */
export function toPoints(s: HistorySeries, scale = 1): Point[] {
  const out = new Array<Point>(s.t.length);
  for (let i = 0; i < s.t.length; i++) out[i] = { x: s.t[i], y: s.v[i] * scale };
  return out;
}

/**
 * Values of one series on a time grid, holding the latest sample at or before
 * each grid time; 0 before its first sample or after a gap longer than
 * `maxHoldMs` (the application was not running then).
 */
export function alignToGrid(grid: readonly number[], s: HistorySeries, maxHoldMs: number): number[] {
  const out = new Array<number>(grid.length);
  let j = -1;
  for (let i = 0; i < grid.length; i++) {
    while (j + 1 < s.t.length && s.t[j + 1] <= grid[i]) j++;
    out[i] = j >= 0 && grid[i] - s.t[j] <= maxHoldMs ? s.v[j] : 0;
  }
  return out;
}

/** A sequence guard: only the newest of overlapping queries may apply its answer. */
export class Latest {
  private n = 0;
  next(): () => boolean {
    const mine = ++this.n;
    return () => mine === this.n;
  }
}
