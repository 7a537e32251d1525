/**
 * Which numbers of a Snapshot are kept as history series, under which names.
 * Names follow the trace format (`system.mem.used`, `process.group.<name>.rss`,
 * `container.<name>.mem`), so `history --csv` output replays as it is.
 */

import type { Snapshot } from '../../shared/model.ts';

export interface SeriesSample {
  series: string;
  value: number;
  limit: number | null;
}

/** Series names users can ask `history` for, besides the per-group and per-container ones. */
export const SYSTEM_SERIES = [
  'system.mem.used',
  'system.mem.available',
  'system.mem.cached',
  'system.swap.used',
  'system.cpu',
  'system.load1',
  'system.psi.some10',
  'system.swapin',
  'system.processes',
  'self.rss',
  'self.cpu',
] as const;

/** Longest series name accepted: the web API's limit for a series (api/handlers.ts). */
export const MAX_SERIES_NAME_LENGTH = 300;

/**
 * True for names `history` accepts: a system series, or a per-group /
 * per-container series whose name part is printable (no control characters:
 * names are echoed back to a terminal) and within MAX_SERIES_NAME_LENGTH.
 */
export function isKnownSeriesName(name: string): boolean {
  if (name.length > MAX_SERIES_NAME_LENGTH) return false;
  return (
    (SYSTEM_SERIES as readonly string[]).includes(name) ||
    /^process\.group\.[^\u0000-\u001f\u007f-\u009f]+\.(rss|cpu|count|threads|fds)$/.test(name) ||
    /^container\.[^\u0000-\u001f\u007f-\u009f]+\.(mem|cpu|restarts)$/.test(name)
  );
}

/**
 * Flattens a snapshot into history samples. Group series are written only on
 * ticks where processes were scanned (`withGroups`), so history holds real
 * samples, not repeats of the last scan.
 */
export function seriesFromSnapshot(s: Snapshot, opts: { topN: number; withGroups: boolean }): SeriesSample[] {
  const m = s.memory;
  const ramAndSwap = m.totalBytes + m.swapTotalBytes;
  const out: SeriesSample[] = [
    { series: 'system.mem.used', value: m.usedBytes, limit: ramAndSwap },
    { series: 'system.mem.available', value: m.availableBytes, limit: m.totalBytes },
    { series: 'system.mem.cached', value: m.cachedBytes, limit: m.totalBytes },
    { series: 'system.swap.used', value: m.swapUsedBytes, limit: m.swapTotalBytes || null },
    { series: 'system.cpu', value: s.cpuPercent, limit: 100 },
    { series: 'system.load1', value: s.load[0], limit: null },
    { series: 'system.swapin', value: s.swapInPerSec, limit: null },
    { series: 'system.processes', value: s.processCount, limit: null },
    { series: 'self.rss', value: s.self.rssBytes, limit: null },
    { series: 'self.cpu', value: s.self.cpuPercent, limit: null },
  ];
  if (s.pressure) out.push({ series: 'system.psi.some10', value: s.pressure.someAvg10, limit: 100 });
  if (opts.withGroups) {
    const n = Math.min(opts.topN, s.groups.length);
    for (let i = 0; i < n; i++) {
      const g = s.groups[i];
      const p = `process.group.${g.name}`;
      out.push({ series: `${p}.rss`, value: g.rssBytes, limit: m.totalBytes });
      out.push({ series: `${p}.cpu`, value: g.cpuPercent, limit: null });
      out.push({ series: `${p}.count`, value: g.count, limit: null });
      out.push({ series: `${p}.threads`, value: g.threads, limit: null });
      if (g.fds !== null) out.push({ series: `${p}.fds`, value: g.fds, limit: null });
    }
  }
  if (s.sampledAt.containers !== null && s.sampledAt.containers > s.t - 2500) {
    for (const c of s.containers) {
      // Restarts first and always: a container in a restart loop is rarely up long enough to have memory stats,
      // and it is exactly the one whose restarts the report and the window must agree on.
      out.push({ series: `container.${c.name}.restarts`, value: c.restartCount, limit: null });
      if (c.memUsageBytes === null) continue;
      // A container with no limit is bounded by the host's RAM.
      out.push({ series: `container.${c.name}.mem`, value: c.memUsageBytes, limit: c.memLimitBytes ?? m.totalBytes });
      if (c.cpuPercent !== null) out.push({ series: `container.${c.name}.cpu`, value: c.cpuPercent, limit: null });
    }
  }
  return out;
}
