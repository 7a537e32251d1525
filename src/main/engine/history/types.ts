/** Plain data types of the history store, shared by its parts. */

import type { Retention } from './tiers.ts';

/** One value of one named series at one instant (the instant is given to `record`). */
export interface HistorySample {
  series: string;
  value: number;
  /** What the series cannot exceed (RAM, a container limit), or null when unknown. */
  limit: number | null;
}

export interface HistoryOptions {
  /** The database file; its folder is created when missing. */
  path: string;
  retention: Retention;
  /** One line per event; the store never logs per sample. */
  log: (line: string) => void;
  /** Clock for tier selection and prune scheduling (tests inject one). */
  now?: () => number;
  /** Most samples kept in memory while the file cannot be written (default 15,000: ~10 minutes). */
  maxQueuedSamples?: number;
  /**
   * Run PRAGMA quick_check when opening (default true). It reads the whole
   * file: about 0.5 s for a day of history, a few seconds for a year. One-shot
   * readers such as `headroom history` may skip it; the sampler should not.
   */
  quickCheck?: boolean;
}

export interface HistoryHealth {
  /** True when the file is open and every sample so far is on disk. */
  ok: boolean;
  /** Why not, in words for the UI; null when ok. */
  message: string | null;
  /** Samples waiting in memory for the file to become writable again. */
  queued: number;
  path: string;
  /** Present once this store had to start the file anew (see HistoryReset). */
  lastReset?: HistoryReset;
}

/**
 * The store started a new history file while running: the old one was damaged
 * (kept aside, never deleted) or was deleted or replaced by someone else. Kept
 * in `health()` so the UI can say why older history is missing.
 */
export interface HistoryReset {
  /** Epoch ms. */
  at: number;
  /** In words: "SQLITE_CORRUPT: database disk image is malformed", "the file was deleted or replaced while open". */
  reason: string;
  /** Where the damaged file was moved (history.db.corrupt-<epochms>); null when there was nothing to keep. */
  keptAs: string | null;
}

export interface HistoryEvent {
  t: number;
  kind: string;
  detail: string | null;
}

/** One rollup bucket, as stored. */
export interface RollupBucket {
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
  avg: number;
  min: number;
  max: number;
}
