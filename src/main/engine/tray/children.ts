/**
 * "No child processes left behind on a clean quit": the app's own helpers
 * (notification tools, anything a fix started) are found by parent PID in
 * /proc and stopped, TERM first, KILL after a grace period. Electron's own
 * helper processes (renderer, GPU, utility: `--type=` in their command line)
 * are left to Electron, which ends them itself as it exits.
 *
 * Linux only: elsewhere there is no /proc, and the app starts no children of
 * its own there (notifications go through Electron in-process).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProcEntry {
  pid: number;
  ppid: number;
  startTime: number;
  cmdline: string;
}

function readEntry(procRoot: string, pid: number): ProcEntry | null {
  try {
    const stat = readFileSync(join(procRoot, String(pid), 'stat'), 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z') return null; // already dead, waiting to be reaped: nothing to stop
    const cmdline = readFileSync(join(procRoot, String(pid), 'cmdline'), 'latin1').replace(/\0/g, ' ').trim();
    return { pid, ppid: Number(fields[1]), startTime: Number(fields[19]), cmdline };
  } catch {
    return null; // it exited while we looked
  }
}

/** Live children of `parentPid` that are not Electron's own helper processes. */
export function strayChildren(parentPid: number, procRoot = '/proc'): { pid: number; startTime: number; cmdline: string }[] {
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return [];
  }
  const out: { pid: number; startTime: number; cmdline: string }[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const e = readEntry(procRoot, Number(name));
    if (!e || e.ppid !== parentPid || /(^|\s)--type=/.test(e.cmdline)) continue;
    out.push({ pid: e.pid, startTime: e.startTime, cmdline: e.cmdline });
  }
  return out;
}

/**
 * Stops the given children: SIGTERM, then SIGKILL for any still there after
 * `graceMs`. A PID is only signalled while its start time matches, so a reused
 * PID is never hit. Resolves with the PIDs that had to be killed.
 */
export async function stopChildren(children: readonly { pid: number; startTime: number }[], graceMs = 2000, procRoot = '/proc'): Promise<number[]> {
  const same = (c: { pid: number; startTime: number }) => readEntry(procRoot, c.pid)?.startTime === c.startTime;
  const signal = (c: { pid: number }, sig: NodeJS.Signals) => {
    try {
      process.kill(c.pid, sig);
    } catch {
      /* already gone */
    }
  };
  for (const c of children) if (same(c)) signal(c, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  let left = children.filter(same);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    left = left.filter(same);
  }
  for (const c of left) signal(c, 'SIGKILL');
  return left.map((c) => c.pid);
}
