/**
 * Reads what a report needs out of the history store — every series with
 * samples in the period, at full resolution, the lifecycle events, and the
 * decisions the live engine recorded (decisions/record.ts) — and takes the
 * leak verdicts from the running engine when there is one, else from those
 * records. No second analysis: the report states what the engine decided.
 * Deterministic for the same stored history and live state.
 */

import type { HistorySeries } from '../../../shared/contract.ts';
import type { LeakTrend } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import { LOOKBACK_MS, readDecisions } from '../decisions/read.ts';
import { isWatchedSeries } from './watched-series.ts';
import type { LiveState, ReportHistorySource, ReportInputs, VerdictSource } from './types.ts';

/**
 * Points per series read for a report. High enough that the store never
 * downsamples a period of raw history (a week at 2 s is 302,400 points), so
 * every figure is computed from the samples as recorded.
 */
export const REPORT_MAX_POINTS = 5_000_000;

export interface GatherOptions {
  history: ReportHistorySource;
  sinceMs: number;
  untilMs: number;
  generatedAt: number;
  timeZone: string;
  settings: Settings;
  live: LiveState | null;
  version?: string;
}

/** Reads the period from history and the engine's decisions, and returns the report inputs. */
export function gatherReportInputs(o: GatherOptions): ReportInputs {
  const series: Record<string, HistorySeries> = {};
  for (const name of o.history.seriesNames()) {
    const s = o.history.query({ series: name, sinceMs: o.sinceMs, untilMs: o.untilMs, maxPoints: REPORT_MAX_POINTS });
    if (s.t.length > 0) series[name] = s;
  }
  const all = o.history.events(o.sinceMs - LOOKBACK_MS, o.untilMs);
  const decisions = readDecisions(all, o.sinceMs, o.untilMs);
  const events = all.filter((e) => e.t >= o.sinceMs).sort((a, b) => a.t - b.t || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));

  const trends: Record<string, LeakTrend> = {};
  let verdicts: VerdictSource;
  if (o.live?.trends) {
    for (const tr of o.live.trends) trends[tr.series] = tr;
    verdicts = { kind: 'live', at: o.live.snapshot.t };
  } else {
    for (const [name, tr] of decisions.leaking) trends[name] = tr;
    verdicts = decisions.lastAt === null ? { kind: 'none', at: null } : { kind: 'recorded', at: decisions.lastAt };
  }
  return {
    generatedAt: o.generatedAt,
    sinceMs: o.sinceMs,
    untilMs: o.untilMs,
    timeZone: o.timeZone,
    settings: o.settings,
    series,
    events,
    trends,
    verdicts,
    endedLeaks: Object.fromEntries(decisions.ended),
    alertEvents: decisions.alerts,
    watched: Object.keys(series).filter(isWatchedSeries).sort(),
    live: o.live,
    version: o.version,
  };
}
