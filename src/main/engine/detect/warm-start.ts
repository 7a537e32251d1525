/**
 * Warm start: before its first live sample, the engine rebuilds each watched
 * series' detector state from recorded history, so a restart (every login, on
 * a desktop) does not start every series cold. Buckets come from the raw
 * samples of the last half hour and the 1-minute rollup before them; the
 * high-water marks (the detector's ~36 h memory of how high a series has
 * been) from the 15-minute rollup's maxima, which can only overstate them —
 * a restart must not invent new territory. Then the leak verdicts the
 * previous engine last recorded (decisions/record.ts events) are restored:
 * a leak being reported resumes at once, and no other is raised from history
 * alone.
 *
 * Cost, measured on 120 series with 36 h of history: see the detector README.
 */

import type { HistoryQuery, HistorySeries } from '../../../shared/contract.ts';
import type { LeakDetector, SeededLeak } from './leak-detector.ts';

/** The history the warm start reads (HistoryStore implements it). */
export interface WarmStartHistory {
  seriesNames(): string[];
  rollups(series: string, tier: 'm1' | 'm15', sinceMs: number, untilMs?: number): { t: number; count: number; avg: number; max: number }[];
  query(q: HistoryQuery): HistorySeries;
  latestLimit(series: string): number | null;
  events(sinceMs: number, untilMs?: number): { t: number; kind: string; detail: string | null }[];
}

export interface WarmStartOptions {
  now: number;
  /** detector.maxWindowSeconds: how much fine history the detector holds. */
  windowSeconds: number;
  log?: (line: string) => void;
}

export interface WarmStartResult {
  series: number;
  samples: number;
  resumed: string[];
  ms: number;
}

/** The series the live analyzer feeds (detect/series.ts names them so). */
const WATCHED = /^(system\.mem\.used|system\.swap\.used|process\.group\..+\.(rss|threads|fds)|container\..+\.mem)$/;
/** Raw samples are read for this last stretch; the 1-minute rollup before it. */
const RAW_SPAN_MS = 30 * 60 * 1000;
/** The high-water memory spans 36 slots of a sixth of the window: 36 h by default. */
const HIGH_WATER_WINDOWS = 6;
/** A series not written for this long is gone (its group ended): not seeded. */
const ACTIVE_WITHIN_MS = 10 * 60 * 1000;
const MINUTE_MS = 60 * 1000;
const QUARTER_MS = 15 * MINUTE_MS;

/** Seeds `detector` from `history`; never throws (a history it cannot read means a cold start, logged). */
export function warmStartDetector(detector: LeakDetector, history: WarmStartHistory, opts: WarmStartOptions): WarmStartResult {
  const started = performance.now();
  const result: WarmStartResult = { series: 0, samples: 0, resumed: [], ms: 0 };
  try {
    const windowMs = opts.windowSeconds * 1000;
    const leaks = recordedLeaks(history.events(opts.now - HIGH_WATER_WINDOWS * windowMs, opts.now));
    for (const series of history.seriesNames()) {
      if (!WATCHED.test(series)) continue;
      const recent = history.rollups(series, 'm1', opts.now - ACTIVE_WITHIN_MS, opts.now);
      if (recent.length === 0) continue;
      const limit = history.latestLimit(series);
      const rawFrom = opts.now - RAW_SPAN_MS;
      const fineFrom = opts.now - windowMs;
      let n = 0;
      const feed = (tMs: number, v: number) => {
        if (!Number.isFinite(v)) return;
        detector.seed(series, tMs / 1000, v, limit);
        n++;
      };
      // Older than the window: only the high-water marks remember it; quarter maxima never understate them.
      for (const b of history.rollups(series, 'm15', opts.now - HIGH_WATER_WINDOWS * windowMs, fineFrom)) feed(b.t + QUARTER_MS / 2, b.max);
      const raw = history.query({ series, sinceMs: rawFrom, untilMs: opts.now, maxPoints: 100000 });
      const rawStart = raw.tier === 'raw' && raw.t.length > 0 ? raw.t[0] : opts.now;
      // Minute means (each stands for one bucket's median), then the raw samples where they are still kept.
      for (const b of history.rollups(series, 'm1', fineFrom, rawStart)) if (b.t + MINUTE_MS <= rawStart) feed(b.t + MINUTE_MS / 2, b.avg);
      if (raw.tier === 'raw') for (let i = 0; i < raw.t.length; i++) feed(raw.t[i], raw.v[i]);
      const leak = leaks.get(series) ?? null;
      detector.endSeed(series, leak);
      if (leak) result.resumed.push(series);
      result.series++;
      result.samples += n;
    }
  } catch (err) {
    opts.log?.(`detector: warm start from history failed (${(err as Error).message}); series start cold`);
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

/** The series the last engine run was reporting as leaking when it stopped: a leak.start or leak.update with no leak.end after it, since that run's engine.start. */
export function recordedLeaks(events: readonly { kind: string; detail: string | null }[]): Map<string, SeededLeak> {
  const out = new Map<string, SeededLeak>();
  for (const e of events) {
    // Only the previous run's word counts: a leak it did not report again (it resumes them at start) is not current.
    if (e.kind === 'engine.start') out.clear();
    if (e.kind !== 'leak.start' && e.kind !== 'leak.update' && e.kind !== 'leak.end') continue;
    let d: Record<string, unknown>;
    try {
      d = JSON.parse(e.detail ?? '') as Record<string, unknown>;
    } catch {
      continue; // an unreadable record says nothing
    }
    if (typeof d?.series !== 'string') continue;
    if (e.kind === 'leak.end') {
      out.delete(d.series);
      continue;
    }
    const slope = d.slopePerHour;
    if (typeof slope !== 'number' || !(slope > 0)) continue;
    const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
    out.set(d.series, { slopePerHour: slope, slopeLowPerHour: num(d.slopeLowPerHour), slopeHighPerHour: num(d.slopeHighPerHour), strength: num(d.strength) });
  }
  return out;
}
