/**
 * Reads what a report needs out of the history store — every series with
 * samples in the period, at full resolution, and the lifecycle events — and
 * replays the trend series through a fresh leak detector. Deterministic for
 * the same stored history.
 */

import type { HistorySeries } from '../../../shared/contract.ts';
import type { Settings } from '../../../shared/settings.ts';
import { replayEvents, replayThroughDetector } from './replay.ts';
import type { LiveState, ReportHistorySource, ReportInputs, TrendDetector } from './types.ts';

/**
 * Points per series read for a report. High enough that the store never
 * downsamples a period of raw history (a week at 2 s is 302,400 points): a
 * downsampled series would feed the detector different data than it saw live.
 */
export const REPORT_MAX_POINTS = 5_000_000;

export interface GatherOptions {
  history: ReportHistorySource;
  sinceMs: number;
  untilMs: number;
  generatedAt: number;
  timeZone: string;
  settings: Settings;
  /** A fresh detector configured like the live one. */
  createDetector: () => TrendDetector;
  live: LiveState | null;
  version?: string;
}

/** Reads the period from history, replays the trend series through a fresh detector, and returns the report inputs. */
export function gatherReportInputs(o: GatherOptions): ReportInputs {
  const series: Record<string, HistorySeries> = {};
  for (const name of o.history.seriesNames()) {
    const s = o.history.query({ series: name, sinceMs: o.sinceMs, untilMs: o.untilMs, maxPoints: REPORT_MAX_POINTS });
    if (s.t.length > 0) series[name] = s;
  }
  const { trends, replayed, forgotten } = replayThroughDetector(replayEvents(series), o.createDetector());
  const events = o.history.events(o.sinceMs, o.untilMs).slice().sort((a, b) => a.t - b.t || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  return {
    generatedAt: o.generatedAt,
    sinceMs: o.sinceMs,
    untilMs: o.untilMs,
    timeZone: o.timeZone,
    settings: o.settings,
    series,
    events,
    trends,
    replayed,
    forgotten,
    live: o.live,
    version: o.version,
  };
}
