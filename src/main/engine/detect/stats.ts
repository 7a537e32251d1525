/**
 * Robust trend statistics for the leak detector: Theil–Sen slope with a
 * confidence interval, the Mann–Kendall trend test with a correction for
 * autocorrelated noise, and small helpers. Pure, allocation-light: scratch
 * buffers are passed in by the caller so a tick allocates nothing.
 *
 * Why these: memory series are full of outliers (GC sawtooth, one-off spikes)
 * and their noise is strongly autocorrelated (a heap that wanders for minutes).
 * Theil–Sen (median of pairwise slopes) ignores up to ~29% outliers, and
 * Mann–Kendall is rank-based; but both assume independent noise, so the
 * variance of S is inflated by the lag-1 "effective sample size" factor
 * (1+r)/(1−r) measured on the detrended residuals — without it a wandering
 * series looks like a trend (Yue & Wang 2004; measured in tests).
 */

/** Result of one trend fit over a set of points. */
export interface TrendFit {
  /** Points used. */
  n: number;
  /** Theil–Sen slope, value units per second. */
  slope: number;
  /** Confidence bounds of the slope (≈ 90 %), per second. */
  slopeLow: number;
  slopeHigh: number;
  /** Intercept: median of v − slope·t (so fitted(t) = intercept + slope·t). */
  intercept: number;
  /** Mann–Kendall z, corrected for autocorrelation (positive = rising). */
  z: number;
  /** Robust noise scale of the residuals (1.4826 · MAD). */
  sigma: number;
  /** Lag-1 autocorrelation of the residuals, clamped to [0, 0.98]. */
  r1: number;
  /** Variance inflation applied to the Mann–Kendall variance. */
  vif: number;
  /** True when the fit stopped after the test (z below what the caller needed): slope is least-squares, no interval. */
  partial: boolean;
}

/** How the Mann–Kendall variance is corrected for autocorrelated noise. */
export type AutocorrCorrection = 'none' | 'lag1' | 'hamed-rao';

/** Reusable scratch space, sized for `maxPoints` points. */
export class TrendScratch {
  readonly pairSlopes: Float64Array;
  readonly residuals: Float64Array;
  readonly sortBuf: Float64Array;
  constructor(readonly maxPoints: number) {
    this.pairSlopes = new Float64Array((maxPoints * (maxPoints - 1)) / 2);
    this.residuals = new Float64Array(maxPoints);
    this.sortBuf = new Float64Array(maxPoints);
  }
}

/** z for a two-sided 90 % interval: the CI reported with the slope. */
const Z_CI = 1.645;

/** Median of a[0..n) — selects in a copy held in `buf` (length ≥ n; `buf` may be `a`). */
export function median(a: ArrayLike<number>, n: number, buf: Float64Array): number {
  if (n <= 0) return NaN;
  if (buf !== a) for (let i = 0; i < n; i++) buf[i] = a[i];
  const k = n >> 1;
  const hi = selectRange(buf, 0, n - 1, k);
  if (n % 2 === 1) return hi;
  let lo = -Infinity;
  for (let i = 0; i < k; i++) if (buf[i] > lo) lo = buf[i];
  return (lo + hi) / 2;
}

/**
 * k-th smallest element of a[lo..hi] (inclusive, k absolute), by Hoare
 * quickselect; reorders that range so smaller elements end up left of k.
 */
export function selectRange(a: Float64Array, lo: number, hi: number, k: number): number {
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const x = a[i];
        a[i] = a[j];
        a[j] = x;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** Median of a[from..to) (to exclusive) using `buf`. */
export function medianRange(a: ArrayLike<number>, from: number, to: number, buf: Float64Array): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const s = buf.subarray(0, n);
  for (let i = 0; i < n; i++) s[i] = a[from + i];
  s.sort();
  return n % 2 === 1 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Theil–Sen slope and Mann–Kendall test over points (t[i], v[i]) for i in
 * [from, to). `t` must be increasing. O(n²) in the number of points, so the
 * caller keeps n small (bucketed, merged points: ≤ 64).
 */
export function fitTrend(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  from: number,
  to: number,
  scratch: TrendScratch,
  correction: AutocorrCorrection = 'lag1',
  phiPrior = 0,
  zNeeded = -Infinity,
): TrendFit {
  const n = to - from;
  if (n < 3) return { n, slope: 0, slopeLow: 0, slopeHigh: 0, intercept: n > 0 ? v[from] : 0, z: 0, sigma: 0, r1: 0, vif: 1, partial: false };

  // Mann–Kendall S.
  let s = 0;
  for (let i = from; i < to - 1; i++) {
    const vi = v[i];
    for (let j = i + 1; j < to; j++) {
      const dv = v[j] - vi;
      if (dv > 0) s++;
      else if (dv < 0) s--;
    }
  }

  // Least-squares line (times relative to the first point, for precision with epoch seconds):
  // its residuals give the noise's autocorrelation.
  const t0 = t[from];
  let mt = 0;
  let mv = 0;
  for (let i = from; i < to; i++) {
    mt += t[i] - t0;
    mv += v[i];
  }
  mt /= n;
  mv /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = from; i < to; i++) {
    const dx = t[i] - t0 - mt;
    sxx += dx * dx;
    sxy += dx * (v[i] - mv);
  }
  const olsSlope = sxx > 0 ? sxy / sxx : 0;
  const res = scratch.residuals;
  let ss = 0;
  let s1 = 0;
  for (let i = 0; i < n; i++) {
    res[i] = v[from + i] - mv - olsSlope * (t[from + i] - t0 - mt);
    ss += res[i] * res[i];
    if (i > 0) s1 += res[i] * res[i - 1];
  }
  // The lag-1 estimate on a short detrended record is biased low by about (1+4r)/n (Kendall); undo it,
  // or a wander that the fitted line half-absorbed passes for independent noise.
  let r1 = ss > 0 ? s1 / ss : 0;
  r1 = Math.min(0.98, Math.max(0, r1 + (1 + 4 * r1) / n));

  let vif = 1;
  if (correction === 'lag1') vif = ar1Vif(r1, n);
  else if (correction === 'hamed-rao') vif = hamedRaoFactor(res, n, scratch);
  // Inside a window shorter than the noise's memory, a wander is absorbed by the fitted line and the
  // residuals look independent: the autocorrelation measured on a longer record (phiPrior) prevails.
  if (correction !== 'none' && phiPrior > 0) vif = Math.max(vif, ar1Vif(phiPrior, n));

  // Mann–Kendall variance with the tie correction (integer series such as fd counts tie a lot).
  let varS = (n * (n - 1) * (2 * n + 5)) / 18 - tieTerm(v, from, to, scratch.sortBuf) / 18;
  varS *= vif;
  // (Measured alternative, rejected: taking the slope's t statistic when it beats the rank z made
  // warm-ups and spawn bursts pass — ranks are what keep steps and curves from looking like lines.)
  let z = 0;
  if (varS > 0) z = s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0;
  if (z < zNeeded) {
    // Not significant: the caller only needs to know that, so skip the O(N) selections.
    return { n, slope: olsSlope, slopeLow: NaN, slopeHigh: NaN, intercept: mv - olsSlope * (mt + t0), z, sigma: NaN, r1, vif, partial: true };
  }

  // Theil–Sen: median of the pairwise slopes, by selection (O(N)), not a full sort.
  const slopes = scratch.pairSlopes;
  let m = 0;
  for (let i = from; i < to - 1; i++) {
    const ti = t[i];
    const vi = v[i];
    for (let j = i + 1; j < to; j++) {
      const dt = t[j] - ti;
      slopes[m++] = dt > 0 ? (v[j] - vi) / dt : 0;
    }
  }
  const kMid = m >> 1;
  let slope = selectRange(slopes, 0, m - 1, kMid);
  if (m % 2 === 0) {
    let lowerMid = -Infinity;
    for (let i = 0; i < kMid; i++) if (slopes[i] > lowerMid) lowerMid = slopes[i];
    slope = (slope + lowerMid) / 2;
  }

  // Robust intercept and noise scale around the Theil–Sen line.
  for (let i = 0; i < n; i++) res[i] = v[from + i] - slope * (t[from + i] - t0);
  const i0 = median(res, n, scratch.sortBuf);
  for (let i = 0; i < n; i++) scratch.sortBuf[i] = Math.abs(res[i] - i0);
  const sigma = 1.4826 * median(scratch.sortBuf, n, scratch.sortBuf);
  const intercept = i0 - slope * t0;

  // Sen's confidence interval: order statistics of the pairwise slopes around the median. After the
  // median's selection the lower ones sit left of kMid and the higher ones right of it.
  let slopeLow = slope;
  let slopeHigh = slope;
  if (varS > 0) {
    const c = Z_CI * Math.sqrt(varS);
    const lo = Math.floor((m - c) / 2);
    const hi = Math.ceil((m + c) / 2);
    slopeLow = lo < 0 ? -Infinity : lo >= kMid ? slopeLow : selectRange(slopes, 0, kMid - 1, lo);
    slopeHigh = hi >= m ? Infinity : hi <= kMid ? slopeHigh : selectRange(slopes, kMid + 1, m - 1, hi);
  }
  return { n, slope, slopeLow, slopeHigh, intercept, z, sigma, r1, vif, partial: false };
}

/**
 * Variance inflation of a sum over n points of AR(1) noise with lag-1
 * correlation phi: 1 + (2/n) Σ (n−k) phi^k — tends to (1+phi)/(1−phi) for long
 * windows and to n when the window is shorter than the noise's memory.
 */
export function ar1Vif(phi: number, n: number): number {
  if (!(phi > 0)) return 1;
  let sum = 0;
  let p = 1;
  for (let k = 1; k < n; k++) {
    p *= phi;
    if (p < 1e-6) break;
    sum += (n - k) * p;
  }
  return 1 + (2 / n) * sum;
}

/** Σ t(t−1)(2t+5) over groups of tied values, for the Mann–Kendall variance. */
function tieTerm(v: ArrayLike<number>, from: number, to: number, buf: Float64Array): number {
  const n = to - from;
  const s = buf.subarray(0, n);
  for (let i = 0; i < n; i++) s[i] = v[from + i];
  s.sort();
  let term = 0;
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && s[i] === s[i - 1]) run++;
    else {
      if (run > 1) term += run * (run - 1) * (2 * run + 5);
      run = 1;
    }
  }
  return term;
}

/**
 * Hamed & Rao (1998) variance correction: sums the significant rank
 * autocorrelations of the detrended series over all lags. Kept for the
 * measured comparison with the lag-1 factor (see tests/bench).
 */
function hamedRaoFactor(res: Float64Array, n: number, scratch: TrendScratch): number {
  // Ranks of the residuals.
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  idx.sort((a, b) => res[a] - res[b]);
  const rank = scratch.sortBuf;
  for (let r = 0; r < n; r++) rank[idx[r]] = r + 1;
  const mean = (n + 1) / 2;
  let den = 0;
  for (let i = 0; i < n; i++) den += (rank[i] - mean) ** 2;
  if (den <= 0) return 1;
  const bound = 1.96 / Math.sqrt(n);
  let sum = 0;
  for (let k = 1; k < n - 2; k++) {
    let num = 0;
    for (let i = 0; i < n - k; i++) num += (rank[i] - mean) * (rank[i + k] - mean);
    const rho = num / den;
    if (Math.abs(rho) > bound) sum += (n - k) * (n - k - 1) * (n - k - 2) * rho;
  }
  const f = 1 + (2 / (n * (n - 1) * (n - 2))) * sum;
  return Math.max(1, f);
}

/**
 * Standard error of a least-squares-like slope over t[from..to) given a
 * residual scale and a variance inflation factor: used to tell a real change
 * of slope between two halves of a window from noise.
 */
export function slopeStdError(t: ArrayLike<number>, from: number, to: number, sigma: number, vif: number): number {
  const n = to - from;
  if (n < 3) return Infinity;
  let mean = 0;
  for (let i = from; i < to; i++) mean += t[i];
  mean /= n;
  let sxx = 0;
  for (let i = from; i < to; i++) sxx += (t[i] - mean) ** 2;
  return sxx > 0 ? sigma * Math.sqrt(vif / sxx) : Infinity;
}
