/**
 * The live part of a report: what history does not keep (process lists,
 * container limits, Docker disk usage, fix proposals), read when the report is
 * made — from a running engine, or by sampling once for the CLI.
 */

import { readFileSync } from 'node:fs';
import type { Alert, FixProposal, LeakTrend, Snapshot } from '../../../shared/model.ts';
import { linkFixes } from '../alert-fixes.ts';
import { readLiveProcess } from '../platform/linux/live-process.ts';
import { parseBootTime } from '../platform/linux/system-files.ts';
import type { LiveState } from './types.ts';

/** USER_HZ: the unit of /proc/PID/stat start times on every Linux that Headroom runs on. */
const CLOCK_TICKS = 100;

/** Boot time (epoch seconds) from /proc/stat, or null where unreadable (not Linux). */
function bootTimeSeconds(procRoot: string): number | null {
  try {
    return parseBootTime(readFileSync(`${procRoot}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Start times (epoch ms) of the PIDs a report names; PIDs that are gone or unreadable are left out. */
export function readProcessStarts(pids: readonly number[], procRoot = '/proc'): Record<number, number> {
  const out: Record<number, number> = {};
  const btime = bootTimeSeconds(procRoot);
  if (btime === null) return out;
  for (const pid of [...new Set(pids)].sort((a, b) => a - b)) {
    const p = readLiveProcess(pid, procRoot);
    if (p) out[pid] = btime * 1000 + Math.round((p.startTime * 1000) / CLOCK_TICKS);
  }
  return out;
}

/** The PIDs whose start times a report shows: zombies, their parents, orphans. */
export function pidsOfInterest(s: Snapshot): number[] {
  const pids: number[] = [];
  for (const z of s.zombies) pids.push(z.pid, z.ppid);
  for (const o of s.orphans) pids.push(o.pid);
  return pids;
}

/**
 * Assembles the live state from a snapshot and what the engine and planner
 * said about it. The alerts carry the fixes linked to them (the same pure step
 * as the engine's), and `trends`, given only by a running engine, are its
 * detector's verdicts.
 */
export function liveStateFrom(
  snapshot: Snapshot,
  alerts: readonly Alert[],
  fixes: readonly FixProposal[],
  opts: { trends?: readonly LeakTrend[]; procRoot?: string } = {},
): LiveState {
  const live: LiveState = {
    snapshot,
    alerts: linkFixes(alerts, fixes),
    fixes: [...fixes],
    processStarts: process.platform === 'linux' ? readProcessStarts(pidsOfInterest(snapshot), opts.procRoot) : {},
  };
  if (opts.trends) live.trends = [...opts.trends];
  return live;
}
