/**
 * Is a leaking series still growing *now*, and how fast? The leak detector
 * judges trends over minutes to hours, so its slope lags: a container that
 * stopped growing at 97% of its limit kept "reaches its limit in ~58 s" on
 * every surface for minutes, counting down to a limit it never reached.
 *
 * This keeps the last few raw samples of each watched series (a fixed ring,
 * no allocation per sample) and answers, for a trend the detector reports:
 * - the recent slope (least squares over the last `windowSeconds`), from which
 *   the time to the limit is projected from the current level;
 * - whether growth has stopped: over that window the series rose by less than
 *   STOPPED_FRACTION of what the trend's slope predicts.
 * It changes only what is shown about a trend (ETA, "growth stopped"); the
 * detector alone decides whether a series leaks.
 */

import type { LeakTrend } from '../../../shared/model.ts';

/**
 * Samples kept per series (2 KB of fixed arrays each): the window needs a sample from before its start, so
 * this covers 60 s down to half-second intervals, and ten minutes at the default 5 s process interval.
 */
const CAPACITY = 128;
/** Growth below this fraction of the trend's prediction over the window is "stopped". */
export const STOPPED_FRACTION = 0.2;
/** Fewest samples in the window for a verdict; with fewer, the detector's own figures stand. */
const MIN_POINTS = 4;

interface Ring {
  t: Float64Array;
  v: Float64Array;
  /** Index of the next write. */
  next: number;
  size: number;
}

export interface RecentVerdict {
  /** Least-squares slope over the window, per second. */
  slopePerSecond: number;
  /** Rise over the window compared with what the trend predicts: below STOPPED_FRACTION, growth stopped. */
  stopped: boolean;
  /** The newest sample. */
  level: number;
}

export class RecentGrowth {
  private readonly rings = new Map<string, Ring>();

  /**
   * @param windowSeconds how far back "recent" reaches: four samples of the slowest collector (Docker, 15 s),
   * and short enough that a stop shows within a minute (growth under a fifth of the trend's over the window).
   */
  constructor(private readonly windowSeconds = 60) {}

  push(series: string, tSec: number, value: number): void {
    let r = this.rings.get(series);
    if (r === undefined) {
      r = { t: new Float64Array(CAPACITY), v: new Float64Array(CAPACITY), next: 0, size: 0 };
      this.rings.set(series, r);
    }
    r.t[r.next] = tSec;
    r.v[r.next] = value;
    r.next = (r.next + 1) % CAPACITY;
    if (r.size < CAPACITY) r.size++;
  }

  forget(series: string): void {
    this.rings.delete(series);
  }

  /**
   * The recent verdict for `series`, whose trend grows at `trendSlopePerSecond`;
   * null while there is too little recent data to say (the trend's figures stand).
   */
  verdict(series: string, trendSlopePerSecond: number): RecentVerdict | null {
    const r = this.rings.get(series);
    if (r === undefined || r.size < MIN_POINTS) return null;
    const newest = (r.next - 1 + CAPACITY) % CAPACITY;
    const tEnd = r.t[newest];
    const from = tEnd - this.windowSeconds;
    // Walk back from the newest sample to the first one at or before the window's start (the baseline).
    let n = 0;
    let sumT = 0;
    let sumV = 0;
    let baseline = NaN;
    let tFirst = tEnd;
    let max = -Infinity;
    for (let k = 0; k < r.size; k++) {
      const i = (newest - k + CAPACITY) % CAPACITY;
      const t = r.t[i];
      if (t > tEnd) break; // written before a clock jump back: not comparable
      n++;
      sumT += t - tEnd;
      sumV += r.v[i];
      tFirst = t;
      if (t <= from) {
        baseline = r.v[i];
        break;
      }
      if (r.v[i] > max) max = r.v[i];
    }
    if (Number.isNaN(baseline) || n < MIN_POINTS || tEnd - tFirst <= 0) return null;
    const meanT = sumT / n;
    const meanV = sumV / n;
    let sxx = 0;
    let sxy = 0;
    for (let k = 0; k < n; k++) {
      const i = (newest - k + CAPACITY) % CAPACITY;
      const dt = r.t[i] - tEnd - meanT;
      sxx += dt * dt;
      sxy += dt * (r.v[i] - meanV);
    }
    const slope = sxx > 0 ? sxy / sxx : 0;
    const rise = max - baseline;
    const expected = trendSlopePerSecond * (tEnd - tFirst);
    // A slow leak grows less in a minute than its series wanders: there "no rise" says nothing, so no verdict
    // on stopping is given unless the expected rise stands clear of the window's own spread.
    let spread = 0;
    for (let k = 0; k < n; k++) {
      const d = r.v[(newest - k + CAPACITY) % CAPACITY] - meanV;
      spread += d * d;
    }
    const judged = expected > 3 * Math.sqrt(spread / n);
    return { slopePerSecond: slope, stopped: judged && rise < STOPPED_FRACTION * expected, level: r.v[newest] };
  }
}

/**
 * `tr` as the surfaces should show it now: its time to the limit projected
 * from the newest sample at the recent slope, or, once growth has stopped, no
 * countdown at all and `growthStopped` set. Trends that do not leak pass
 * through unchanged. Pure apart from reading `recent`.
 */
export function withRecentGrowth(tr: LeakTrend, recent: RecentGrowth): LeakTrend {
  if (!tr.leaking || !(tr.slopePerHour > 0)) return tr;
  const v = recent.verdict(tr.series, tr.slopePerHour / 3600);
  if (v === null) return tr;
  if (v.stopped) return { ...tr, etaSeconds: null, growthStopped: true };
  const slope = v.slopePerSecond > 0 ? v.slopePerSecond : tr.slopePerHour / 3600;
  return { ...tr, etaSeconds: tr.limit === null ? null : Math.max(0, (tr.limit - v.level) / slope) };
}
