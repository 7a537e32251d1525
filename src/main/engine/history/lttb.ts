/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson, 2013): picks, per
 * bucket, the point that spans the largest triangle with the previously kept
 * point and the next bucket's average. Unlike averaging or striding it keeps
 * the visual shape of a series, spikes included, which is what a memory chart
 * must never hide. Pure; the inputs are never modified.
 */

/**
 * Indices (ascending) of the points LTTB keeps from `x`/`y`, at most
 * `threshold` of them. The first and last points are always kept when
 * `threshold >= 2`; when the series already fits, every index is returned.
 * `x` must be ascending (timestamps).
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): number[] {
  const n = Math.min(x.length, y.length);
  const limit = Math.floor(threshold);
  if (!(limit > 0) || n === 0) return [];
  if (limit >= n) {
    const all = new Array<number>(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  if (limit === 1) return [n - 1];
  if (limit === 2) return [0, n - 1];

  const out = new Array<number>(limit);
  out[0] = 0;
  // Work relative to the first x: epoch-ms products stay far from precision trouble.
  const x0 = x[0];
  // The first and last points are fixed; the others are spread over limit-2 buckets.
  const every = (n - 2) / (limit - 2);
  let a = 0;
  for (let i = 0; i < limit - 2; i++) {
    // Average of the next bucket: the third corner of the triangle.
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let avgX = 0;
    let avgY = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      avgX += x[j] - x0;
      avgY += y[j];
    }
    const count = avgEnd - avgStart;
    avgX /= count;
    avgY /= count;

    const rangeStart = Math.floor(i * every) + 1;
    const rangeEnd = Math.floor((i + 1) * every) + 1;
    const ax = x[a] - x0;
    const ay = y[a];
    let maxArea = -1;
    let maxIndex = rangeStart;
    for (let j = rangeStart; j < rangeEnd; j++) {
      // Twice the triangle's area; the factor does not change the argmax.
      const area = Math.abs((ax - avgX) * (y[j] - ay) - (ax - (x[j] - x0)) * (avgY - ay));
      if (area > maxArea) {
        maxArea = area;
        maxIndex = j;
      }
    }
    out[i + 1] = maxIndex;
    a = maxIndex;
  }
  out[limit - 1] = n - 1;
  return out;
}

/**
 * Downsamples parallel time/value arrays to at most `threshold` points with
 * LTTB. Returns new arrays (copies even when nothing had to be dropped).
 */
export function lttb(t: readonly number[], v: readonly number[], threshold: number): { t: number[]; v: number[] } {
  const keep = lttbIndices(t, v, threshold);
  const outT = new Array<number>(keep.length);
  const outV = new Array<number>(keep.length);
  for (let i = 0; i < keep.length; i++) {
    outT[i] = t[keep[i]];
    outV[i] = v[keep[i]];
  }
  return { t: outT, v: outV };
}
