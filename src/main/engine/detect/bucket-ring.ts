/**
 * Bounded per-series storage for the leak detector: samples are reduced to
 * fixed time buckets (median value, mean time, sample count) in a ring sized
 * for `detector.maxWindowSeconds`. Buckets keep the per-tick work independent
 * of the sampling rate, and medians shrug off single-sample spikes.
 */

/** Samples kept per open bucket for its median; beyond this, slots are overwritten round-robin. */
const OPEN_CAPACITY = 32;

/** Collects the samples of the bucket being filled. */
export class OpenBucket {
  key = NaN;
  count = 0;
  tSum = 0;
  private readonly values = new Float64Array(OPEN_CAPACITY);
  private readonly sortBuf = new Float64Array(OPEN_CAPACITY);

  get empty(): boolean {
    return this.count === 0;
  }

  reset(key: number): void {
    this.key = key;
    this.count = 0;
    this.tSum = 0;
  }

  add(t: number, v: number): void {
    this.values[this.count % OPEN_CAPACITY] = v;
    this.count++;
    this.tSum += t;
  }

  meanTime(): number {
    return this.tSum / this.count;
  }

  median(): number {
    const n = Math.min(this.count, OPEN_CAPACITY);
    const s = this.sortBuf.subarray(0, n);
    s.set(this.values.subarray(0, n));
    s.sort();
    return n % 2 === 1 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}

/** Closed buckets, oldest first, in fixed-size typed arrays. */
export class BucketRing {
  readonly t: Float64Array;
  readonly v: Float64Array;
  readonly count: Float64Array;
  private start = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.t = new Float64Array(capacity);
    this.v = new Float64Array(capacity);
    this.count = new Float64Array(capacity);
  }

  /** Physical index of the i-th bucket (0 = oldest). */
  private at(i: number): number {
    const p = this.start + i;
    return p >= this.capacity ? p - this.capacity : p;
  }

  timeAt(i: number): number {
    return this.t[this.at(i)];
  }
  valueAt(i: number): number {
    return this.v[this.at(i)];
  }
  countAt(i: number): number {
    return this.count[this.at(i)];
  }

  /** Appends a bucket; when full, the oldest one is dropped (its value is returned through `onEvict`). */
  push(t: number, v: number, count: number, onEvict?: (t: number, v: number) => void): void {
    if (this.size === this.capacity) {
      onEvict?.(this.t[this.start], this.v[this.start]);
      this.start = this.at(1);
      this.size--;
    }
    const p = this.at(this.size);
    this.t[p] = t;
    this.v[p] = v;
    this.count[p] = count;
    this.size++;
  }

  /** Drops buckets older than `tMin`, reporting each through `onEvict`. */
  dropOlderThan(tMin: number, onEvict?: (t: number, v: number) => void): void {
    while (this.size > 0 && this.t[this.start] < tMin) {
      onEvict?.(this.t[this.start], this.v[this.start]);
      this.start = this.at(1);
      this.size--;
    }
  }

  clear(onEvict?: (t: number, v: number) => void): void {
    if (onEvict) for (let i = 0; i < this.size; i++) onEvict(this.timeAt(i), this.valueAt(i));
    this.start = 0;
    this.size = 0;
  }

  /** Copies the buckets into caller arrays, oldest first; returns the count. */
  copyTo(t: Float64Array, v: Float64Array, c: Float64Array): number {
    for (let i = 0; i < this.size; i++) {
      const p = this.at(i);
      t[i] = this.t[p];
      v[i] = this.v[p];
      c[i] = this.count[p];
    }
    return this.size;
  }
}

/**
 * A long, coarse memory of how high a series has been: the maximum smoothed
 * level (mean of the bucket medians of the last `smoothSeconds`) per slot, for
 * a fixed number of slots (36 h at the default window). It outlives the fine
 * window so that "memory climbs back to where it was yesterday" is not
 * mistaken for a leak. Slots advance by bucket count, not by clock, so a clock
 * jump cannot corrupt it.
 */
export class HighWaterMemory {
  private readonly slots: Float64Array;
  private readonly rt: Float64Array;
  private readonly rv: Float64Array;
  private head = 0;
  private len = 0;
  private sum = 0;
  private slotIndex = 0;
  private inSlot = 0;

  constructor(
    slotCount: number,
    private readonly bucketsPerSlot: number,
    private readonly smoothSeconds: number,
    smoothCapacity: number,
  ) {
    this.slots = new Float64Array(slotCount).fill(-Infinity);
    this.rt = new Float64Array(Math.max(1, smoothCapacity));
    this.rv = new Float64Array(Math.max(1, smoothCapacity));
  }

  /** Records one bucket (time, median) leaving the fine window. */
  add(t: number, v: number): void {
    const cap = this.rt.length;
    // Drop what fell out of the smoothing span, or the oldest when full.
    while (this.len > 0 && (this.len === cap || this.rt[this.head] <= t - this.smoothSeconds)) {
      this.sum -= this.rv[this.head];
      this.head = (this.head + 1) % cap;
      this.len--;
    }
    const p = (this.head + this.len) % cap;
    this.rt[p] = t;
    this.rv[p] = v;
    this.sum += v;
    this.len++;
    if (this.inSlot >= this.bucketsPerSlot) {
      this.slotIndex = (this.slotIndex + 1) % this.slots.length;
      this.slots[this.slotIndex] = -Infinity;
      this.inSlot = 0;
    }
    const smoothed = this.sum / this.len;
    if (smoothed > this.slots[this.slotIndex]) this.slots[this.slotIndex] = smoothed;
    this.inSlot++;
  }

  /** Starts a new run of consecutive buckets (after a segment break) without forgetting the maxima. */
  breakRun(): void {
    this.head = 0;
    this.len = 0;
    this.sum = 0;
  }

  /** Highest smoothed level remembered, or -Infinity. */
  max(): number {
    let m = -Infinity;
    for (let i = 0; i < this.slots.length; i++) if (this.slots[i] > m) m = this.slots[i];
    return m;
  }

  clear(): void {
    this.slots.fill(-Infinity);
    this.slotIndex = 0;
    this.inSlot = 0;
    this.breakRun();
  }
}
