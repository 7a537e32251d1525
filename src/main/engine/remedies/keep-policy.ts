/**
 * Which instances of an application to keep when stopping the excess:
 * - `newest`: the most recently started (highest start time);
 * - `active`: the most recently active, by CPU time used between samples;
 * - `tty`: those attached to a terminal (someone is likely typing into them).
 * Ties fall back to newest, then to the higher PID, so a choice is deterministic
 * and the CLI resolves the same proposal id in a second process.
 */

import type { Settings } from '../../../shared/settings.ts';

export type KeepPolicy = Settings['remedies']['keepPolicy'];

/** One instance as the keep policy sees it. */
export interface Instance {
  pid: number;
  startTime: number;
  ttyNr: number;
  /** Epoch ms of the last sample in which it used CPU; 0 when never seen active. */
  lastActive: number;
}

/** Ranks instances, most worth keeping first. Pure; does not mutate its input. */
export function rankForKeeping<T extends Instance>(instances: readonly T[], policy: KeepPolicy): T[] {
  const newest = (a: T, b: T) => b.startTime - a.startTime || b.pid - a.pid;
  const byPolicy =
    policy === 'active'
      ? (a: T, b: T) => b.lastActive - a.lastActive || newest(a, b)
      : policy === 'tty'
        ? (a: T, b: T) => Number(b.ttyNr !== 0) - Number(a.ttyNr !== 0) || newest(a, b)
        : newest;
  return [...instances].sort(byPolicy);
}

/** Splits instances into those kept (the first `keep` by the policy) and those to stop. */
export function chooseKeep<T extends Instance>(instances: readonly T[], policy: KeepPolicy, keep: number): { keep: T[]; stop: T[] } {
  const ranked = rankForKeeping(instances, policy);
  const n = Math.max(0, Math.min(ranked.length, Math.floor(keep)));
  return { keep: ranked.slice(0, n), stop: ranked.slice(n) };
}

/** "the 4 newest", "the 4 most recently active", "the 4 attached to a terminal". */
export function describeKeep(policy: KeepPolicy, n: number): string {
  switch (policy) {
    case 'active':
      return `the ${n} most recently active`;
    case 'tty':
      return `the ${n} attached to a terminal, then the newest`;
    default:
      return `the ${n} newest`;
  }
}

/**
 * Tracks, per process, when it last used CPU: the `active` keep policy needs
 * "recently", which one cumulative CPU counter cannot say. Fed the process table
 * on every planning pass; entries for processes that are gone are dropped.
 */
export class ActivityTracker {
  private readonly seen = new Map<number, { startTime: number; ticks: number; lastActive: number; gen: number }>();
  private gen = 0;

  observe(procs: Iterable<{ pid: number; startTime: number; cpuTicks: number; cpuPercent?: number; kernelThread: boolean }>, now: number): void {
    const gen = ++this.gen;
    for (const p of procs) {
      if (p.kernelThread) continue;
      const s = this.seen.get(p.pid);
      if (s === undefined || s.startTime !== p.startTime) {
        // First sight: the table's own CPU percent (from its previous scan) says whether it was just active.
        this.seen.set(p.pid, { startTime: p.startTime, ticks: p.cpuTicks, lastActive: (p.cpuPercent ?? 0) > 0 ? now : 0, gen });
        continue;
      }
      if (p.cpuTicks > s.ticks) s.lastActive = now;
      s.ticks = p.cpuTicks;
      s.gen = gen;
    }
    for (const [pid, s] of this.seen) if (s.gen !== gen) this.seen.delete(pid);
  }

  lastActive(pid: number, startTime: number): number {
    const s = this.seen.get(pid);
    return s !== undefined && s.startTime === startTime ? s.lastActive : 0;
  }
}
