/**
 * History for the charts: the ranges a user can pick, queries for the visible
 * window, history asked for early (by boot.js, before the views exist), and
 * alignment of several series onto one time grid (a stacked chart needs every
 * layer at the same x).
 */

import type { HeadroomApi, HistoryQuery, HistorySeries } from '../shared/contract.ts';
import type { Point } from './charts/point.ts';

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

/** The range the window opens with. */
export const DEFAULT_RANGE: RangeOption = RANGES[0];

/** Points per series asked of main, which downsamples to at most this many. */
export const MAX_POINTS = 2000;

/** The series the overview draws, in its order: memory and swap, then pressure and swap-in. */
export const OVERVIEW_SERIES: readonly string[] = ['system.mem.used', 'system.swap.used', 'system.psi.some10', 'system.swapin'];

/** The part of a TimeWindow a query needs. */
export interface WindowSpan {
  min: number;
  max: number;
  live: boolean;
}

/**
 * The query for one series over a window: whole milliseconds covering it, up to
 * now when live (the store has nothing later, and the newest samples must not be
 * cut off by a stale end), to the window's end when zoomed.
 */
export function historyQuery(series: string, win: WindowSpan): HistoryQuery {
  return {
    series,
    sinceMs: Math.max(0, Math.floor(win.min)),
    ...(win.live ? {} : { untilMs: Math.ceil(win.max) }),
    maxPoints: MAX_POINTS,
  };
}

/** Reads one series over the window. */
export async function querySeries(api: HeadroomApi, series: string, win: WindowSpan): Promise<HistorySeries> {
  return api.invoke('history:query', historyQuery(series, win));
}

/**
 * History asked for before the views exist: boot.js asks for the overview's
 * series over the default range as soon as the connection is up, so the
 * answers are on their way while main.js is still being evaluated.
 */
export interface EarlyHistory {
  series: readonly string[];
  rangeMs: number;
  /** When it was asked for (epoch ms). */
  at: number;
  results: Promise<PromiseSettledResult<HistorySeries>[]>;
}

declare global {
  interface Window {
    /** Asked for by boot.js (src/renderer/boot.ts), taken once by the view it was for. */
    headroomEarlyHistory?: EarlyHistory;
  }
}

/** Asks for `series` over the last `rangeMs`, live. */
export function requestEarlyHistory(api: HeadroomApi, series: readonly string[], rangeMs: number, now = Date.now()): EarlyHistory {
  const win = { min: now - rangeMs, max: now, live: true };
  return { series, rangeMs, at: now, results: Promise.allSettled(series.map((s) => querySeries(api, s, win))) };
}

/** Early history older than this is asked for again: the live points appended since would not join it. */
export const EARLY_HISTORY_MAX_AGE_MS = 5000;

/**
 * Whether `early` answers what a view would ask for now: the same series, a
 * live window of the same range, asked for at most EARLY_HISTORY_MAX_AGE_MS
 * ago (and not in the future: a clock that jumped back).
 */
export function earlyHistoryFits(early: EarlyHistory | null | undefined, series: readonly string[], win: { live: boolean; rangeMs: number }, now: number): early is EarlyHistory {
  if (!early || !win.live || early.rangeMs !== win.rangeMs) return false;
  const age = now - early.at;
  if (!(age >= 0 && age <= EARLY_HISTORY_MAX_AGE_MS)) return false;
  return early.series.length === series.length && early.series.every((s, i) => s === series[i]);
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
