/**
 * The series a collector declares: what of its part of the Snapshot becomes a
 * history series, under which name and limit, and whether the leak detector
 * watches it. History (snapshot-series.ts) and the detector (detect/series.ts)
 * both take their series from these declarations, so a series is named once.
 */

import type { Snapshot } from '../../../shared/model.ts';

/** How the detector follows a watched series. */
export interface Watch {
  /** Changes when the thing measured restarted; a change starts a new segment ('' = decided by `members`). */
  segmentKey: string;
  /** For naming the culprit in alerts: a group or container name, or null for the machine. */
  culprit: string | null;
  /** An application group's PIDs, for `pidSetReplaced`. */
  members?: readonly number[];
}

export interface SeriesSample {
  series: string;
  value: number;
  limit: number | null;
}

export interface WatchedSample extends SeriesSample, Watch {}

/** What the emitters know about this tick beyond the Snapshot. */
export interface SeriesContext {
  /** Groups recorded in history, largest first (settings.groups.topN). */
  topN: number;
  /** Whether each part holds a new reading on this tick; stale parts emit nothing, so no reading is counted twice. */
  fresh: { processes: boolean; containers: boolean };
}

/** Receives samples; each names whether history records it, and how the detector watches it (null: not watched). */
export interface SeriesOut {
  add(series: string, value: number, limit: number | null, record: boolean, watch: Watch | null): void;
}

/** A collector's series: the names it can produce (`<name>` stands for a group or container), and how it emits them. */
export interface SeriesDecl {
  names: readonly string[];
  emit(s: Snapshot, ctx: SeriesContext, out: SeriesOut): void;
}

/** The machine's own series: one segment, no culprit. Shared, never mutated. */
export const MACHINE: Watch = Object.freeze({ segmentKey: 'system', culprit: null });
