/**
 * How a history query is answered: which tier it reads, and what points it
 * makes of that tier's rows. Pure, so the choice is checked on fixtures and
 * the store only carries it out.
 *
 * Why a coarser tier at all: a day of 2 s samples is 43,200 raw rows, and
 * libsql hands each one to JavaScript as an array (~2 µs a row: 80–130 ms for
 * the day), only for LTTB to keep 2,000 of them. The 1-minute rollup holds the
 * same day in 1,440 rows, already reduced to count/sum/min/max at write time.
 *
 * Why an envelope rather than averages: a bucket's average hides a spike (a
 * 2 s burst to 15 GB inside a minute at 6 GB averages to 6.3 GB), and a
 * memory chart that loses its peaks lies about the one thing it is for. So a
 * rollup that stands in for finer data answers with each bucket's minimum and
 * maximum — the extremes the raw line would have drawn in that slice of the
 * chart (the idea of M4 aggregation, Jugel et al. 2014) — and LTTB then thins
 * those to `maxPoints` as it does raw samples: a spike is a large triangle and
 * survives. Taking the maximum alone was the alternative for memory-like
 * series, but the store does not know what a series means, and dips (memory
 * freed, a restart) matter too.
 */

import { QUARTER_MS, TIER_WIDTH_MS, pickTier, type Retention, type Tier } from './tiers.ts';

/**
 * What the points of an answer are:
 *   samples   raw samples as recorded;
 *   averages  one point per rollup bucket, its mean, stamped at the bucket
 *             start: the values as kept, when the range holds no more samples
 *             than `maxPoints` (a report asking for everything, sparse data);
 *   envelope  each rollup bucket's minimum and maximum (one point when they
 *             are equal), when it holds more: the answer is then a picture
 *             of more samples than it has points, and must keep their peaks.
 */
export type PointShape = 'samples' | 'averages' | 'envelope';

export interface QueryPlan {
  tier: Tier;
  shape: PointShape;
}

/** What the stored data holds within a query's range, as read from the 15-minute rollup. */
export interface RangeContent {
  /** Milliseconds of the range that hold data: from the first stored bucket to the end of the last, clipped to the range. */
  spanMs: number;
  /** Samples recorded in those buckets (the raw rows the range holds, or a few more at its edges). */
  samples: number;
}

export interface QueryPlanInput {
  sinceMs: number;
  now: number;
  retention: Retention;
  maxPoints: number;
  /** What the range holds; null when nothing of it is in the rollups (only queued samples, or none). */
  content: RangeContent | null;
}

/** Finest first: the order in which a query moves to coarser tiers. */
const TIERS: readonly Tier[] = ['raw', 'm1', 'm15'];

/** An envelope gives up to two points per bucket (its minimum and its maximum). */
const ENVELOPE_POINTS_PER_BUCKET = 2;

/**
 * Rows a tier may hand over however few points are asked for: ~20 ms of
 * libsql reads. Below this, exact samples cost little and beat any summary.
 */
export const CHEAP_ROWS = 10_000;

/**
 * A coarser tier answers only when its envelope alone fills at least this
 * share of `maxPoints`. At 2,000 points that is 500 buckets: a chart ~1,000–
 * 1,300 px wide then still gets a bucket per 2–2.5 px, finer than a line can
 * show. For the 1-minute tier that is 8 h 20 min or more of data.
 */
export const COARSER_TIER_MIN_FILL = 0.5;

/** Rows `tier` holds for the range: every sample for raw, at most one per bucket for rollups. */
function rowsIn(tier: Tier, c: RangeContent): number {
  return tier === 'raw' ? c.samples : Math.min(c.samples, Math.ceil(c.spanMs / TIER_WIDTH_MS[tier]));
}

/**
 * The tier and point shape for a query. Starts from the finest tier whose
 * retention still reaches `sinceMs`, and moves to the next coarser one while
 * the current tier would hand over more than CHEAP_ROWS rows and the coarser
 * one's envelope would still fill half of `maxPoints`. With 2 s samples and
 * 2,000 points: up to ~8 h reads raw samples, a day the 1-minute rollup, a
 * week the 15-minute one. Rollups answer with envelopes when the range holds
 * more samples than `maxPoints` (or the tier was changed), else averages — so
 * a 24 h chart gets the same envelope whether its start fell a millisecond
 * inside raw retention or just outside.
 */
export function planQuery(q: QueryPlanInput): QueryPlan {
  const floor = pickTier(q.sinceMs, q.now, q.retention);
  let i = TIERS.indexOf(floor);
  const c = q.content;
  if (c) {
    while (
      i + 1 < TIERS.length &&
      rowsIn(TIERS[i], c) > CHEAP_ROWS &&
      rowsIn(TIERS[i + 1], c) * ENVELOPE_POINTS_PER_BUCKET >= q.maxPoints * COARSER_TIER_MIN_FILL
    ) {
      i++;
    }
  }
  const tier = TIERS[i];
  if (tier === 'raw') return { tier, shape: 'samples' };
  const summary = tier !== floor || (c !== null && c.samples > q.maxPoints);
  return { tier, shape: summary ? 'envelope' : 'averages' };
}

/**
 * What a range holds, from its 15-minute rollup rows `[bucket, n, …]`
 * (ascending): the span from the first bucket's start (or `sinceMs`) to the
 * last one's end (or `untilMs`), and the samples counted in them. Null when
 * there are no rows. Reading these rows costs one seek per quarter hour of the
 * range (96 for a day), far less than what the plan saves.
 */
export function rangeContent(quarters: readonly (readonly number[])[], sinceMs: number, untilMs: number): RangeContent | null {
  if (quarters.length === 0) return null;
  const first = Math.max(sinceMs, quarters[0][0]);
  const last = Math.min(untilMs, quarters[quarters.length - 1][0] + QUARTER_MS);
  let samples = 0;
  for (const r of quarters) samples += r[1];
  return { spanMs: Math.max(0, last - first), samples };
}

/**
 * The min/max envelope of rollup rows `[bucket, n, avg, min, max]` (ascending
 * buckets of width `widthMs`): per bucket its two extremes, the first at the
 * bucket start and the second half a bucket later, or one point when they are
 * equal. Which extreme came first is not stored; the one nearer the previous
 * point goes first, so a rising stretch draws min→max and a falling one
 * max→min instead of zig-zagging.
 */
export function envelopePoints(rows: readonly (readonly number[])[], widthMs: number): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  const half = widthMs / 2;
  let prev = Number.NaN;
  for (const r of rows) {
    const start = r[0];
    const min = r[3];
    const max = r[4];
    if (min === max) {
      t.push(start);
      v.push(min);
      prev = min;
      continue;
    }
    // Against NaN (the first bucket) both distances are NaN and the comparison false: min first.
    const maxFirst = Math.abs(prev - max) < Math.abs(prev - min);
    t.push(start, start + half);
    if (maxFirst) v.push(max, min);
    else v.push(min, max);
    prev = v[v.length - 1];
  }
  return { t, v };
}

/** Rollup rows `[bucket, n, avg, …]` as one point per bucket: its average, at its start. */
export function averagePoints(rows: readonly (readonly number[])[]): { t: number[]; v: number[] } {
  const t = new Array<number>(rows.length);
  const v = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    t[i] = rows[i][0];
    v[i] = rows[i][2];
  }
  return { t, v };
}
