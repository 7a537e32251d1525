/**
 * Which Snapshot numbers the leak detector watches — as the collectors declare
 * them (collectors/registry.ts) — and when a series starts a new segment (its
 * process or container restarted).
 *
 * Segments: a group's series restarts when its PID set is *replaced* (no PID in
 * common with the previous scan) — one instance more or less keeps the evidence,
 * so a group that keeps spawning instances is still judged as a whole. A
 * container's series restarts when its start time or restart count changes.
 */

import type { Snapshot } from '../../../shared/model.ts';
import type { WatchedSample } from '../collectors/series.ts';
import { collectSeries } from '../snapshot-series.ts';

export { MAX_WATCHED_GROUPS, MIN_WATCHED_GROUP_BYTES } from '../collectors/processes.ts';

export type WatchedSeries = WatchedSample;

/**
 * The series to feed from one snapshot. System series on every tick; group and
 * container series only when their collector produced fresh data on this tick,
 * so the detector never sees the same reading twice.
 */
export function leakSeriesFromSnapshot(s: Snapshot, prevProcessesAt = -1, prevContainersAt: number | null = null): WatchedSeries[] {
  const fresh = { processes: s.sampledAt.processes !== prevProcessesAt, containers: s.sampledAt.containers !== null && s.sampledAt.containers !== prevContainersAt };
  return collectSeries(s, { topN: 0, fresh }).watched;
}

/** True when two PID sets share no member: the group was replaced (restarted), not grown or shrunk. */
export function pidSetReplaced(prev: readonly number[] | undefined, cur: readonly number[]): boolean {
  if (!prev || prev.length === 0 || cur.length === 0) return false;
  const set = new Set(prev);
  for (const p of cur) if (set.has(p)) return false;
  return true;
}

/** True when `cur` is a restarted version of `prev`: for a group, every PID was replaced; otherwise its segment key changed. */
export function isRestart(prev: WatchedSeries, cur: WatchedSeries): boolean {
  if (prev.members && cur.members) return pidSetReplaced(prev.members, cur.members);
  return prev.segmentKey !== cur.segmentKey;
}
