/**
 * Figures as alert titles show them: "5.4 GB", "+1.2 GB/h", "~2 h 40 min",
 * "memory full in ~2 h 40 min". Bytes, rates and durations come from
 * src/shared/format.ts so the CLI, tray and window read the same; this adds
 * the unit-aware forms a leak alert needs (fds and threads are counts, not
 * bytes). Pure, no imports beyond the shared formatter.
 */

import { formatBytes, formatDuration, formatRate } from '../../../shared/format.ts';

export { formatBytes, formatDuration, formatRate };

/** What a series measures, from its name: bytes, file descriptors, threads, or a plain count. */
export type SeriesUnit = 'bytes' | 'fds' | 'threads' | 'count';

export function unitOf(series: string): SeriesUnit {
  if (series.endsWith('.fds')) return 'fds';
  if (series.endsWith('.threads')) return 'threads';
  if (/\.(rss|mem|used)$/.test(series)) return 'bytes';
  return 'count';
}

/** 1234 → "1,234"; 12.5 → "12.5". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const rounded = Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10;
  return rounded.toLocaleString('en-US');
}

/** A level in the series' unit: "5.4 GB", "1,234 fds", "310 threads". */
export function formatLevel(value: number, unit: SeriesUnit): string {
  if (unit === 'bytes') return formatBytes(value);
  const suffix = unit === 'count' ? '' : ` ${unit}`;
  return `${formatCount(value)}${suffix}`;
}

/** A growth rate in the series' unit: "+1.2 GB/h", "+40 fds/h". */
export function formatLevelRate(perHour: number, unit: SeriesUnit): string {
  if (unit === 'bytes') return formatRate(perHour);
  const sign = perHour >= 0 ? '+' : '−';
  const suffix = unit === 'count' ? '/h' : ` ${unit}/h`;
  return `${sign}${formatCount(Math.abs(perHour))}${suffix}`;
}

/** "memory full in ~2 h 40 min" / "fds exhausted in ~3 h"; "" when there is no estimate. */
export function formatEta(etaSeconds: number | null, unit: SeriesUnit): string {
  if (etaSeconds === null || !Number.isFinite(etaSeconds)) return '';
  const what = unit === 'bytes' ? 'memory full' : `${unit === 'count' ? 'limit' : unit} exhausted`;
  return etaSeconds <= 0 ? `${what} now` : `${what} in ${formatDuration(etaSeconds)}`;
}

/** "12 min" style without the leading "~", for spans that are measured, not estimated. */
export function formatSpan(seconds: number): string {
  return formatDuration(seconds).replace(/^~/, '');
}
