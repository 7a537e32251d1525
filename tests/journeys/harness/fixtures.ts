/**
 * The situations of the user reports, made of real processes: an agent swarm
 * under one terminal, agents holding `npm exec` MCP servers as zombies, a
 * steady leaker, a process piling up open files. Every process carries a
 * run-unique tag in its name (no real program is called `claude-hrj-…`), is
 * tracked by PID and start time, and is killed by `cleanup()` — nothing else
 * on the machine is ever touched, a developer's real `claude` sessions
 * included.
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ProcessSwarm, childrenOf, readCmdline, stateOf, startTimeOf, waitUntil } from '../../helpers/procs.ts';
import { repoRoot } from '../../helpers/cli.ts';

/** A tag no real program has, for this run's process names. */
export function runTag(): string {
  return randomBytes(3).toString('hex');
}

export interface AgentSwarm {
  /** The terminal (a bash) the agents run under. */
  parentPid: number;
  /** All agent PIDs, oldest first. */
  agentPids: number[];
  /** The agents that hold zombies, each with its zombie PIDs. */
  zombieHolders: { pid: number; zombies: number[] }[];
}

/**
 * Tracks every process this journey starts and everything they start, by PID
 * and start time; `ours(pid)` is the test's guard before it invokes a fix.
 */
export class JourneyProcesses extends ProcessSwarm {
  private readonly mine = new Map<number, number>();

  own(pid: number): void {
    const st = startTimeOf(pid);
    if (st === null) return;
    this.mine.set(pid, st);
    this.track(pid);
  }

  /** Is `pid` (with this start time, when given) a process this journey started? */
  ours(pid: number, startTime?: number): boolean {
    const st = this.mine.get(pid);
    return st !== undefined && (startTime === undefined || startTime === st);
  }

  /**
   * `count` agents named `name` under one terminal (a bash, as a shell runs
   * agent CLIs). The first `holders` agents each start `zombiesEach` MCP
   * servers (`npm exec <pkg>`) that exit at once and are never reaped: the
   * agent has exec'd into a program that does not wait for children.
   */
  async spawnAgents(name: string, count: number, holders: number, zombiesEach: number, pkg: string): Promise<AgentSwarm> {
    // perl sets the process name (comm) too, as npm's own title does, so the zombie reads "npm exec …" in ps.
    const mcp = `perl -e '$0=shift; select(undef,undef,undef,1)' 'npm exec ${pkg}'`;
    const holder = `bash -c '${Array(zombiesEach).fill(`${mcp.replace(/'/g, `'\\''`)} &`).join(' ')} exec -a "$0" sleep 600' "$NAME"`;
    // Holders first and alone, so they are the oldest agents (a keep-newest fix stops them, and init reaps their zombies).
    const script = `for i in $(seq ${holders}); do ${holder} & done; while [ $(pgrep -c -P $$) -lt ${holders} ]; do sleep 0.05; done; sleep 0.2; for i in $(seq ${count - holders}); do (exec -a "$NAME" sleep 600) & done; wait`;
    const terminal = spawn('bash', ['-c', script], { stdio: 'ignore', env: { ...process.env, NAME: name } });
    const parentPid = terminal.pid as number;
    this.own(parentPid);
    let agents: number[] = [];
    let holding: { pid: number; zombies: number[] }[] = [];
    await waitUntil(
      () => {
        agents = childrenOf(parentPid).filter((p) => readCmdline(p).startsWith(`${name} `));
        holding = agents.map((pid) => ({ pid, zombies: childrenOf(pid).filter((z) => stateOf(z) === 'Z') })).filter((h) => h.zombies.length === zombiesEach);
        return agents.length === count && holding.length === holders;
      },
      30_000,
      `${count} agents named ${name}, ${holders} of them holding ${zombiesEach} zombies each`,
    );
    for (const p of agents) this.own(p);
    agents.sort((a, b) => (startTimeOf(a) ?? 0) - (startTimeOf(b) ?? 0) || a - b);
    return { parentPid, agentPids: agents, zombieHolders: holding };
  }

  /** An `npm exec <pkg>` tree whose parent died, adopted by init (or the nearest subreaper). */
  async spawnOrphan(pkg: string): Promise<{ rootPid: number; treePids: number[] }> {
    const o = await this.spawnOrphanTree(pkg);
    this.own(o.rootPid);
    for (const p of o.treePids) this.own(p);
    return o;
  }

  /** tests/fixtures/leaker.cjs named `name` from its first instant (argv[0]), growing `mbPerMin`. */
  async spawnLeaker(name: string, mbPerMin: number): Promise<number> {
    const c = spawn(process.execPath, [join(repoRoot, 'tests', 'fixtures', 'leaker.cjs'), name, String(mbPerMin)], { stdio: 'ignore', argv0: name });
    const pid = c.pid as number;
    await waitUntil(() => readCmdline(pid).startsWith(name), 10_000, `the leaker ${name}`);
    this.own(pid);
    return pid;
  }

  /**
   * An agent-like process (argv[0] `name`) that opens a file every second and
   * keeps it open, holding `holdMb` of memory (the analyzer watches open files
   * of applications from 32 MB).
   */
  async spawnFdLeaker(name: string, holdMb: number): Promise<number> {
    const code = `const fs=require('fs');const keep=Buffer.alloc(${holdMb}*1024*1024,1);const fds=[];setInterval(()=>{fds.push(fs.openSync('/dev/null','r'));keep[fds.length%keep.length]++;},1000);`;
    const c = spawn(process.execPath, ['-e', code], { stdio: 'ignore', argv0: name });
    const pid = c.pid as number;
    await waitUntil(() => readCmdline(pid).startsWith(name), 10_000, `the fd leaker ${name}`);
    this.own(pid);
    return pid;
  }
}
