/**
 * The visible time span shared by the charts of one view, so that zooming one
 * chart zooms its neighbours. "Live" follows the clock; a zoom or pan freezes
 * it until reset.
 */

export type WindowChange = 'range' | 'zoom' | 'slide';

/** Narrowest zoom: below this a chart shows a handful of samples. */
const MIN_SPAN_MS = 30000;

export class TimeWindow {
  min = 0;
  max = 0;
  live = true;
  /** Extra room to the right of "now" in live mode, for trend projections (ms). */
  forwardMs = 0;
  private readonly listeners = new Set<(c: WindowChange) => void>();

  constructor(public rangeMs: number) {
    this.follow(Date.now(), 'range');
  }

  /** Picks a new range and goes back to live. */
  setRange(rangeMs: number, now = Date.now()): void {
    this.rangeMs = rangeMs;
    this.live = true;
    this.follow(now, 'range');
  }

  /** Moves a live window to `now` (called on every snapshot). No-op when zoomed. */
  slide(now: number): void {
    if (this.live) this.follow(now, 'slide');
  }

  /** Shows [min, max] and stops following the clock. Zooming out past the range goes back to live. */
  zoomTo(min: number, max: number, now = Date.now()): void {
    if (!(max > min)) return;
    if (max - min >= this.rangeMs) {
      this.resetZoom(now);
      return;
    }
    if (max - min < MIN_SPAN_MS) {
      const mid = (min + max) / 2;
      min = mid - MIN_SPAN_MS / 2;
      max = mid + MIN_SPAN_MS / 2;
    }
    const latest = now + this.forwardMs;
    if (max > latest) {
      min -= max - latest;
      max = latest;
    }
    this.min = min;
    this.max = max;
    this.live = false;
    this.emit('zoom');
  }

  resetZoom(now = Date.now()): void {
    this.live = true;
    this.follow(now, 'zoom');
  }

  onChange(fn: (c: WindowChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private follow(now: number, why: WindowChange): void {
    this.min = now - this.rangeMs;
    this.max = now + this.forwardMs;
    this.emit(why);
  }

  private emit(c: WindowChange): void {
    for (const l of this.listeners) l(c);
  }
}
