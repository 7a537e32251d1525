/**
 * The soak's workload: processes and containers that come and go the way an
 * agent-heavy workstation's do, so every cache in Headroom keyed by PID,
 * group or container sees a steady stream of new keys and departures.
 *
 * - Processes: agent-named `sleep`s (argv[0] set, as `exec -a` does) living
 *   from 50 ms to a minute; the short ones often vanish between Headroom's
 *   listing of /proc and its read.
 * - Zombies: parents that never reap their exited children, then exit, so the
 *   zombies are re-parented and reaped by init.
 * - Containers: started, stopped, restarted, and one crash-looping under a
 *   restart policy, on the soak's private dockerd.
 *
 * Everything is spawned with argument vectors, never a shell string built from
 * data, and everything is killed at stop().
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { prng } from '../../tests/engine/detect/synthetic.ts';
import type { PrivateDockerd } from '../support/private-dockerd.ts';
import { PRIVATE_IMAGE } from '../support/private-dockerd.ts';

export interface ChurnCounts {
  processesStarted: number;
  shortLived: number;
  zombieParents: number;
  containersStarted: number;
  containersStopped: number;
  containersRestarted: number;
  dockerErrors: number;
}

export class Churn {
  readonly counts: ChurnCounts = { processesStarted: 0, shortLived: 0, zombieParents: 0, containersStarted: 0, containersStopped: 0, containersRestarted: 0, dockerErrors: 0 };
  private readonly live = new Set<ChildProcess>();
  private readonly containers: string[] = [];
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private readonly random: () => number;
  private containerSeq = 0;

  /**
   * @param names  argv[0] names to use (e.g. `soak-claude-<run>`): the soak's
   *               grouping rules match them, and nothing else on the machine.
   * @param perSecond  processes started per second on average.
   */
  constructor(
    private readonly names: readonly string[],
    private readonly perSecond: number,
    private readonly dockerd: PrivateDockerd | null,
    private readonly containerPrefix: string,
    seed = 42,
  ) {
    this.random = prng(seed);
  }

  start(): void {
    // Processes: a tick every 200 ms starts a Poisson-ish number of them.
    this.timers.push(setInterval(() => this.processTick(), 200));
    // Zombies: a parent every 20 s holding two unreaped children for 15 s.
    this.timers.push(setInterval(() => this.zombieTick(), 20_000));
    if (this.dockerd) {
      void this.startCrashLooper();
      this.timers.push(setInterval(() => void this.containerTick(), 15_000));
    }
  }

  private spawnTracked(cmd: string, args: string[], argv0: string): void {
    if (this.stopped) return;
    const c = spawn(cmd, args, { argv0, stdio: 'ignore' });
    c.on('error', () => this.live.delete(c));
    c.on('exit', () => this.live.delete(c));
    this.live.add(c);
  }

  private processTick(): void {
    let n = this.perSecond * 0.2;
    while (n > 0) {
      if (n < 1 && this.random() > n) break;
      n -= 1;
      const name = this.names[Math.floor(this.random() * this.names.length)];
      const r = this.random();
      // 40 % live under half a second: they vanish between Headroom's listing and its read.
      const seconds = r < 0.4 ? 0.05 + this.random() * 0.45 : r < 0.85 ? 2 + this.random() * 20 : 20 + this.random() * 40;
      if (seconds < 0.5) this.counts.shortLived++;
      this.counts.processesStarted++;
      this.spawnTracked('sleep', [seconds.toFixed(2)], name);
    }
  }

  private zombieTick(): void {
    this.counts.zombieParents++;
    // The children exit just after bash has exec'd into sleep, which never waits for them: zombies until it exits.
    // (Had they exited before the exec, bash would have reaped them.)
    this.spawnTracked('bash', ['-c', 'sleep 0.3 & sleep 0.3 & exec -a "$0" sleep 15', `${this.names[0]}-zparent`], 'bash');
  }

  private async docker(...args: string[]): Promise<string | null> {
    if (!this.dockerd || this.stopped) return null;
    try {
      return await this.dockerd.docker(...args);
    } catch {
      this.counts.dockerErrors++;
      return null;
    }
  }

  /** A container that exits 1 every few seconds under `--restart on-failure`: its restart count climbs. */
  private async startCrashLooper(): Promise<void> {
    const name = `${this.containerPrefix}-crashloop`;
    if ((await this.docker('run', '-d', '--network', 'none', '--restart', 'on-failure', '--name', name, PRIVATE_IMAGE, 'sh', '-c', 'sleep 8; exit 1')) !== null) {
      this.counts.containersStarted++;
    }
  }

  private async containerTick(): Promise<void> {
    const r = this.random();
    if (this.containers.length < 3 || (r < 0.5 && this.containers.length < 6)) {
      const name = `${this.containerPrefix}-${++this.containerSeq}`;
      const mem = this.random() < 0.5 ? ['--memory', '64m'] : [];
      if ((await this.docker('run', '-d', '--network', 'none', ...mem, '--name', name, PRIVATE_IMAGE, 'sleep', '3600')) !== null) {
        this.containers.push(name);
        this.counts.containersStarted++;
      }
    } else if (r < 0.75) {
      const name = this.containers.splice(Math.floor(this.random() * this.containers.length), 1)[0];
      if ((await this.docker('stop', '-t', '1', name)) !== null) this.counts.containersStopped++;
      await this.docker('rm', '-f', name);
    } else {
      const name = this.containers[Math.floor(this.random() * this.containers.length)];
      if ((await this.docker('restart', '-t', '1', name)) !== null) this.counts.containersRestarted++;
    }
  }

  /** Number of churn processes alive right now (Headroom should see about this many in the soak's groups). */
  liveCount(): number {
    return this.live.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    for (const c of this.live) c.kill('SIGKILL');
    this.live.clear();
  }
}
