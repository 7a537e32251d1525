/**
 * Runs the live leak detector over recorded history, so every slope, interval,
 * confidence and time to exhaustion in a report is what the detector says for
 * that history — never a second, report-only estimate that could disagree
 * with the alerts the user saw.
 *
 * The replay feeds the detector the way the live analyzer does
 * (src/main/engine/detect/analyzer.ts and series.ts): the same series, the
 * same limits, times in seconds, in time order; groups only while they are
 * among the watched ones (at least MIN_WATCHED_GROUP_BYTES, at most
 * MAX_WATCHED_GROUPS); a new segment when a container's restart count
 * changes; a series forgotten once it has not been fed for ten minutes. The
 * detector's state after the last point is what it showed live at that moment.
 *
 * One thing history cannot give: the live analyzer also starts a new segment
 * when a group's whole PID set is replaced. History keeps no PID sets, so here
 * such a restart is seen only through its drop in memory, which the detector
 * itself treats as a restart.
 */

import type { HistorySeries } from '../../../shared/contract.ts';
import type { LeakTrend } from '../../../shared/model.ts';
import { MAX_WATCHED_GROUPS, MIN_WATCHED_GROUP_BYTES } from '../detect/series.ts';
import type { TrendDetector } from './types.ts';

/** As the analyzer's FORGET_AFTER_MS: a series not fed for this long is forgotten. */
export const REPLAY_FORGET_AFTER_MS = 10 * 60 * 1000;

const GROUP = /^process\.group\.(.+)\.(rss|fds|threads)$/;
const CONTAINER_MEM = /^container\.(.+)\.mem$/;

/** Series the live detector can watch: the machine's memory and swap, each application's memory, open files and threads, each container's memory. */
export function isReplayedSeries(name: string): boolean {
  return name === 'system.mem.used' || name === 'system.swap.used' || GROUP.test(name) || CONTAINER_MEM.test(name);
}

/** One step of the replay, in the order the analyzer would take it. */
export type ReplayEvent =
  | { kind: 'push'; series: string; t: number; value: number; limit: number | null }
  | { kind: 'segment'; series: string; t: number }
  | { kind: 'tick'; t: number };

/** Index of the sample of `s` at exactly `t`, or -1 (group series of one scan share their timestamp). */
function indexAt(s: HistorySeries | undefined, t: number, from: number): number {
  if (!s) return -1;
  let i = from;
  while (i < s.t.length && s.t[i] < t) i++;
  return i < s.t.length && s.t[i] === t ? i : -1;
}

/**
 * The analyzer's feed, rebuilt from history: push, new-segment and tick events
 * sorted by time (pushes of one instant by series name). Pure.
 */
export function replayEvents(series: Readonly<Record<string, HistorySeries>>): ReplayEvent[] {
  const events: ReplayEvent[] = [];
  const push = (s: HistorySeries, i: number) => {
    if (Number.isFinite(s.v[i])) events.push({ kind: 'push', series: s.series, t: s.t[i], value: s.v[i], limit: s.limit });
  };

  const used = series['system.mem.used'];
  if (used) for (let i = 0; i < used.t.length; i++) {
    push(used, i);
    events.push({ kind: 'tick', t: used.t[i] });
  }
  const swap = series['system.swap.used'];
  // The analyzer watches swap only on machines that have some.
  if (swap && swap.limit !== null && swap.limit > 0) for (let i = 0; i < swap.t.length; i++) push(swap, i);

  // Groups: at each scan, those the analyzer watches — the largest, from MIN_WATCHED_GROUP_BYTES, at most MAX_WATCHED_GROUPS.
  const scans = new Map<number, { name: string; rss: number; i: number }[]>();
  for (const [name, s] of Object.entries(series)) {
    const m = GROUP.exec(name);
    if (!m || m[2] !== 'rss') continue;
    for (let i = 0; i < s.t.length; i++) {
      const list = scans.get(s.t[i]) ?? [];
      list.push({ name: m[1], rss: s.v[i], i });
      scans.set(s.t[i], list);
    }
  }
  const cursor = new Map<string, number>();
  for (const t of [...scans.keys()].sort((a, b) => a - b)) {
    const list = scans.get(t)!.sort((a, b) => b.rss - a.rss || (a.name < b.name ? -1 : 1));
    let n = 0;
    for (const g of list) {
      if (n >= MAX_WATCHED_GROUPS || g.rss < MIN_WATCHED_GROUP_BYTES) break;
      n++;
      const p = `process.group.${g.name}`;
      push(series[`${p}.rss`], g.i);
      for (const suffix of ['threads', 'fds']) {
        const s = series[`${p}.${suffix}`];
        const i = indexAt(s, t, cursor.get(s?.series ?? '') ?? 0);
        if (i >= 0) {
          cursor.set(s.series, i);
          push(s, i);
        }
      }
    }
  }

  // Containers: a changed restart count starts a new segment, as the analyzer's segment key does.
  for (const [name, s] of Object.entries(series)) {
    const m = CONTAINER_MEM.exec(name);
    if (!m) continue;
    const restarts = series[`container.${m[1]}.restarts`];
    let ri = 0;
    let prevCount: number | null = null;
    for (let i = 0; i < s.t.length; i++) {
      const j = indexAt(restarts, s.t[i], ri);
      if (j >= 0) {
        ri = j;
        const count = restarts.v[j];
        if (prevCount !== null && count !== prevCount) events.push({ kind: 'segment', series: name, t: s.t[i] });
        prevCount = count;
      }
      push(s, i);
    }
  }

  const rank = { segment: 0, push: 1, tick: 2 };
  return events.sort((a, b) => {
    if (a.t !== b.t) return a.t - b.t;
    if (a.kind !== b.kind) return rank[a.kind] - rank[b.kind];
    const sa = a.kind === 'tick' ? '' : a.series;
    const sb = b.kind === 'tick' ? '' : b.series;
    return sa < sb ? -1 : sa > sb ? 1 : 0;
  });
}

export interface ReplayResult {
  /** The detector's verdict per series after the last point, segment starts in epoch ms. */
  trends: Record<string, LeakTrend>;
  /** Series fed to the detector at least once. */
  replayed: string[];
  /** Series the detector forgot (not fed for ten minutes) and was not fed again: not watched at the end. */
  forgotten: string[];
}

/** Feeds the events to `detector` (times in seconds, as the analyzer does) and returns its verdicts. */
export function replayThroughDetector(events: readonly ReplayEvent[], detector: TrendDetector): ReplayResult {
  const lastFed = new Map<string, number>();
  const forgotten = new Set<string>();
  for (const e of events) {
    if (e.kind === 'segment') detector.newSegment?.(e.series, e.t / 1000);
    else if (e.kind === 'push') {
      detector.push(e.series, e.t / 1000, e.value, e.limit);
      lastFed.set(e.series, e.t);
      forgotten.delete(e.series);
    } else {
      for (const [s, at] of lastFed) {
        if (e.t - at > REPLAY_FORGET_AFTER_MS) {
          detector.forget?.(s, e.t / 1000);
          lastFed.delete(s);
          forgotten.add(s);
        }
      }
    }
  }
  const replayed = [...new Set(events.flatMap((e) => (e.kind === 'push' ? [e.series] : [])))].sort();
  const trends: Record<string, LeakTrend> = {};
  for (const tr of detector.trends()) {
    // segmentStart comes back on the detector's clock (seconds); the report works in ms like history.
    trends[tr.series] = { ...tr, segmentStart: tr.segmentStart * 1000 };
  }
  return { trends, replayed, forgotten: [...forgotten].sort() };
}
