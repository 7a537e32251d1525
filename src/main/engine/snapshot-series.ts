/**
 * Turns a Snapshot into series samples, by the declarations in the collector
 * registry (collectors/registry.ts): history records the `recorded` ones, the
 * leak detector feeds on the `watched` ones. Names follow the trace format
 * (`system.mem.used`, `process.group.<name>.rss`, `container.<name>.mem`), so
 * `history --csv` output replays as it is.
 */

import type { Snapshot } from '../../shared/model.ts';
import { COLLECTORS, declaredSeriesNames } from './collectors/registry.ts';
import type { SeriesContext, SeriesOut, SeriesSample, Watch, WatchedSample } from './collectors/series.ts';

export type { SeriesSample, WatchedSample } from './collectors/series.ts';

const declared = declaredSeriesNames();

/** Series names users can ask `history` for, besides the per-group and per-container ones. */
export const SYSTEM_SERIES: readonly string[] = declared.filter((n) => !n.includes('<name>'));

/** Longest series name accepted: the web API's limit for a series (api/handlers.ts). */
export const MAX_SERIES_NAME_LENGTH = 300;

/** A declared name with `<name>` matches any printable name part (no control characters: names are echoed to a terminal). */
const PATTERNS = declared
  .filter((n) => n.includes('<name>'))
  .map((n) => new RegExp(`^${n.split('<name>').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^\\u0000-\\u001f\\u007f-\\u009f]+')}$`));

/** True for names `history` accepts: a declared series, within MAX_SERIES_NAME_LENGTH. */
export function isKnownSeriesName(name: string): boolean {
  if (name.length > MAX_SERIES_NAME_LENGTH) return false;
  return SYSTEM_SERIES.includes(name) || PATTERNS.some((p) => p.test(name));
}

export interface TickSeries {
  recorded: SeriesSample[];
  watched: WatchedSample[];
}

/** Every collector's series for one Snapshot, split into what history records and what the detector watches. */
export function collectSeries(s: Snapshot, ctx: SeriesContext): TickSeries {
  const recorded: SeriesSample[] = [];
  const watched: WatchedSample[] = [];
  const out: SeriesOut = {
    add(series: string, value: number, limit: number | null, record: boolean, watch: Watch | null) {
      if (record) recorded.push({ series, value, limit });
      if (watch) watched.push({ series, value, limit, segmentKey: watch.segmentKey, culprit: watch.culprit, members: watch.members });
    },
  };
  for (const e of COLLECTORS) e.series?.emit(s, ctx, out);
  return { recorded, watched };
}

/**
 * The history samples of one snapshot. Group series only when processes were
 * scanned on this tick (`withGroups`), and container series only when given a
 * fresh container reading, so history holds real samples, not repeats.
 */
export function seriesFromSnapshot(s: Snapshot, opts: { topN: number; withGroups: boolean; containersFresh?: boolean }): SeriesSample[] {
  const containers = opts.containersFresh ?? s.sampledAt.containers !== null;
  return collectSeries(s, { topN: opts.topN, fresh: { processes: opts.withGroups, containers } }).recorded;
}
