/**
 * Measures a monitor the way the issue counts it: its whole process tree.
 * CPU is utime + stime of every live process in the tree plus what its reaped
 * children used (cutime + cstime), in clock ticks; memory is the tree's summed
 * RSS, and for the root process its anonymous and file-backed parts and peak
 * (VmHWM) from /proc/PID/status.
 *
 * An independent meter on purpose: it reads /proc with plain string splits,
 * sharing no code with the reader it measures.
 */

import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = 100;
const PAGE = 4096;

interface StatLine {
  ppid: number;
  ticks: number;
  childTicks: number;
  rssBytes: number;
}

function readStat(pid: number): StatLine | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    // f[0] is field 3 (state): field N is f[N - 3].
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]), rssBytes: Number(f[21]) * PAGE };
  } catch {
    return null;
  }
}

/** The root and all its descendants, alive now. */
export function treeOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const st = readStat(pid);
    if (!st) continue;
    const list = children.get(st.ppid);
    if (list) list.push(pid);
    else children.set(st.ppid, [pid]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const p = todo.pop() as number;
    out.push(p);
    for (const c of children.get(p) ?? []) todo.push(c);
  }
  return out;
}

export interface TreeReading {
  /** CPU seconds used by the tree so far (live processes and reaped children). */
  cpuSeconds: number;
  rssBytes: number;
  processes: number;
}

export function readTree(root: number): TreeReading {
  let ticks = 0;
  let rss = 0;
  let n = 0;
  for (const pid of treeOf(root)) {
    const st = readStat(pid);
    if (!st) continue;
    ticks += st.ticks + st.childTicks;
    rss += st.rssBytes;
    n++;
  }
  return { cpuSeconds: ticks / CLK_TCK, rssBytes: rss, processes: n };
}

export interface MemoryParts {
  anonBytes: number;
  fileBytes: number;
  shmemBytes: number;
  peakBytes: number;
}

/** RssAnon, RssFile, RssShmem and VmHWM of one process. */
export function memoryParts(pid: number): MemoryParts | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
    return { anonBytes: kb('RssAnon'), fileBytes: kb('RssFile'), shmemBytes: kb('RssShmem'), peakBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}
