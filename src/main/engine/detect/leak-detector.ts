/**
 * The leak-trend detector: one instance watches many series (system memory,
 * each application's RSS, fds and threads, each container's memory) and says
 * when one of them is leaking — growing steadily, not just busy. The live
 * analyzer and `headroom replay` run this same class.
 *
 * Method (chosen by measurement; tests/engine/detect/README.md has the numbers):
 *
 * 1. Samples are reduced to fixed time buckets (median per bucket; 720 buckets
 *    per `maxWindowSeconds`, 30 s by default) kept in a bounded ring. A series
 *    is evaluated when one of its buckets closes, at a phase derived from its
 *    name, so 200 series spread their work over the bucket period.
 * 2. Windows ending now (minSpan·√2^k, plus the whole segment) are fitted on
 *    ≤ 64 merged points: Theil–Sen slope, Sen's interval and a Mann–Kendall
 *    z whose variance is inflated for autocorrelated noise — by the lag-1
 *    correlation of the window's residuals (bias-corrected), or by the
 *    correlation measured on the whole segment at that spacing, whichever is
 *    larger (a short window half-absorbs a slow wander and hides it).
 * 3. A window shows a leak only if ALL of these hold:
 *    - significant: corrected z ≥ 3;
 *    - material: the growth over the window is ≥ 3 noise scales;
 *    - worth it: the doubling time is under 48 h;
 *    - long enough for its speed: the fast span (4 × minSpanSeconds) while the
 *      doubling time — taken at the low end of the slope's interval — is under
 *      2 × slowSpanSeconds, growing with its square beyond, up to the slow
 *      span. A leak that fills its limit within 3 fast spans needs only
 *      max(2·minSpan, ETA/3). So runaways are reported in minutes, slow
 *      leaks only after hours;
 *    - sustained: each half of the window grows at ≥ 30 % of the window's
 *      slope (rejects one-off steps and batch jobs);
 *    - not decelerating: the second half's slope is not below half the
 *      first's, nor significantly below 80 % of it (rejects caches warming up);
 *    - new territory: ≥ 70 % of the window's growth lies above the highest
 *      5-minute level seen before the window (remembered ~36 h), which rejects
 *      memory climbing back after a dip, and daily swings.
 *    The slope reported is that of the longest significant window that agrees
 *    with the one that showed the leak (each inside the other's interval).
 * 4. Segments: a clock going backwards, a sampling gap, or a deep drop (a
 *    restart nobody announced) starts a new segment, so no slope is ever fitted
 *    across them, nor across a clock jump the engine noticed (`clockJumped`: a
 *    forward jump shorter than the gap would otherwise pass for time);
 *    `newSegment` does the same for announced restarts and also
 *    forgets the high-water mark. A drop ends a reported leak at once; if the
 *    next segment grows again at a similar rate (a leak that OOM kills keep
 *    resetting) the new-territory test is waived for it.
 * 5. A reported leak ends (hysteresis) when the recent window's slope is below
 *    a quarter of the reported slope and its upper bound below 60 % of it.
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
  /** leak.end: 'flat' (growth stopped), 'reset' (memory dropped: a restart), 'segment' (restart announced), 'forget' (series gone). */
  reason?: 'flat' | 'reset' | 'segment' | 'forget';
}

export type DetectorOptions = Settings['detector'];

/** A leak the previous engine was reporting when it stopped (from its recorded decisions). */
export interface SeededLeak {
  slopePerHour: number;
  slopeLowPerHour?: number;
  slopeHighPerHour?: number;
  strength?: number;
}

/**
 * Internal constants. Exposed so the tests and the bench can measure the
 * alternatives; the defaults are the chosen method.
 */
export interface DetectorTuning {
  /** Minimum corrected Mann–Kendall z. */
  zMin: number;
  /** Growth over the window must exceed this many noise scales. */
  materialSigmas: number;
  /** Doubling times longer than this are not worth a report. */
  maxDoublingSeconds: number;
  /** The span bar is the fast span up to a doubling time of this × slowSpanSeconds, then grows with its square. */
  quadKnee: number;
  /** 0: the span bar uses the slope; 1: the low end of its interval; between: a geometric blend. */
  caution: number;
  /** A leak that fills its limit within this many fast spans is an emergency. */
  emergencyFastSpans: number;
  correction: AutocorrCorrection;
  /** Also inflate each window's variance by the noise correlation measured on the whole segment. */
  noisePrior: boolean;
  /** Report the slope of the longest agreeing window (else the window that showed the leak). */
  longestWindow: boolean;
  useHalves: boolean;
  useDecel: boolean;
  useHighWater: boolean;
  /** Each half of the window must grow at least this fraction of the window's slope. */
  halfFloor: number;
  /** Second-half slope below this × first-half slope, significantly, is deceleration ... */
  decelRatio: number;
  decelZ: number;
  /** ... and below this × first-half slope it is deceleration outright. */
  decelHardRatio: number;
  /** Fraction of the window's growth that must lie above the previous high-water mark. */
  newTerritory: number;
  /** A bucket this far (fraction of the level) below the recent level, and below the recent minimum, is a restart ... */
  dropFraction: number;
  /** ... and this far below, whatever the recent minimum. */
  hardDropFraction: number;
  /** End: recent slope below this × reported slope, with its upper bound below endHighFraction × reported slope. */
  endSlopeFraction: number;
  endHighFraction: number;
  /** A series with no history is cold for this many minSpans after its first sample (cold-start rule). */
  coldStartSpans: number;
  /** While cold, a climb whose cautious time to the limit is under this many minSpans waits out the cold period ... */
  coldHorizonSpans: number;
  /** ... unless the limit is this many minSpans away or less: a runaway. */
  coldRunawaySpans: number;
}

export const DEFAULT_TUNING: Readonly<DetectorTuning> = {
  zMin: 3,
  materialSigmas: 3,
  maxDoublingSeconds: 48 * 3600,
  quadKnee: 2,
  caution: 1,
  emergencyFastSpans: 3,
  correction: 'lag1',
  noisePrior: true,
  longestWindow: true,
  useHalves: true,
  useDecel: true,
  useHighWater: true,
  halfFloor: 0.3,
  decelRatio: 0.8,
  decelZ: 1.65,
  decelHardRatio: 0.5,
  newTerritory: 0.7,
  dropFraction: 0.25,
  hardDropFraction: 0.5,
  endSlopeFraction: 0.25,
  endHighFraction: 0.6,
  coldStartSpans: 8,
  coldHorizonSpans: 24,
  coldRunawaySpans: 3,
};

/** Why a window was or was not a leak (tests and debugging read it). */
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
  | 'old-territory'
  | 'cold-start';

export interface WindowVerdict {
  reason: WindowReason;
  /** Seconds covered. */
  span: number;
  fit: TrendFit;
  /** Fitted level at the window's end. */
  level: number;
  etaSeconds: number | null;
  /** The span this window's speed called for (0 when it failed before that test). */
  requiredSpan: number;
}

/** Fine buckets per maxWindowSeconds. */
const BUCKETS_PER_WINDOW = 720;
/** Points a window is merged down to before the O(n²) fit. */
const MAX_POINTS = 64;
/** A window is judged this many times while it slides by its own length (bounds the per-tick CPU). */
const WINDOW_REVISITS = 32;
/** While a leak is reported, the full window sweep runs every this many evaluations (the end test every time). */
const LEAKING_REFRESH = 8;
/** Levels are compared as 5-minute means, so one noisy bucket does not set the high-water mark. */
const HIGH_WATER_SMOOTH_SECONDS = 300;
/** The high-water memory keeps this many slots of 1/6 window each: 36 h by default. */
const HIGH_WATER_SLOTS = 36;
/** The noise model's local line spans ±(this × minSpanSeconds): ±30 min by default. */
const NOISE_HALF_WINDOW_FACTOR = 6;

class SeriesState {
  readonly ring: BucketRing;
  readonly open = new OpenBucket();
  readonly highWater: HighWaterMemory;
  lastT = NaN;
  /** Running typical sampling interval, for the gap test. */
  typicalDt = NaN;
  segStart = NaN;
  /** End of the cold-start period (set at the series' first sample; -Infinity once seeded from history). */
  coldUntil = NaN;
  limit: number | null = null;
  leaking = false;
  leakSlope = 0;
  leakVerdict: WindowVerdict | null = null;
  /** Slope of a leak that a drop (restart) ended: the next segment may repeat it. */
  priorSlope: number | null = null;
  /** Bucket-level noise scale, for the restart test. */
  noise = 0;
  evaluations = 0;
  trend: LeakTrend | null = null;

  constructor(
    readonly series: string,
    readonly phase: number,
    capacity: number,
    bucketSeconds: number,
  ) {
    this.ring = new BucketRing(capacity);
    this.highWater = new HighWaterMemory(
      HIGH_WATER_SLOTS,
      Math.max(1, Math.round(capacity / 6)),
      HIGH_WATER_SMOOTH_SECONDS,
      Math.ceil(HIGH_WATER_SMOOTH_SECONDS / bucketSeconds) + 1,
    );
  }
}

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
  private capacity = 0;
  // Shared scratch: the detector is synchronous and evaluates one series at a time.
  private T = new Float64Array(0);
  private V = new Float64Array(0);
  private C = new Float64Array(0);
  private SM = new Float64Array(0);
  private PM = new Float64Array(0);
  private HP = new Float64Array(0);
  private readonly PT = new Float64Array(MAX_POINTS + 1);
  private readonly PV = new Float64Array(MAX_POINTS + 1);
  private readonly MT = new Float64Array(MAX_POINTS + 1);
  private readonly MV = new Float64Array(MAX_POINTS + 1);
  private readonly scratch = new TrendScratch(MAX_POINTS + 1);
  private readonly windows: number[] = [];
  /** Complete fits of the current evaluation (for the reported slope). */
  private readonly fitted: WindowVerdict[] = [];
  /** Noise AR(1) coefficient per merge factor, for the series being evaluated. */
  private readonly phiCache = new Map<number, number>();
  private phiN = 0;
  private highPassReady = false;
  private highPassCut = 0;
  /** True while `seed` feeds recorded history: buckets and high-water marks only, no verdicts. */
  private seeding = false;

  constructor(opts: DetectorOptions, tuning: Partial<DetectorTuning> = {}) {
    this.tuning = { ...DEFAULT_TUNING, ...tuning };
    this.opts = opts;
    this.configure(opts);
  }

  /** Applies new detector settings. If the bucket size changes, series start over (old buckets do not fit). */
  updateSettings(opts: DetectorOptions): void {
    const before = this.bucketSeconds;
    this.configure(opts);
    if (this.bucketSeconds !== before) this.states.clear();
  }

  private configure(opts: DetectorOptions): void {
    this.opts = opts;
    this.bucketSeconds = Math.max(1, Math.min(600, opts.maxWindowSeconds / BUCKETS_PER_WINDOW));
    this.capacity = Math.ceil(opts.maxWindowSeconds / this.bucketSeconds) + 2;
    if (this.T.length < this.capacity) {
      const cap = this.capacity;
      this.T = new Float64Array(cap);
      this.V = new Float64Array(cap);
      this.C = new Float64Array(cap);
      this.SM = new Float64Array(cap);
      this.PM = new Float64Array(cap);
      this.HP = new Float64Array(cap);
    }
  }

  /** The evidence a leak normally needs: 4 × minSpan, within [minSpan, slowSpan]. */
  private get fastSpan(): number {
    return Math.max(this.opts.minSpanSeconds, Math.min(4 * this.opts.minSpanSeconds, this.opts.slowSpanSeconds));
  }

  private state(series: string): SeriesState {
    let st = this.states.get(series);
    if (!st) {
      st = new SeriesState(series, (hash(series) % 1000) / 1000, this.capacity, this.bucketSeconds);
      this.states.set(series, st);
    }
    return st;
  }

  /**
   * Feeds one sample. `t` is in seconds (any origin); it should increase, but
   * a step backwards or a long gap starts a new segment rather than being
   * trusted. Non-finite samples are ignored. `limit` is what the series cannot
   * exceed (null: unknown). Returns the events this sample caused, usually none.
   */
  push(series: string, t: number, value: number, limit: number | null): LeakEvent[] {
    if (!Number.isFinite(t) || !Number.isFinite(value)) return [];
    const st = this.state(series);
    st.limit = limit !== null && Number.isFinite(limit) && limit > 0 ? limit : null;
    if (Number.isNaN(st.coldUntil)) st.coldUntil = t + this.tuning.coldStartSpans * this.opts.minSpanSeconds;
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
    return events;
  }

  /**
   * Starts a new segment for a series whose process or container restarted:
   * the old evidence and the remembered high-water mark no longer apply, and a
   * leak being reported ends.
   */
  newSegment(series: string, t: number): LeakEvent[] {
    const st = this.states.get(series);
    if (!st) return [];
    const events: LeakEvent[] = [];
    if (st.leaking) events.push(this.endLeak(st, t, 'segment'));
    st.priorSlope = null;
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

  /**
   * The wall clock jumped (the engine compares it with the monotonic clock):
   * every series starts a new segment, as for a step backwards, so no slope
   * spans the jump. Unlike `newSegment`, the high-water marks are kept — the
   * processes did not restart — and a leak being reported stays reported
   * until the new segment says otherwise.
   */
  clockJumped(): LeakEvent[] {
    const events: LeakEvent[] = [];
    for (const st of this.states.values()) {
      if (Number.isNaN(st.lastT)) continue;
      this.closeBucket(st, st.lastT, events);
      this.breakSegment(st);
      st.lastT = NaN;
    }
    return events;
  }

  /**
   * Feeds one recorded sample before the live ones (warm start, detect/warm-start.ts):
   * buckets, segments and high-water marks are rebuilt as `push` would, but no
   * verdict is made and no event raised until `endSeed`.
   */
  seed(series: string, t: number, value: number, limit: number | null): void {
    this.seeding = true;
    try {
      this.push(series, t, value, limit);
    } finally {
      this.seeding = false;
    }
  }

  /**
   * Ends the seeding of a series: one verdict over everything seeded (for the
   * trend and the noise scale), then the leak state the previous engine last
   * recorded is restored as it was. A restart so resumes a leak being reported
   * without waiting for new evidence, and raises none the previous run had not:
   * a verdict that history alone would reach is left to the live samples.
   */
  endSeed(series: string, recorded: SeededLeak | null): void {
    const st = this.states.get(series);
    if (!st) return;
    if (!st.open.empty) this.closeBucketSeeded(st);
    this.evaluate(st, st.lastT, [], true);
    const n = st.ring.size;
    const level = n > 0 ? st.ring.valueAt(n - 1) : NaN;
    if (recorded && recorded.slopePerHour > 0 && Number.isFinite(level)) {
      st.leaking = true;
      st.leakSlope = recorded.slopePerHour / 3600;
      st.leakVerdict = null;
      st.trend = {
        series,
        leaking: true,
        slopePerHour: recorded.slopePerHour,
        slopeLowPerHour: recorded.slopeLowPerHour ?? recorded.slopePerHour,
        slopeHighPerHour: recorded.slopeHighPerHour ?? recorded.slopePerHour,
        strength: recorded.strength ?? 0,
        level,
        limit: st.limit,
        etaSeconds: etaFrom(recorded.slopePerHour / 3600, st.limit, level),
        segmentStart: st.segStart,
      };
    } else if (st.leaking) {
      st.leaking = false;
      st.leakVerdict = null;
      if (st.trend) st.trend = { ...st.trend, leaking: false };
    }
  }

  private closeBucketSeeded(st: SeriesState): void {
    this.seeding = true;
    try {
      this.closeBucket(st, st.lastT, []);
    } finally {
      this.seeding = false;
    }
  }

  /** The latest trend of a series, or null before its first verdict. */
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

  /** Storage of one series: buckets held and the fixed capacity (state is bounded by maxWindowSeconds). */
  storage(series: string): { buckets: number; capacity: number; bucketSeconds: number } | null {
    const st = this.states.get(series);
    return st ? { buckets: st.ring.size, capacity: st.ring.capacity, bucketSeconds: this.bucketSeconds } : null;
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

  /** Closes a series' open bucket now (end of a replay): its samples count in the final verdict. */
  flush(series: string): LeakEvent[] {
    const st = this.states.get(series);
    if (!st || st.open.empty) return [];
    const events: LeakEvent[] = [];
    this.closeBucket(st, st.lastT, events);
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
        st.priorSlope = st.leakSlope;
        events.push(this.endLeak(st, now, 'reset'));
      }
      this.breakSegment(st);
      st.segStart = tm;
    }
    const onEvict = (t: number, v: number) => st.highWater.add(t, v);
    st.ring.dropOlderThan(tm - this.opts.maxWindowSeconds, onEvict);
    st.ring.push(tm, m, c, onEvict);
    // While seeding from history (warm start), only the buckets are rebuilt: the verdict comes once, in endSeed.
    if (!this.seeding) this.evaluate(st, now, events);
  }

  /** A deep drop below everything seen lately: the process restarted or was OOM-killed. */
  private isRestart(st: SeriesState, m: number): boolean {
    const ring = st.ring;
    const n = ring.size;
    if (n < 3) return false;
    const a = ring.valueAt(n - 1);
    const b = ring.valueAt(n - 2);
    const c = ring.valueAt(n - 3);
    const ref = Math.max(Math.min(a, b), Math.min(Math.max(a, b), c)); // median of the last three
    if (!(ref > 0)) return false;
    const drop = ref - m;
    if (drop >= this.tuning.hardDropFraction * ref) return true;
    if (drop < this.tuning.dropFraction * ref || drop < 6 * st.noise) return false;
    // A garbage collection falls back to the floor of the last minutes; a restart falls below it.
    const look = Math.max(3, Math.round(300 / this.bucketSeconds));
    let low = Infinity;
    for (let i = Math.max(0, n - look); i < n; i++) low = Math.min(low, ring.valueAt(i));
    return m < low - 3 * st.noise - 0.05 * ref;
  }

  private endLeak(st: SeriesState, t: number, reason: LeakEvent['reason']): LeakEvent {
    st.leaking = false;
    st.leakVerdict = null;
    if (st.trend) st.trend = { ...st.trend, leaking: false };
    return { event: 'leak.end', series: st.series, t, reason };
  }

  private evaluate(st: SeriesState, now: number, events: LeakEvent[], everyWindow = false): void {
    const { T, V, C } = this;
    const n = st.ring.copyTo(T, V, C);
    if (n < 2) return;
    const tEnd = T[n - 1];
    const spanAvail = tEnd - T[0];
    this.computeHighWater(n);
    this.phiCache.clear();
    this.phiN = n;
    this.highPassReady = false;

    const windows = this.windows;
    windows.length = 0;
    for (let w = this.opts.minSpanSeconds; w < spanAvail * 0.93; w *= Math.SQRT2) windows.push(w);
    windows.push(spanAvail); // the whole segment: also the displayed trend

    let best: WindowVerdict | null = null;
    let full: WindowVerdict | null = null;
    let noise = st.noise;
    st.evaluations++;
    // While a leak is reported, its verdict only needs refreshing now and then; the end test runs every time.
    const sweep = !st.leaking || st.evaluations % LEAKING_REFRESH === 0;
    for (let k = sweep ? windows.length - 1 : -1; k >= 0; k--) {
      // A long window changes little from one bucket to the next: it is judged every W/32.
      const stride = Math.max(1, Math.floor(windows[k] / (WINDOW_REVISITS * this.bucketSeconds)));
      if (!everyWindow && (st.evaluations + k) % stride !== 0) continue;
      const isFull = k === windows.length - 1;
      const verdict = this.judgeWindow(st, n, tEnd - windows[k] - 1e-9, isFull);
      if (!verdict) continue;
      if (isFull) full = verdict;
      // The loop ends with the shortest window: its residual scale is the bucket-level noise.
      if (Number.isFinite(verdict.fit.sigma)) noise = verdict.fit.sigma;
      if (!verdict.fit.partial) this.fitted.push(verdict);
      if (verdict.reason === 'leak' && (!best || verdict.span > best.span)) best = verdict;
    }
    st.noise = noise;
    if (best && this.tuning.longestWindow) best = this.longestAgreeing(best);
    this.fitted.length = 0;

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
    } else if (best) {
      st.leakVerdict = best;
    } else if (st.leaking) {
      this.checkEnd(st, n, tEnd, now, events);
    }
    if (sweep) this.updateTrend(st, full, n);
    else if (st.trend) st.trend = { ...st.trend, level: V[n - 1], etaSeconds: etaFrom(st.trend.slopePerHour / 3600, st.limit, V[n - 1]) };
  }

  /**
   * The slope to report: a longer window that was significant and agrees with
   * the one that showed the leak (each slope inside the other's interval)
   * measures the same growth with less noise, even if it failed a shape test
   * by chance (a linear leak's two halves differ by noise).
   */
  private longestAgreeing(best: WindowVerdict): WindowVerdict {
    let out = best;
    for (const v of this.fitted) {
      if (v.span <= out.span || v.fit.z < this.tuning.zMin || !(v.fit.slope > 0)) continue;
      if (inside(v.fit, best.fit) && inside(best.fit, v.fit)) out = { ...v, reason: 'leak', requiredSpan: best.requiredSpan };
    }
    return out;
  }

  /** Hysteresis: a leak ends only when the recent growth is clearly well below the reported rate. */
  private checkEnd(st: SeriesState, n: number, tEnd: number, now: number, events: LeakEvent[]): void {
    const span = Math.max(this.fastSpan, Math.min(st.leakVerdict?.span ?? 0, this.opts.slowSpanSeconds) / 2);
    if (tEnd - this.T[0] < span * 0.93) return;
    const v = this.judgeWindow(st, n, tEnd - span, true);
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
    st.trend = {
      series: st.series,
      leaking: st.leaking,
      slopePerHour: slope * 3600,
      slopeLowPerHour: shown.fit.slopeLow * 3600,
      slopeHighPerHour: shown.fit.slopeHigh * 3600,
      strength: strengthOf(shown.fit),
      level,
      limit: st.limit,
      etaSeconds: etaFrom(slope, st.limit, level),
      segmentStart: st.segStart,
    };
  }

  /** Means of the last 5 min of bucket medians (SM) and their running maximum (PM), for the new-territory test. */
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

  /**
   * AR(1) coefficient of the series' noise at a spacing of `m` buckets,
   * measured on the whole segment — a longer record than any window, so a
   * wander that a line fitted inside a short window half-absorbs is still
   * seen. Trends are removed by a local straight line (±`half` s) around each
   * bucket; residuals beyond 3 robust sigmas (the bend where a leak starts, a
   * step) are left out.
   */
  private noisePhi(m: number): number {
    const n = this.phiN;
    if (n < 2 * m + 12) return 0;
    if (!this.highPassReady) this.highPass(n, NOISE_HALF_WINDOW_FACTOR * this.opts.minSpanSeconds);
    const R = this.HP;
    const cut = this.highPassCut;
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i + m < n; i++) {
      const a = R[i];
      const b = R[i + m];
      if (Math.abs(a) > cut || Math.abs(b) > cut) continue;
      sxy += a * b;
      sxx += a * a;
      syy += b * b;
    }
    const r = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
    return Math.min(0.995, Math.max(0, r));
  }

  /** Residuals of the bucket medians around a sliding local line (into HP), and the outlier cut. */
  private highPass(n: number, half: number): void {
    const { T, V } = this;
    const R = this.HP;
    const t0 = T[0];
    let lo = 0;
    let hi = 0;
    let st = 0;
    let sv = 0;
    let stt = 0;
    let stv = 0;
    for (let i = 0; i < n; i++) {
      const ti = T[i] - t0;
      while (hi < n && T[hi] - t0 <= ti + half) {
        const x = T[hi] - t0;
        st += x;
        sv += V[hi];
        stt += x * x;
        stv += x * V[hi];
        hi++;
      }
      while (T[lo] - t0 < ti - half) {
        const x = T[lo] - t0;
        st -= x;
        sv -= V[lo];
        stt -= x * x;
        stv -= x * V[lo];
        lo++;
      }
      const k = hi - lo;
      const den = k * stt - st * st;
      const b = k > 2 && den > 0 ? (k * stv - st * sv) / den : 0;
      const a = (sv - b * st) / k;
      R[i] = V[i] - (a + b * ti);
    }
    const D = this.SM; // scratch: only PM is read after computeHighWater
    for (let i = 0; i < n; i++) D[i] = Math.abs(R[i]);
    this.highPassCut = 3 * 1.4826 * selectRange(D, 0, n - 1, n >> 1);
    this.highPassReady = true;
  }

  /** Merges the buckets with t > tStart into ≤ 64 points and judges them; null if too few samples. */
  private judgeWindow(st: SeriesState, n: number, tStart: number, complete = false): WindowVerdict | null {
    const { T, V, C, PT, PV, MT, MV } = this;
    let s = n - 1;
    while (s > 0 && T[s - 1] > tStart) s--;
    const nb = n - s;
    let samples = 0;
    for (let i = s; i < n; i++) samples += C[i];
    if (nb < 8 || samples < this.opts.minSamples) return null;

    // Groups of m buckets from the newest backwards (the newest group is always complete).
    const m = Math.ceil(nb / MAX_POINTS);
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
    if (this.tuning.noisePrior) {
      const cached = this.phiCache.get(m);
      phi = cached ?? this.noisePhi(m);
      if (cached === undefined) this.phiCache.set(m, phi);
    }
    return this.judgePoints(st, k, T[e], T[n - 1], e, phi, complete);
  }

  /** The leak tests on the merged points PT/PV[0..k). */
  private judgePoints(st: SeriesState, k: number, tFirst: number, tLast: number, startBucket: number, phi: number, complete: boolean): WindowVerdict {
    const { PT, PV } = this;
    const tu = this.tuning;
    const fit = fitTrend(PT, PV, 0, k, this.scratch, tu.correction, phi, complete ? -Infinity : tu.zMin);
    const span = Math.max(tLast - tFirst, PT[k - 1] - PT[0]);
    const slope = fit.slope;
    const level = fit.intercept + slope * PT[k - 1];
    const eta = slope > 0 && st.limit !== null ? Math.max(0, (st.limit - level) / slope) : null;
    const verdict: WindowVerdict = { reason: 'leak', span, fit, level, etaSeconds: eta, requiredSpan: 0 };
    if (k < 8) return { ...verdict, reason: 'too-few' };
    if (!(slope > 0)) return { ...verdict, reason: 'not-rising' };
    if (fit.z < tu.zMin) return { ...verdict, reason: 'not-significant' };
    const growth = slope * span;
    if (growth < tu.materialSigmas * fit.sigma) return { ...verdict, reason: 'immaterial' };

    // Urgency is the doubling time from the window's start: a machine idling at 90 % that wanders
    // up has a short time-to-limit but a long doubling time, and is not leaking.
    const startLevel = fit.intercept + slope * PT[0];
    const doubling = startLevel > 0 ? startLevel / slope : 0;
    if (doubling > tu.maxDoublingSeconds) return { ...verdict, reason: 'too-slow' };
    // The bar is set at the slowest rate the data allow (the interval's low end): a noise excursion
    // inflates the slope of a short window and must not thereby lower its own bar.
    const floor = slope * 0.1;
    const cautious = Math.max(floor, slope ** (1 - tu.caution) * Math.max(fit.slopeLow, floor) ** tu.caution);
    const cautiousDoubling = startLevel > 0 ? startLevel / cautious : 0;
    const fast = this.fastSpan;
    const slow = Math.max(fast, this.opts.slowSpanSeconds);
    let required = Math.min(slow, Math.max(fast, fast * (cautiousDoubling / (tu.quadKnee * slow)) ** 2));
    const cautiousEta = st.limit !== null ? Math.max(0, (st.limit - level) / cautious) : null;
    if (cautiousEta !== null && cautiousEta < tu.emergencyFastSpans * fast) {
      required = Math.min(fast, Math.max(2 * this.opts.minSpanSeconds, cautiousEta / 3));
    }
    verdict.requiredSpan = required;
    if (span < required * 0.97) return { ...verdict, reason: 'too-short' };
    // Cold start: with no history before the series began, a fast climb near the limit is what a login or an
    // app start looks like (caches and services filling memory for half an hour, then flat). Such a climb waits
    // out the cold period, when its flattening shows, unless the limit is only minutes away even at the low end
    // of its slope: a runaway is still reported in minutes. Slower climbs are judged as usual.
    if (tLast < st.coldUntil && cautiousEta !== null && cautiousEta < tu.coldHorizonSpans * this.opts.minSpanSeconds && cautiousEta >= tu.coldRunawaySpans * this.opts.minSpanSeconds) {
      return { ...verdict, reason: 'cold-start' };
    }

    if (tu.useHalves || tu.useDecel) {
      // Each half gets its own line (and noise), so a warm-up's curvature does not pass for noise.
      const h = k >> 1;
      const f1 = fitTrend(PT, PV, 0, h, this.scratch, tu.correction, phi);
      const se1 = slopeStdError(PT, 0, h, f1.sigma, f1.vif);
      const f2 = fitTrend(PT, PV, k - h, k, this.scratch, tu.correction, phi);
      const se2 = slopeStdError(PT, k - h, k, f2.sigma, f2.vif);
      const b1 = f1.slope;
      const b2 = f2.slope;
      if (tu.useHalves && Math.min(b1, b2) < tu.halfFloor * slope) return { ...verdict, reason: 'half-flat' };
      if (tu.useDecel && b2 < tu.decelRatio * b1 && (b2 < tu.decelHardRatio * b1 || b1 - b2 > tu.decelZ * Math.hypot(se1, se2))) {
        return { ...verdict, reason: 'decelerating' };
      }
    }

    if (tu.useHighWater) {
      const prior = st.priorSlope;
      const repeating = prior !== null && slope > 0.5 * prior && slope < 2 * prior;
      if (!repeating) {
        let before = st.highWater.max();
        if (startBucket > 0 && this.PM[startBucket - 1] > before) before = this.PM[startBucket - 1];
        if (before > -Infinity && level - before < tu.newTerritory * growth) return { ...verdict, reason: 'old-territory' };
      }
    }
    return verdict;
  }
}

/** Seconds until `level` growing at `slope` per second reaches `limit`; null if it never does. */
function etaFrom(slope: number, limit: number | null, level: number): number | null {
  return slope > 0 && limit !== null ? Math.max(0, (limit - level) / slope) : null;
}

/** a's slope lies inside b's interval. */
function inside(a: TrendFit, b: TrendFit): boolean {
  return a.slope >= b.slopeLow && a.slope <= b.slopeHigh;
}

/** 0..1: two-sided confidence of the corrected Mann–Kendall test. */
function strengthOf(f: TrendFit): number {
  return Math.round(1000 * (2 * normalCdf(Math.abs(f.z)) - 1)) / 1000;
}
