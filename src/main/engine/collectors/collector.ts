/**
 * A collector is a small lifecycle: init → collect (on its own interval) → dispose.
 * It returns plain data and never draws; the engine merges what it returns into
 * the Snapshot. A collector whose dependency is missing reports a *state* (for
 * example Docker "not running") instead of throwing.
 */

/** Describes one field a collector produces, for docs, /metrics help text and the UI. */
export interface FieldMeta {
  name: string;
  unit: 'bytes' | 'percent' | 'count' | 'seconds' | 'ratio' | 'pages/s';
  description: string;
}

export interface CollectorContext {
  /** Milliseconds since the epoch of this tick (one clock for the whole tick). */
  now: number;
  /**
   * Monotonic milliseconds of this tick (arbitrary origin). Rates divide by
   * differences of this, never of `now`: the wall clock can jump. Absent
   * when a caller has only the wall clock; collectors then fall back to `now`.
   */
  monotonic?: number;
  /** Logger that never throws. */
  log: (line: string) => void;
}

export interface Collector<T> {
  readonly id: string;
  /** Default interval; the engine may shorten it under memory pressure. */
  readonly intervalMs: number;
  readonly fields: readonly FieldMeta[];
  init(ctx: CollectorContext): void | Promise<void>;
  /**
   * Produce one reading. Synchronous collectors (the /proc readers) return the
   * value directly so the hot path never yields; asynchronous ones (Docker)
   * return a promise and must never delay the synchronous ones.
   */
  collect(ctx: CollectorContext): T | Promise<T>;
  dispose(): void | Promise<void>;
}

/** A collector on the synchronous hot path (the /proc readers): it never returns a promise. */
export interface SyncCollector<T> extends Collector<T> {
  collect(ctx: CollectorContext): T;
}
