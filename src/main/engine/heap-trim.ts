/**
 * Keeps Headroom's own memory a flat line.
 *
 * V8 collects the old generation lazily: each tick's snapshot lives long
 * enough to be promoted, and the garbage piles up in the old space until the
 * next full collection, which on a small, quiet heap can be many minutes
 * away. RSS then climbs about 1 MB a minute and falls back much later — the
 * very shape Headroom's own leak detector reports as a leak in its `self.rss`
 * series (the reliability soak measured it: ~53 MB/h over ten minutes, with a
 * live heap that stayed flat within 0.3 MB when collected).
 *
 * So, once a minute and between ticks, Headroom asks V8 for a full
 * collection. On this ~25 MB heap it takes ~10–20 ms: well under 0.1 % of a core.
 *
 * `gc` is not exposed without `--expose-gc`, and neither `node bin/headroom.mjs`
 * nor Electron's main process can take that flag on the command line here; V8
 * exposes it to a context created while the flag is set, which is how we get
 * it (and the flag is turned off again at once). Where that fails, trimming is
 * simply off: it is an optimisation, never a reason to stop monitoring.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Full collections this often. */
export const HEAP_TRIM_INTERVAL_MS = 60_000;

/**
 * The interval from HEADROOM_HEAP_TRIM_MS, for measuring what trimming costs
 * and saves (`npm run bench -- overhead` runs an engine with it at 0): 0 turns
 * trimming off, a whole number of ms ≥ 1000 sets the interval; anything else
 * (or nothing) is the default.
 */
export function heapTrimIntervalFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.HEADROOM_HEAP_TRIM_MS?.trim();
  if (!raw || !/^\d+$/.test(raw)) return HEAP_TRIM_INTERVAL_MS;
  const ms = Number(raw);
  return ms === 0 || ms >= 1000 ? ms : HEAP_TRIM_INTERVAL_MS;
}

let cachedGc: (() => void) | null | undefined;

/** V8's full-collection function, or null where it cannot be had. */
export function fullGcFunction(): (() => void) | null {
  if (cachedGc !== undefined) return cachedGc;
  const global = (globalThis as { gc?: () => void }).gc;
  if (typeof global === 'function') return (cachedGc = global);
  try {
    setFlagsFromString('--expose-gc');
    const fn = runInNewContext('gc') as unknown;
    cachedGc = typeof fn === 'function' ? (fn as () => void) : null;
  } catch {
    cachedGc = null;
  } finally {
    try {
      setFlagsFromString('--no-expose-gc');
    } catch {
      /* the flag stays on: harmless */
    }
  }
  return cachedGc;
}

/** Runs a full collection on a timer while started. The timer never keeps the process alive. */
export class HeapTrimmer {
  private timer: NodeJS.Timeout | null = null;
  /** Collections run so far (for tests and diagnostics). */
  runs = 0;

  constructor(private readonly intervalMs = HEAP_TRIM_INTERVAL_MS) {}

  /** Returns false when trimming is off (interval 0) or V8's collector is not available. */
  start(): boolean {
    if (this.timer) return true;
    if (this.intervalMs === 0) return false;
    const gc = fullGcFunction();
    if (!gc) return false;
    this.timer = setInterval(() => {
      gc();
      this.runs++;
    }, this.intervalMs);
    this.timer.unref();
    return true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
