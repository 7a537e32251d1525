/**
 * Samples one process from outside: its RSS and CPU time from /proc, and the
 * size of the files it writes. The soak's ground truth for Headroom's own
 * cost, read independently of what Headroom says about itself.
 */

import { readFileSync, statSync } from 'node:fs';

export interface SelfSample {
  /** Seconds since the soak started. */
  t: number;
  rssBytes: number;
  /** utime + stime, in clock ticks (USER_HZ, 100 on Linux). */
  cpuTicks: number;
  dbBytes: number;
  walBytes: number;
}

/** VmRSS and CPU ticks of `pid`, or null when it is gone. */
export function readRssAndCpu(pid: number): { rssBytes: number; cpuTicks: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'latin1');
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(status);
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (!rss) return null;
    return { rssBytes: Number(rss[1]) * 1024, cpuTicks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

export function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Median of a list of numbers (NaN for none). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
