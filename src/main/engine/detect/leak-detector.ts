/**
 * The leak-trend detector: one instance watches many series (system memory,
 * each application's RSS, fds and threads, each container's memory) and says
 * when one of them is leaking — growing steadily, not just busy.
 *
 * Method (measured on the shared traces and the synthetic suite in
 * tests/engine/detect; see the report in tests/engine/detect/README.md):
 *
 * 1. Samples are reduced to fixed time buckets (median per bucket; 720
 *    buckets per `maxWindowSeconds`, i.e. 30 s by default), kept in a bounded
 *    ring. Each series evaluates once per closed bucket, at a phase derived
 *    from its name, so 200 series spread their work over the bucket period.
 * 2. A set of windows ending now (minSpan·√2^k, plus the whole segment) is
 *    fitted, each on ≤ 64 merged points: Theil–Sen slope, Sen's interval and
 *    a Mann–Kendall z whose variance is inflated by (1+r)/(1−r), r being the
 *    lag-1 autocorrelation of the detrended points.
 * 3. A window reports a leak only if ALL of these hold:
 *    - significant: corrected z ≥ 3;
 *    - material: growth over the window ≥ 3 noise scales;
 *    - long enough for its speed: span ≥ time-scale/12, where the time scale
 *      is the shorter of the doubling time and the time to the limit, clamped
 *      to [fast span, slow span] (fast span = 4 × minSpanSeconds); a leak
 *      that fills the limit within 3 fast spans needs only ETA/4. So a
 *      runaway is reported in minutes, a slow leak only after hours;
 *    - sustained: both halves of the window grow (≥ 30 % of the window's
 *      slope each), which rejects one-off steps and batch jobs;
 *    - not decelerating: the second half's slope is not significantly below
 *      80 % of the first half's, which rejects caches warming up;
 *    - new territory: at least half of the window's growth lies above the
 *      highest level the series reached before the window (remembered for
 *      ~36 h), which rejects memory climbing back after a dip and daily swings.
 * 4. Segments: a clock jump backwards, a sampling gap, or a deep drop (a
 *    restart the caller did not announce) starts a new segment, so no slope
 *    is ever fitted across them. A drop ends a reported leak at once; if the
 *    next segment grows again at a similar rate (a leak an OOM kill keeps
 *    resetting) the new-territory test is waived for it.
 * 5. A reported leak ends when the recent window's slope falls below a quarter
 *    of the reported slope with its upper bound below 60 % of it (hysteresis).
 */

import type { LeakTrend } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import { BucketRing, HighWaterMemory, OpenBucket } from './bucket-ring.ts';
import { fitTrend, normalCdf, selectRange, slopeStdError, TrendScratch, type AutocorrCorrection, type TrendFit } from './stats.ts';

/** One event of the detector; the same objects `headroom replay --json` prints. */
export interface LeakEvent {
  event: 'leak.start' | 'leak.end';
  series: string;
  t: number;
  slope_per_hour?: number;
  eta_s?: number | null;
  /** 90 % interval of the slope. */
  slope_low_per_hour?: number;
  slope_high_per_hour?: number;
  level?: number;
  limit?: number | null;
  /** 0..1: strength of the trend evidence. */
  strength?: number;
  /** Span of the window that carried the evidence, seconds. */
  window_s?: number;
  /** For leak.end: 'flat' (growth stopped), 'reset' (memory dropped: restart), 'segment' (caller announced a restart), 'forget'. */
  reason?: string;
}

export type DetectorOptions = Settings['detector'];

/** Internal constants; exposed so tests and the bench can measure alternatives. Defaults are the chosen method. */
export interface DetectorTuning {
  /** Fine buckets per maxWindowSeconds. */
  bucketsPerWindow: number;
  /** Points a window is merged down to before the O(n²) fit. */
  maxPoints: number;
  /** Ratio between successive window spans. */
  windowRatio: number;
  /** Minimum corrected Mann–Kendall z. */
  zMin: number;
  /** Growth over the window must exceed this many noise scales. */
  materialSigmas: number;
  /** Required span = time scale × this (time scale = min(doubling time, ETA)). */
  spanFraction: number;
  /** A leak that fills its limit within this many fast spans is an emergency. */
  emergencyFastSpans: number;
  /** Each half of the window must grow at least this fraction of the window's slope. */
  halfFloor: number;
  /** Deceleration: second-half slope below this × first-half slope ... */
  decelRatio: number;
  /** ... by at least this many standard errors, rejects the window. */
  decelZ: number;
  /** Second-half slope below this × first-half slope rejects the window outright. */
  decelHardRatio: number;
  /** Fraction of the window's growth that must lie above the previous high-water mark. */
  newTerritory: number;
  /** Leaks slower than this (doubling time and ETA both longer) are not worth a report. */
  maxTimeScaleSeconds: number;
  correction: AutocorrCorrection;
  /** Use the segment-wide noise autocorrelation (variogram) as a floor for each window's correction. */
  noisePrior: boolean;
  /** Cap of that prior per merged point. */
  noisePriorCap: number;
  /** Report the slope of the longest window that shows the leak (else the narrowest interval). */
  longestWindow: boolean;
  useHalves: boolean;
  useDecel: boolean;
  useHighWater: boolean;
  /** A bucket this far (fraction of level) below the recent level, and below the recent minimum, is a restart. */
  dropFraction: number;
  /** A bucket this far below the recent level is a restart whatever the recent minimum. */
  hardDropFraction: number;
  /** Slots of the high-water memory (each 1/6 of the window). */
  highWaterSlots: number;
  /** End: recent slope below this × reported slope ... */
  endSlopeFraction: number;
  /** ... and its upper bound below this × reported slope. */
  endHighFraction: number;
}

export const DEFAULT_TUNING: DetectorTuning = {
  bucketsPerWindow: 720,
  maxPoints: 64,
  windowRatio: Math.SQRT2,
  zMin: 3,
  materialSigmas: 3,
  spanFraction: 1 / 12,
  emergencyFastSpans: 3,
  halfFloor: 0.3,
  decelRatio: 0.8,
  decelZ: 1.65,
  decelHardRatio: 0.5,
  newTerritory: 0.5,
  maxTimeScaleSeconds: 48 * 3600,
  correction: 'lag1',
  noisePrior: true,
  noisePriorCap: 0.995,
  longestWindow: true,
  useHalves: true,
  useDecel: true,
  useHighWater: true,
  dropFraction: 0.25,
  hardDropFraction: 0.5,
  highWaterSlots: 36,
  endSlopeFraction: 0.25,
  endHighFraction: 0.6,
};

/** Why a window was or was not a leak (for tests, the bench and debugging). */
export type WindowReason =
  | 'leak'
  | 'too-few'
  | 'not-rising'
  | 'not-significant'
  | 'immaterial'
  | 'too-slow'
  | 'too-short'
  | 'half-flat'
  | 'decelerating'
  | 'old-territory';

export interface WindowVerdict {
  reason: WindowReason;
  span: number;
  fit: TrendFit;
  /** Fitted level at the window's end. */
  level: number;
  etaSeconds: number | null;
  requiredSpan: number;
}

interface Prior {
  slope: number;
}

class SeriesState {
  readonly ring: BucketRing;
  readonly open = new OpenBucket();
  readonly highWater: HighWaterMemory;
  lastT = NaN;
  typicalDt = NaN;
  segStart = NaN;
  limit: number | null = null;
  leaking = false;
  leakSlope = 0;
  leakVerdict: WindowVerdict | null = null;
  prior: Prior | null = null;
  noise = 0;
  evaluations = 0;
  trend: LeakTrend | null = null;
  lastValue = NaN;

  constructor(
    readonly series: string,
    readonly phase: number,
    capacity: number,
    hwSlots: number,
    bucketsPerSlot: number,
    smoothSeconds: number,
    smoothCapacity: number,
  ) {
    this.ring = new BucketRing(capacity);
    this.highWater = new HighWaterMemory(hwSlots, bucketsPerSlot, smoothSeconds, smoothCapacity);
  }
}

/** How many times a window is judged while it slides by its own length (bounds the per-tick CPU). */
const WINDOW_REVISITS = 16;

/** Levels are compared as 5-minute means, so one noisy bucket does not set the high-water mark. */
const HIGH_WATER_SMOOTH_SECONDS = 300;

/** FNV-1a, for a stable per-series bucket phase. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class LeakDetector {
  private opts: DetectorOptions;
  private readonly tuning: DetectorTuning;
  private readonly states = new Map<string, SeriesState>();
  private bucketSeconds = 30;
  // Shared scratch: the detector is synchronous, one evaluation at a time.
  private T = new Float64Array(0);
  private V = new Float64Array(0);
  private C = new Float64Array(0);
  private SM = new Float64Array(0);
  private PM = new Float64Array(0);
  private readonly PT: Float64Array;
  private readonly PV: Float64Array;
  private readonly MT: Float64Array;
  private readonly MV: Float64Array;
  private readonly scratch: TrendScratch;
  private readonly windows: number[] = [];
  /** Noise AR(1) coefficient per merge factor, for the series being evaluated. */
  private readonly phiCache = new Map<number, number>();
  private phiN = 0;

  constructor(opts: DetectorOptions, tuning: Partial<DetectorTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.opts = opts;
    this.PT = new Float64Array(this.tuning.maxPoints + 1);
    this.PV = new Float64Array(this.tuning.maxPoints + 1);
    this.MT = new Float64Array(this.tuning.maxPoints + 1);
    this.MV = new Float64Array(this.tuning.maxPoints + 1);
    this.scratch = new TrendScratch(this.tuning.maxPoints + 1);
    this.configure(opts);
  }

  /** Applies new detector settings. Series whose bucket size changes start over (their old buckets do not fit). */
  updateSettings(opts: DetectorOptions): void {
    const before = this.bucketSeconds;
    this.configure(opts);
    if (this.bucketSeconds !== before) this.states.clear();
  }

  private configure(opts: DetectorOptions): void {
    this.opts = opts;
    this.bucketSeconds = Math.max(1, Math.min(600, opts.maxWindowSeconds / this.tuning.bucketsPerWindow));
    const cap = Math.ceil(opts.maxWindowSeconds / this.bucketSeconds) + 2;
    if (this.T.length < cap) {
      this.T = new Float64Array(cap);
      this.V = new Float64Array(cap);
      this.C = new Float64Array(cap);
      this.SM = new Float64Array(cap);
      this.PM = new Float64Array(cap);
    }
  }

  /** Span below which a verdict needs an emergency (4 × minSpan, within [minSpan, slowSpan]). */
  private get fastSpan(): number {
    return Math.max(this.opts.minSpanSeconds, Math.min(4 * this.opts.minSpanSeconds, this.opts.slowSpanSeconds));
  }

  private state(series: string): SeriesState {
    let st = this.states.get(series);
    if (!st) {
      const cap = Math.ceil(this.opts.maxWindowSeconds / this.bucketSeconds) + 2;
      const perSlot = Math.max(1, Math.round(cap / 6));
      const smoothCapacity = Math.ceil(HIGH_WATER_SMOOTH_SECONDS / this.bucketSeconds) + 1;
      st = new SeriesState(series, (hash(series) % 1000) / 1000, cap, this.tuning.highWaterSlots, perSlot, HIGH_WATER_SMOOTH_SECONDS, smoothCapacity);
      this.states.set(series, st);
    }
    return st;
  }

  /**
   * Feeds one sample. `t` is in seconds (any origin); it should increase, but
   * a step backwards or a long gap is handled as a new segment rather than
   * trusted. Non-finite samples are ignored. Returns the events this sample
   * caused (usually none).
   */
  push(series: string, t: number, value: number, limit: number | null): LeakEvent[] {
    if (!Number.isFinite(t) || !Number.isFinite(value)) return [];
    const st = this.state(series);
    st.limit = limit !== null && Number.isFinite(limit) && limit > 0 ? limit : null;
    const events: LeakEvent[] = [];
    if (!Number.isNaN(st.lastT)) {
      const dt = t - st.lastT;
      const gapLimit = Math.max(this.opts.minSpanSeconds, 10 * (Number.isNaN(st.typicalDt) ? 0 : st.typicalDt));
      if (dt < 0 || dt > gapLimit) {
        // A clock that went backwards or a hole in the data: nothing may be fitted across it.
        this.closeBucket(st, st.lastT, events);
        this.breakSegment(st);
      } else if (dt > 0) {
        st.typicalDt = Number.isNaN(st.typicalDt) ? dt : st.typicalDt + 0.1 * (dt - st.typicalDt);
      }
    }
    const key = Math.floor(t / this.bucketSeconds + st.phase);
    if (!st.open.empty && key !== st.open.key) this.closeBucket(st, t, events);
    if (st.open.empty) st.open.reset(key);
    st.open.add(t, value);
    if (Number.isNaN(st.segStart)) st.segStart = t;
    st.lastT = t;
    st.lastValue = value;
    return events;
  }

  /**
   * Starts a new segment for a series (process or container restarted): the
   * old evidence and the remembered high-water mark no longer apply. A leak
   * being reported ends.
   */
  newSegment(series: string, t: number): LeakEvent[] {
    const st = this.states.get(series);
    if (!st) return [];
    const events: LeakEvent[] = [];
    if (st.leaking) events.push(this.endLeak(st, t, 'segment'));
    st.prior = null;
    st.open.reset(NaN);
    st.ring.clear();
    st.highWater.clear();
    st.segStart = NaN;
    st.lastT = NaN;
    st.typicalDt = NaN;
    st.noise = 0;
    if (st.trend) st.trend = { ...st.trend, leaking: false, segmentStart: t };
    return events;
  }

  trend(series: string): LeakTrend | null {
    return this.states.get(series)?.trend ?? null;
  }

  trends(): LeakTrend[] {
    const out: LeakTrend[] = [];
    for (const st of this.states.values()) if (st.trend) out.push(st.trend);
    return out;
  }

  /** True while a leak is being reported for the series. */
  isLeaking(series: string): boolean {
    return this.states.get(series)?.leaking ?? false;
  }

  /** Series currently tracked. */
  seriesNames(): string[] {
    return [...this.states.keys()];
  }

  /** Drops a series (it vanished); returns a leak.end if it was leaking. */
  forget(series: string, t?: number): LeakEvent[] {
    const st = this.states.get(series);
    if (!st) return [];
    this.states.delete(series);
    return st.leaking ? [this.endLeak(st, t ?? st.lastT, 'forget')] : [];
  }

  /** Closes the open bucket at time `now`: restart check, storage, evaluation. */
  flush(series: string): LeakEvent[] {
    const st = this.states.get(series);
    if (!st || st.open.empty) return [];
    const events: LeakEvent[] = [];
    this.closeBucket(st, st.lastT, events);
    st.open.reset(NaN);
    return events;
  }

  private breakSegment(st: SeriesState): void {
    st.ring.clear((t, v) => st.highWater.add(t, v));
    st.highWater.breakRun();
    st.open.reset(NaN);
    st.segStart = NaN;
    st.typicalDt = NaN;
  }

  private closeBucket(st: SeriesState, now: number, events: LeakEvent[]): void {
    if (st.open.empty) return;
    const m = st.open.median();
    const tm = st.open.meanTime();
    const c = st.open.count;
    st.open.reset(NaN);
    if (this.isRestart(st, m)) {
      if (st.leaking) {
        st.prior = { slope: st.leakSlope };
        events.push(this.endLeak(st, now, 'reset'));
      }
      this.breakSegment(st);
      st.segStart = tm;
    }
    const onEvict = (t: number, v: number) => st.highWater.add(t, v);
    st.ring.dropOlderThan(tm - this.opts.maxWindowSeconds, onEvict);
    st.ring.push(tm, m, c, onEvict);
    this.evaluate(st, now, events);
  }

  /** A deep drop below everything seen lately: the process restarted (or was OOM-killed). */
  private isRestart(st: SeriesState, m: number): boolean {
    const ring = st.ring;
    const n = ring.size;
    if (n < 3) return false;
    const a = ring.valueAt(n - 1);
    const b = ring.valueAt(n - 2);
    const c = ring.valueAt(n - 3);
    const ref = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    if (!(ref > 0)) return false;
    const drop = ref - m;
    if (drop >= this.tuning.hardDropFraction * ref) return true;
    if (drop < this.tuning.dropFraction * ref || drop < 6 * st.noise) return false;
    const look = Math.max(3, Math.round(300 / this.bucketSeconds));
    let low = Infinity;
    for (let i = Math.max(0, n - look); i < n; i++) low = Math.min(low, ring.valueAt(i));
    return m < low - 3 * st.noise - 0.05 * ref;
  }

  private endLeak(st: SeriesState, t: number, reason: string): LeakEvent {
    st.leaking = false;
    st.leakVerdict = null;
    if (st.trend) st.trend = { ...st.trend, leaking: false };
    return { event: 'leak.end', series: st.series, t, reason };
  }

  private evaluate(st: SeriesState, now: number, events: LeakEvent[]): void {
    const { T, V, C } = this;
    const n = st.ring.copyTo(T, V, C);
    if (n < 2) return;
    const tEnd = T[n - 1];
    const spanAvail = tEnd - T[0];
    this.computeHighWater(n);
    this.phiCache.clear();
    this.phiN = n;
    const tu = this.tuning;

    // The whole segment (bounded by the ring) gives the displayed trend.
    const windows = this.windows;
    windows.length = 0;
    for (let w = this.opts.minSpanSeconds; w < spanAvail * 0.93; w *= tu.windowRatio) windows.push(w);
    windows.push(spanAvail);

    let best: WindowVerdict | null = null;
    let full: WindowVerdict | null = null;
    let noise = st.noise;
    st.evaluations++;
    for (let k = windows.length - 1; k >= 0; k--) {
      // A long window changes little from one bucket to the next: it is judged every W/16.
      const stride = Math.max(1, Math.floor(windows[k] / (WINDOW_REVISITS * this.bucketSeconds)));
      if ((st.evaluations + k) % stride !== 0) continue;
      const verdict = this.judgeWindow(st, n, tEnd - windows[k] - 1e-9);
      if (!verdict) continue;
      if (k === windows.length - 1) full = verdict;
      noise = verdict.fit.sigma; // ends with the shortest window: bucket-level noise, for the restart test
      if (verdict.reason !== 'leak') continue;
      if (!best || (tu.longestWindow ? verdict.span > best.span : relWidth(verdict.fit) < relWidth(best.fit))) best = verdict;
    }
    st.noise = noise;

    if (best && !st.leaking) {
      st.leaking = true;
      st.leakSlope = best.fit.slope;
      st.leakVerdict = best;
      events.push({
        event: 'leak.start',
        series: st.series,
        t: now,
        slope_per_hour: best.fit.slope * 3600,
        eta_s: best.etaSeconds === null ? null : Math.round(best.etaSeconds),
        slope_low_per_hour: best.fit.slopeLow * 3600,
        slope_high_per_hour: best.fit.slopeHigh * 3600,
        level: best.level,
        limit: st.limit,
        strength: strengthOf(best.fit),
        window_s: Math.round(best.span),
      });
    } else if (best && st.leaking) {
      st.leakVerdict = best;
    } else if (st.leaking) {
      this.checkEnd(st, n, tEnd, now, events);
    }
    this.updateTrend(st, full, n);
  }

  /** Hysteresis: a leak ends only when the recent growth is clearly well below the reported rate. */
  private checkEnd(st: SeriesState, n: number, tEnd: number, now: number, events: LeakEvent[]): void {
    const span = Math.max(this.fastSpan, Math.min(st.leakVerdict?.span ?? 0, this.opts.slowSpanSeconds) / 2);
    if (tEnd - this.T[0] < span * 0.93) return;
    const v = this.judgeWindow(st, n, tEnd - span);
    if (!v || v.fit.n < 8) return;
    const ref = st.leakSlope;
    if (v.fit.slope < this.tuning.endSlopeFraction * ref && v.fit.slopeHigh < this.tuning.endHighFraction * ref) {
      events.push(this.endLeak(st, now, 'flat'));
    }
  }

  private updateTrend(st: SeriesState, full: WindowVerdict | null, n: number): void {
    const shown = st.leaking && st.leakVerdict ? st.leakVerdict : full;
    if (!shown) return;
    const level = this.V[n - 1];
    const slope = shown.fit.slope;
    const eta = slope > 0 && st.limit !== null ? Math.max(0, (st.limit - level) / slope) : null;
    st.trend = {
      series: st.series,
      leaking: st.leaking,
      slopePerHour: slope * 3600,
      slopeLowPerHour: shown.fit.slopeLow * 3600,
      slopeHighPerHour: shown.fit.slopeHigh * 3600,
      strength: strengthOf(shown.fit),
      level,
      limit: st.limit,
      etaSeconds: eta,
      segmentStart: st.segStart,
    };
  }

  /** Means of the last 5 min of bucket medians, and their running maximum (for the new-territory test). */
  /**
   * AR(1) coefficient of the series' noise at a spacing of `m` buckets, from
   * the variogram of the whole segment: for AR(1) noise, Var(x[i+2m] − x[i]) /
   * Var(x[i+m] − x[i]) = 1 + φ. Differences ignore the level and a linear
   * trend (their median is removed) and robust spreads (MAD) shrug off steps
   * and hinges, so a leak does not pass for correlated noise, while a wander
   * — which a line fitted inside a short window half-absorbs — is measured
   * even on a short record.
   */
  private noisePhi(n: number, m: number): number {
    if (n < 2 * m + 8) return 0;
    const v1 = this.diffSpread(n, m);
    const v2 = this.diffSpread(n, 2 * m);
    if (!(v1 > 0)) return v2 > 0 ? 0.995 : 0;
    const phi = (v2 * v2) / (v1 * v1) - 1;
    return Math.min(this.tuning.noisePriorCap, Math.max(0, phi));
  }

  /** MAD of the lag-`lag` differences of the bucket medians. */
  private diffSpread(n: number, lag: number): number {
    const { V } = this;
    const D = this.SM; // scratch: only PM is read after computeHighWater
    const k = n - lag;
    for (let i = 0; i < k; i++) D[i] = V[i + lag] - V[i];
    const med = selectRange(D, 0, k - 1, k >> 1);
    for (let i = 0; i < k; i++) D[i] = Math.abs(D[i] - med);
    return selectRange(D, 0, k - 1, k >> 1);
  }

  private computeHighWater(n: number): void {
    const { T, V, SM, PM } = this;
    let sum = 0;
    let j = 0;
    let pm = -Infinity;
    for (let i = 0; i < n; i++) {
      sum += V[i];
      while (T[j] <= T[i] - HIGH_WATER_SMOOTH_SECONDS) sum -= V[j++];
      SM[i] = sum / (i - j + 1);
      if (SM[i] > pm) pm = SM[i];
      PM[i] = pm;
    }
  }

  /** Fits and judges the window of buckets with t > tStart (ending at the newest bucket). */
  private judgeWindow(st: SeriesState, n: number, tStart: number): WindowVerdict | null {
    const { T, V, C, PT, PV } = this;
    const tu = this.tuning;
    let s = n - 1;
    while (s > 0 && T[s - 1] > tStart) s--;
    const nb = n - s;
    let samples = 0;
    for (let i = s; i < n; i++) samples += C[i];
    if (nb < 8 || samples < this.opts.minSamples) return null;

    // Merge buckets into ≤ maxPoints points, newest group complete, then put them in time order.
    const m = Math.ceil(nb / tu.maxPoints);
    const { MT, MV } = this;
    let k = 0;
    let e = n;
    while (e > s) {
      const b = Math.max(s, e - m);
      if (e - b < Math.ceil(m / 2)) break;
      let ts = 0;
      let vs = 0;
      for (let i = b; i < e; i++) {
        ts += T[i];
        vs += V[i];
      }
      MT[k] = ts / (e - b);
      MV[k] = vs / (e - b);
      k++;
      e = b;
    }
    for (let i = 0; i < k; i++) {
      PT[i] = MT[k - 1 - i];
      PV[i] = MV[k - 1 - i];
    }
    let phi = 0;
    if (tu.noisePrior) {
      const cached = this.phiCache.get(m);
      phi = cached ?? this.noisePhi(this.phiN, m);
      if (cached === undefined) this.phiCache.set(m, phi);
    }
    return this.judgePoints(st, k, T[e], T[n - 1], e, phi);
  }

  private judgePoints(st: SeriesState, k: number, tFirst: number, tLast: number, startBucket: number, phiPoints: number): WindowVerdict {
    const { PT, PV } = this;
    const tu = this.tuning;
    const fit = fitTrend(PT, PV, 0, k, this.scratch, tu.correction, phiPoints);
    const span = Math.max(tLast - tFirst, PT[k - 1] - PT[0]);
    const level = fit.intercept + fit.slope * PT[k - 1];
    const slope = fit.slope;
    const eta = slope > 0 && st.limit !== null ? Math.max(0, (st.limit - level) / slope) : null;
    const verdict: WindowVerdict = { reason: 'leak', span, fit, level, etaSeconds: eta, requiredSpan: 0 };
    if (k < 8) return { ...verdict, reason: 'too-few' };
    if (!(slope > 0)) return { ...verdict, reason: 'not-rising' };
    if (fit.z < tu.zMin) return { ...verdict, reason: 'not-significant' };
    const growth = slope * span;
    if (growth < tu.materialSigmas * fit.sigma) return { ...verdict, reason: 'immaterial' };

    // Urgency is the doubling time from where the window started: a machine idling at 90 % that
    // wanders up has a short time-to-limit but a long doubling time, and is not leaking.
    const startLevel = fit.intercept + slope * PT[0];
    const scale = startLevel > 0 ? startLevel / slope : 0;
    if (scale > tu.maxTimeScaleSeconds) return { ...verdict, reason: 'too-slow' };
    // The span needed is judged at the slowest rate the data allow (the interval's low end): a noise
    // excursion inflates the slope of a short window, and must not thereby shorten its own bar.
    const cautious = Math.max(fit.slopeLow, slope * 0.1);
    const cautiousScale = startLevel > 0 ? startLevel / cautious : 0;
    const fast = this.fastSpan;
    const slow = Math.max(fast, this.opts.slowSpanSeconds);
    let required = Math.min(slow, Math.max(fast, cautiousScale * tu.spanFraction));
    const cautiousEta = st.limit !== null ? Math.max(0, (st.limit - level) / cautious) : null;
    if (cautiousEta !== null && cautiousEta < tu.emergencyFastSpans * fast) {
      required = Math.min(fast, Math.max(2 * this.opts.minSpanSeconds, cautiousEta / 3));
    }
    verdict.requiredSpan = required;
    if (span < required * 0.97) return { ...verdict, reason: 'too-short' };

    if (tu.useHalves || tu.useDecel) {
      // Each half gets its own line, so the curvature of a warm-up does not pass for noise.
      const h = k >> 1;
      const f1 = fitTrend(PT, PV, 0, h, this.scratch, tu.correction, phiPoints);
      const b1 = f1.slope;
      const se1 = slopeStdError(PT, 0, h, f1.sigma, f1.vif);
      const f2 = fitTrend(PT, PV, k - h, k, this.scratch, tu.correction, phiPoints);
      const b2 = f2.slope;
      const se2 = slopeStdError(PT, k - h, k, f2.sigma, f2.vif);
      const se = Math.sqrt(se1 * se1 + se2 * se2);
      if ((globalThis as any).__DBG) (globalThis as any).__DBG(st.series, tLast, span, fit, b1, b2, se);
      if (tu.useHalves && Math.min(b1, b2) < tu.halfFloor * slope) return { ...verdict, reason: 'half-flat' };
      if (tu.useDecel && b2 < tu.decelRatio * b1 && (b2 < tu.decelHardRatio * b1 || b1 - b2 > tu.decelZ * se)) {
        return { ...verdict, reason: 'decelerating' };
      }
    }

    if (tu.useHighWater) {
      const prior = st.prior;
      const waived = prior !== null && slope > 0.5 * prior.slope && slope < 2 * prior.slope;
      if (!waived) {
        let before = st.highWater.max();
        if (startBucket > 0 && this.PM[startBucket - 1] > before) before = this.PM[startBucket - 1];
        if ((globalThis as any).__HW) (globalThis as any).__HW(st.series, tLast, span, level, before, growth, st.highWater.max());
        if (before > -Infinity && level - before < tu.newTerritory * growth) return { ...verdict, reason: 'old-territory' };
      }
    }
    return verdict;
  }
}

function relWidth(f: TrendFit): number {
  return (f.slopeHigh - f.slopeLow) / Math.abs(f.slope || 1e-12);
}

/** 0..1: two-sided confidence of the corrected Mann–Kendall test. */
function strengthOf(f: TrendFit): number {
  return Math.round(1000 * (2 * normalCdf(Math.abs(f.z)) - 1)) / 1000;
}
