/**
 * A leak trend as something to draw: the fitted line over its segment, then
 * projected forward until it meets the limit (or leaves the chart), with a
 * label giving the rate and the time left. Pure, so it is easy to check.
 */

import { formatDuration, formatRate } from '../../shared/format.ts';
import type { LeakTrend } from '../../shared/model.ts';

const HOUR = 3600000;

export interface TrendLine {
  series: string;
  label: string;
  /** Fitted start, now, projected end: x in epoch ms, y in the series' unit. */
  points: { x: number; y: number }[];
  /** True when the projected end is the limit itself (the ETA lies within the chart). */
  reachesLimit: boolean;
}

/** A readable name for a series: "memory", "claude", "container db". */
export function seriesLabel(series: string): string {
  if (series === 'system.mem.used') return 'memory';
  if (series === 'system.swap.used') return 'swap';
  const g = /^process\.group\.(.+)\.(rss|cpu|count|threads|fds)$/.exec(series);
  if (g) return g[2] === 'rss' ? g[1] : `${g[1]} ${g[2]}`;
  const c = /^container\.(.+)\.(mem|cpu|restarts)$/.exec(series);
  if (c) return `container ${c[1]}`;
  return series;
}

/** Series measured in bytes, which can share the memory chart's axis. */
export function isBytesSeries(series: string): boolean {
  return /^(system\.mem\.used|system\.swap\.used|process\.group\..+\.rss|container\..+\.mem)$/.test(series);
}

/** "claude +1.2 GB/h, limit in ~2 h 40 min" */
export function trendLabel(t: LeakTrend): string {
  const eta = t.growthStopped ? ', growth stopped' : t.etaSeconds !== null ? `, limit in ${formatDuration(t.etaSeconds)}` : '';
  return `${seriesLabel(t.series)} ${formatRate(t.slopePerHour)}${eta}`;
}

/**
 * Where a trend's segment starts, in epoch ms. The detector works in seconds and
 * reports segmentStart in epoch seconds; a value that large in ms would be 1970,
 * so anything below 1e11 is taken as seconds (1e11 ms is March 1973).
 */
export function trendStartMs(t: LeakTrend): number {
  return t.segmentStart < 1e11 ? t.segmentStart * 1000 : t.segmentStart;
}

/**
 * The line for `trend` as of `now`, drawn no further right than `until`.
 * Returns null for a trend with nothing to draw (non-finite figures).
 */
export function trendLine(trend: LeakTrend, now: number, until: number): TrendLine | null {
  const { level, slopePerHour: slope } = trend;
  if (!Number.isFinite(level) || !Number.isFinite(slope)) return null;
  const segStart = trendStartMs(trend);
  const start = Math.min(now, Number.isFinite(segStart) ? segStart : now);
  const at = (x: number) => level + (slope * (x - now)) / HOUR;
  const points = [
    { x: start, y: at(start) },
    { x: now, y: level },
  ];
  const etaMs = trend.etaSeconds !== null && Number.isFinite(trend.etaSeconds) ? trend.etaSeconds * 1000 : null;
  const reachesLimit = etaMs !== null && trend.limit !== null && now + etaMs <= until;
  if (reachesLimit) points.push({ x: now + (etaMs as number), y: trend.limit as number });
  else if (until > now) points.push({ x: until, y: at(until) });
  return { series: trend.series, label: trendLabel(trend), points, reachesLimit };
}
