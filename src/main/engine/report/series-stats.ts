/**
 * Plain measurements over one recorded series — latest value, peak, first and
 * last, sample spacing, gaps, even-interval buckets. Pure; no estimates here:
 * anything fitted comes from the detector replay, never from this file.
 */

import type { HistorySeries } from '../../../shared/contract.ts';

export interface Point {
  t: number;
  v: number;
}

/** The latest sample, or null for an empty or missing series. */
export function lastPoint(s: HistorySeries | undefined): Point | null {
  if (!s || s.t.length === 0) return null;
  const i = s.t.length - 1;
  return { t: s.t[i], v: s.v[i] };
}

/** The earliest sample, or null for an empty or missing series. */
export function firstPoint(s: HistorySeries | undefined): Point | null {
  if (!s || s.t.length === 0) return null;
  return { t: s.t[0], v: s.v[0] };
}

/** The highest sample (the earliest one on a tie). */
export function peakPoint(s: HistorySeries | undefined): Point | null {
  if (!s || s.t.length === 0) return null;
  let best = 0;
  for (let i = 1; i < s.v.length; i++) if (s.v[i] > s.v[best]) best = i;
  return { t: s.t[best], v: s.v[best] };
}

/** Median spacing between consecutive samples, in ms; null with fewer than two samples. */
export function medianSpacingMs(t: readonly number[]): number | null {
  if (t.length < 2) return null;
  const d: number[] = [];
  for (let i = 1; i < t.length; i++) d.push(t[i] - t[i - 1]);
  d.sort((a, b) => a - b);
  const n = d.length;
  return n % 2 === 1 ? d[(n - 1) >> 1] : (d[n / 2 - 1] + d[n / 2]) / 2;
}

export interface Gap {
  startMs: number;
  endMs: number;
}

/**
 * Spans with no samples: between two samples further apart than `thresholdMs`,
 * and at either end of the period when the first sample came late or the last
 * one early. An empty series is one gap over the whole period.
 */
export function findGaps(t: readonly number[], sinceMs: number, untilMs: number, thresholdMs: number): Gap[] {
  if (t.length === 0) return untilMs > sinceMs ? [{ startMs: sinceMs, endMs: untilMs }] : [];
  const gaps: Gap[] = [];
  if (t[0] - sinceMs > thresholdMs) gaps.push({ startMs: sinceMs, endMs: t[0] });
  for (let i = 1; i < t.length; i++) {
    if (t[i] - t[i - 1] > thresholdMs) gaps.push({ startMs: t[i - 1], endMs: t[i] });
  }
  if (untilMs - t[t.length - 1] > thresholdMs) gaps.push({ startMs: t[t.length - 1], endMs: untilMs });
  return gaps;
}

/** Sorted union of several series' timestamps (each already ascending), without duplicates. */
export function unionTimes(list: readonly (readonly number[])[]): number[] {
  const all: number[] = [];
  for (const t of list) for (const x of t) all.push(x);
  all.sort((a, b) => a - b);
  const out: number[] = [];
  for (const x of all) if (out.length === 0 || out[out.length - 1] !== x) out.push(x);
  return out;
}

export interface Bucket {
  startMs: number;
  endMs: number;
  count: number;
  mean: number;
  max: number;
}

/** Round interval for a table of at most `maxRows` rows over `spanMs`. */
export function tableStepMs(spanMs: number, maxRows = 12): number {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * 60000);
  for (const s of steps) if (spanMs / s <= maxRows) return s;
  return Math.ceil(spanMs / maxRows / 86400000) * 86400000;
}

/**
 * Splits [sinceMs, untilMs) into buckets of `stepMs`, aligned to multiples of
 * the step since the epoch, with the mean and maximum of the samples in each.
 * Buckets without samples keep count 0 (a gap, reported as such).
 */
export function bucketize(s: HistorySeries, sinceMs: number, untilMs: number, stepMs: number): Bucket[] {
  const out: Bucket[] = [];
  const first = Math.floor(sinceMs / stepMs) * stepMs;
  let i = 0;
  while (i < s.t.length && s.t[i] < sinceMs) i++;
  for (let b = first; b < untilMs; b += stepMs) {
    const startMs = Math.max(b, sinceMs);
    const endMs = Math.min(b + stepMs, untilMs);
    let count = 0;
    let sum = 0;
    let max = -Infinity;
    while (i < s.t.length && s.t[i] < endMs) {
      const v = s.v[i];
      count++;
      sum += v;
      if (v > max) max = v;
      i++;
    }
    out.push({ startMs, endMs, count, mean: count > 0 ? sum / count : NaN, max: count > 0 ? max : NaN });
  }
  return out;
}

/** Increase of a counter over the period (restarts): sum of its rises, so a reset to 0 (container re-created) is not negative. */
export function counterIncrease(s: HistorySeries | undefined): number {
  if (!s || s.v.length < 2) return 0;
  let inc = 0;
  for (let i = 1; i < s.v.length; i++) {
    const d = s.v[i] - s.v[i - 1];
    if (d > 0) inc += d;
    else if (d < 0) inc += s.v[i];
  }
  return inc;
}

/**
 * The largest increase of a counter within any window of `windowMs` (restarts
 * within the restart-loop window), counting a reset as a rise from zero. Two
 * pointers over the samples: O(n).
 */
export function maxIncreaseWithin(s: HistorySeries | undefined, windowMs: number): number {
  if (!s || s.v.length < 2) return 0;
  // Cumulative rises, so any window's increase is a difference of two prefix sums.
  const cum = new Array<number>(s.v.length).fill(0);
  for (let i = 1; i < s.v.length; i++) {
    const d = s.v[i] - s.v[i - 1];
    cum[i] = cum[i - 1] + (d > 0 ? d : d < 0 ? s.v[i] : 0);
  }
  let best = 0;
  let lo = 0;
  for (let hi = 1; hi < s.t.length; hi++) {
    while (s.t[hi] - s.t[lo] > windowMs) lo++;
    best = Math.max(best, cum[hi] - cum[lo]);
  }
  return best;
}

/** Increase of a counter over the samples at or after `fromMs` (and the one just before, as the base). */
export function increaseSince(s: HistorySeries | undefined, fromMs: number): number {
  if (!s || s.v.length < 2) return 0;
  let i = s.t.length - 1;
  while (i > 0 && s.t[i - 1] >= fromMs) i--;
  const base = Math.max(0, i - 1);
  return counterIncrease({ ...s, t: s.t.slice(base), v: s.v.slice(base) });
}
