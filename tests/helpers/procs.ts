/**
 * Real processes for tests: swarms named like agents, zombies, orphan trees.
 * Everything spawned is tracked and killed by `cleanup()`, including processes
 * re-parented away from us (tracked by PID and start time, so a reused PID is
 * never killed by mistake).
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

interface Tracked {
  pid: number;
  startTime: number;
}

export function startTimeOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export class ProcessSwarm {
  private readonly tracked: Tracked[] = [];
  private readonly children: ChildProcess[] = [];

  track(pid: number): void {
    const st = startTimeOf(pid);
    if (st !== null) this.tracked.push({ pid, startTime: st });
  }

  /** Spawns `count` idle processes whose argv[0] is `name` (as `exec -a name sleep` does). */
  async spawnNamed(name: string, count: number, seconds = 600): Promise<number[]> {
    const pids: number[] = [];
    for (let i = 0; i < count; i++) {
      const c = spawn('bash', ['-c', `exec -a "$0" sleep ${seconds}`, name], { stdio: 'ignore' });
      this.children.push(c);
      if (c.pid) pids.push(c.pid);
    }
    await waitUntil(() => pids.every((p) => readCmdline(p).startsWith(name)), 30_000, `${count} processes named ${name}`);
    for (const p of pids) this.track(p);
    return pids;
  }

  /** A parent (argv[0] `parentName`) that never reaps its exited child: the child stays a zombie. */
  async spawnZombieParent(parentName: string): Promise<{ parentPid: number; zombiePid: number }> {
    // The child outlives bash's exec by a moment: if it exited first, bash itself would reap it (no zombie), which
    // happens on a loaded machine.
    const c = spawn('bash', ['-c', `sleep 0.3 & exec -a "$0" sleep 600`, parentName], { stdio: 'ignore' });
    this.children.push(c);
    const parentPid = c.pid as number;
    let zombiePid = 0;
    await waitUntil(
      () => {
        zombiePid = childrenOf(parentPid).find((p) => stateOf(p) === 'Z') ?? 0;
        return zombiePid > 0 && readCmdline(parentPid).startsWith(parentName);
      },
      30_000,
      'a zombie child',
    );
    this.track(parentPid);
    return { parentPid, zombiePid };
  }

  /**
   * An orphaned MCP-like tree: a parent starts `npm exec <pkg>` (which has a
   * child of its own), then the parent is killed, so the tree is re-parented.
   */
  async spawnOrphanTree(pkg: string): Promise<{ rootPid: number; treePids: number[] }> {
    const inner = `exec -a "npm exec ${pkg}" bash -c "sleep 600 & sleep 600 & wait"`;
    const parent = spawn('bash', ['-c', `bash -c '${inner}' & wait`], { stdio: 'ignore' });
    const parentPid = parent.pid as number;
    let rootPid = 0;
    await waitUntil(
      () => {
        rootPid = childrenOf(parentPid).find((p) => readCmdline(p).startsWith('npm exec')) ?? 0;
        return rootPid > 0 && childrenOf(rootPid).length === 2;
      },
      30_000,
      'the npm exec tree',
    );
    const treePids = childrenOf(rootPid);
    this.track(rootPid);
    for (const p of treePids) this.track(p);
    parent.kill('SIGKILL');
    await waitUntil(() => ppidOf(rootPid) !== parentPid, 30_000, 'the tree to be re-parented');
    return { rootPid, treePids };
  }

  /** One idle process named `name` that ignores SIGTERM (an ignored signal stays ignored across exec). */
  async spawnIgnoringTerm(name: string, seconds = 600): Promise<number> {
    const c = spawn('bash', ['-c', `trap "" TERM; exec -a "$0" sleep ${seconds}`, name], { stdio: 'ignore' });
    this.children.push(c);
    const pid = c.pid as number;
    await waitUntil(() => readCmdline(pid).startsWith(name), 30_000, `${name} ignoring SIGTERM`);
    this.track(pid);
    return pid;
  }

  /** `count` processes named `name` that keep one CPU busy (a shell loop), for the "most recently active" keep policy. */
  async spawnBusy(name: string, count: number): Promise<number[]> {
    const pids: number[] = [];
    for (let i = 0; i < count; i++) {
      const c = spawn('bash', ['-c', 'exec -a "$0" bash -c "while :; do :; done"', name], { stdio: 'ignore' });
      this.children.push(c);
      if (c.pid) pids.push(c.pid);
    }
    await waitUntil(() => pids.every((p) => readCmdline(p).startsWith(name)), 30_000, `${count} busy processes named ${name}`);
    for (const p of pids) this.track(p);
    return pids;
  }

  /** An idle process named `name` attached to a terminal (a pseudo-terminal made by `script`). */
  async spawnOnTerminal(name: string, seconds = 600): Promise<number> {
    // The process is a child of the terminal's shell (like an agent CLI started from a shell), not the session leader.
    const c = spawn('script', ['-qfc', `exec -a "$HEADROOM_TEST_NAME" sleep ${seconds} & wait`, '/dev/null'], {
      stdio: 'ignore',
      env: { ...process.env, SHELL: '/bin/bash', HEADROOM_TEST_NAME: name },
    });
    this.children.push(c);
    let pid = 0;
    await waitUntil(
      () => {
        const shells = childrenOf(c.pid as number);
        pid = shells.flatMap((sh) => childrenOf(sh)).find((p) => readCmdline(p).startsWith(name)) ?? 0;
        return pid > 0;
      },
      30_000,
      `${name} on a terminal`,
    );
    this.track(pid);
    return pid;
  }

  /** Kills everything spawned that is still the same process. */
  cleanup(): void {
    for (const t of this.tracked) {
      if (startTimeOf(t.pid) === t.startTime) {
        try {
          process.kill(t.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    for (const c of this.children) c.kill('SIGKILL');
  }
}

export function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

export function stateOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0];
  } catch {
    return '';
  }
}

export function ppidOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return -1;
  }
}

export function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

/** RSS in bytes of the given PIDs as `ps` reports it. */
export function psRssBytes(pids: number[]): number {
  const r = spawnSync('ps', ['-o', 'rss=', '-p', pids.join(',')], { encoding: 'utf8' });
  return r.stdout.split('\n').reduce((sum, l) => sum + (Number(l.trim()) || 0), 0) * 1024;
}

/**
 * Polls `cond` until it holds. `timeoutMs` bounds a wait for something that will never happen, not a slow
 * machine: the helpers above give new processes 30 s, as a loaded machine can take seconds to exec 16 of them.
 */
export async function waitUntil(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
