/**
 * The history tiers and their retention: raw samples, 1-minute and
 * 15-minute rollups. Pure arithmetic, shared by the store, its queries and
 * its pruning so that all three agree on where a bucket starts and ends.
 */

import type { Settings } from '../../../shared/settings.ts';

export type Tier = 'raw' | 'm1' | 'm15';
export type Retention = Settings['history'];

export const MINUTE_MS = 60_000;
export const QUARTER_MS = 15 * MINUTE_MS;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Width of one point of a tier: raw points are instants, rollup points are buckets. */
export const TIER_WIDTH_MS: Readonly<Record<Tier, number>> = { raw: 1, m1: MINUTE_MS, m15: QUARTER_MS };

/** Start (epoch ms) of the bucket of width `widthMs` that holds `t`. */
export function bucketStart(t: number, widthMs: number): number {
  return Math.floor(t / widthMs) * widthMs;
}

/** How far back each tier reaches, in milliseconds. */
export function retentionMs(r: Retention): Record<Tier, number> {
  return { raw: r.rawHours * HOUR_MS, m1: r.minuteDays * DAY_MS, m15: r.quarterDays * DAY_MS };
}

/**
 * The finest tier that still holds data from `sinceMs`: raw while the start is
 * within raw retention, else the 1-minute rollup while within its retention,
 * else the 15-minute rollup. Exports read this tier; queries start from it and
 * may move to a coarser one (query-plan.ts).
 */
export function pickTier(sinceMs: number, now: number, r: Retention): Tier {
  const keep = retentionMs(r);
  if (sinceMs >= now - keep.raw) return 'raw';
  if (sinceMs >= now - keep.m1) return 'm1';
  return 'm15';
}

/** A clear reason when a retention setting cannot be used, else null. */
export function retentionProblem(r: unknown): string | null {
  if (typeof r !== 'object' || r === null) return 'retention must be an object';
  const o = r as Record<string, unknown>;
  for (const key of ['rawHours', 'minuteDays', 'quarterDays'] as const) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return `retention.${key} must be a positive number (got ${String(v)})`;
  }
  return null;
}
