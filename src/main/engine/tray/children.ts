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

import { readdirSync } from 'node:fs';
import { readLiveProcess, readStartAndState } from '../platform/linux/live-process.ts';

/** Still the process we saw (same start time), and not already dead waiting to be reaped (nothing to stop)? */
function stillThere(procRoot: string, c: { pid: number; startTime: number }): boolean {
  const now = readStartAndState(c.pid, procRoot);
  return now !== null && now.startTime === c.startTime && now.state !== 'Z';
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
    // /proc parsed by the scan's own parsers (platform/linux); stat alone first, the rest for our children only.
    const head = readStartAndState(Number(name), procRoot);
    if (!head || head.state === 'Z' || head.ppid !== parentPid) continue;
    const e = readLiveProcess(Number(name), procRoot);
    if (!e || e.startTime !== head.startTime || /(^|\s)--type=/.test(e.cmdline)) continue;
    out.push({ pid: e.pid, startTime: e.startTime, cmdline: e.cmdline.trim() });
  }
  return out;
}

/**
 * Stops the given children: SIGTERM, then SIGKILL for any still there after
 * `graceMs`. A PID is only signalled while its start time matches, so a reused
 * PID is never hit. Resolves with the PIDs that had to be killed.
 */
export async function stopChildren(children: readonly { pid: number; startTime: number }[], graceMs = 2000, procRoot = '/proc'): Promise<number[]> {
  const same = (c: { pid: number; startTime: number }) => stillThere(procRoot, c);
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
