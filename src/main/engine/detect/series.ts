/**
 * Which Snapshot numbers the leak detector watches, with their limits, and
 * when a series starts a new segment (its process or container restarted).
 *
 * Segments: a group's series restarts when its PID set is *replaced* (no PID in
 * common with the previous scan) — one instance more or less keeps the evidence,
 * so a group that keeps spawning instances is still judged as a whole. A
 * container's series restarts when its start time or restart count changes.
 */

import type { Snapshot } from '../../../shared/model.ts';

export interface WatchedSeries {
  series: string;
  value: number;
  limit: number | null;
  /** Changes when the thing measured restarted; a change starts a new segment. */
  segmentKey: string;
  /** For naming the culprit in alerts: a group or container name, or null for the machine. */
  culprit: string | null;
  /** An application group's PIDs, for `pidSetReplaced` / `isRestart`. */
  members?: readonly number[];
}

/** Groups smaller than this are not watched: a leak there cannot hurt the machine yet. */
export const MIN_WATCHED_GROUP_BYTES = 32 * 1024 * 1024;
/** At most this many groups are watched (×3 series each), to bound the detector's cost per tick. */
export const MAX_WATCHED_GROUPS = 40;

/**
 * The series to feed from one snapshot. System series on every tick; group and
 * container series only when their collector produced fresh data on this tick,
 * so the detector never sees the same reading twice.
 */
export function leakSeriesFromSnapshot(s: Snapshot, prevProcessesAt = -1, prevContainersAt: number | null = null): WatchedSeries[] {
  const m = s.memory;
  const out: WatchedSeries[] = [
    { series: 'system.mem.used', value: m.usedBytes, limit: m.totalBytes + m.swapTotalBytes, segmentKey: 'system', culprit: null },
  ];
  if (m.swapTotalBytes > 0) {
    out.push({ series: 'system.swap.used', value: m.swapUsedBytes, limit: m.swapTotalBytes, segmentKey: 'system', culprit: null });
  }
  if (s.sampledAt.processes !== prevProcessesAt) {
    let n = 0;
    for (const g of s.groups) {
      if (n >= MAX_WATCHED_GROUPS || g.rssBytes < MIN_WATCHED_GROUP_BYTES) break; // groups are sorted by RSS
      n++;
      const p = `process.group.${g.name}`;
      out.push({ series: `${p}.rss`, value: g.rssBytes, limit: m.totalBytes, segmentKey: '', culprit: g.name, members: g.pids });
      out.push({ series: `${p}.threads`, value: g.threads, limit: null, segmentKey: '', culprit: g.name, members: g.pids });
      if (g.fds !== null) out.push({ series: `${p}.fds`, value: g.fds, limit: null, segmentKey: '', culprit: g.name, members: g.pids });
    }
  }
  if (s.sampledAt.containers !== null && s.sampledAt.containers !== prevContainersAt) {
    for (const c of s.containers) {
      if (c.memUsageBytes === null) continue;
      out.push({
        series: `container.${c.name}.mem`,
        value: c.memUsageBytes,
        // A container with no limit is bounded by the host's RAM.
        limit: c.memLimitBytes ?? m.totalBytes,
        segmentKey: `${c.startedAt ?? ''}#${c.restartCount}`,
        culprit: c.name,
      });
    }
  }
  return out;
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
