/**
 * The fallback for macOS and Windows (and any system without a usable /proc):
 * systeminformation, refreshed asynchronously in the background while the
 * engine's synchronous tick reads the latest completed reading.
 *
 * It is much costlier than the /proc reader (si.processes() forks per process
 * on some platforms), so it refreshes processes at most every `minProcessMs`.
 */

import type { SystemReading } from '../../collectors/system.ts';
import type { CollectorContext, SyncCollector } from '../../collectors/collector.ts';
import type { ProcEntry, ProcessSource, ScanResult } from '../linux/process-table.ts';

/**
 * systeminformation, loaded on first use: on Linux this fallback is never used,
 * and loading the package costs ~9 MB of RSS and ~90 ms of CPU (measured with
 * `node -e "await import('systeminformation')"`; docs/performance.md).
 */
let loading: Promise<typeof import('systeminformation')> | null = null;
function si(): Promise<typeof import('systeminformation')> {
  loading ??= import('systeminformation').then((m) => (m as { default?: typeof import('systeminformation') }).default ?? m);
  return loading;
}

export class SiSystemSource implements SyncCollector<SystemReading> {
  readonly id = 'system';
  readonly intervalMs = 2000;
  readonly fields = [];
  private last: SystemReading | null = null;
  private inFlight: Promise<void> | null = null;

  init(): void {
    void this.refresh();
  }

  /** Resolves once a first reading exists. */
  ready(): Promise<void> {
    return this.last ? Promise.resolve() : this.refresh();
  }

  collect(_ctx: CollectorContext): SystemReading {
    void this.refresh();
    if (!this.last) throw new Error('systeminformation: no reading yet');
    return this.last;
  }

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = si()
      .then((lib) => Promise.all([lib.mem(), lib.currentLoad()]))
      .then(([m, l]) => {
        const total = m.total;
        this.last = {
          memory: {
            totalBytes: total,
            usedBytes: total - m.available,
            availableBytes: m.available,
            freeBytes: m.free,
            cachedBytes: m.buffcache,
            swapTotalBytes: m.swaptotal,
            swapUsedBytes: m.swapused,
          },
          load: [l.avgLoad, l.avgLoad, l.avgLoad],
          cpuPercent: Math.round(l.currentLoad * 10) / 10,
          pressure: null,
          swapInPerSec: 0,
        };
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }

  dispose(): void {}
}

/** Process table from si.processes(), converted into the same entries the grouper reads. */
export class SiProcessSource implements ProcessSource {
  readonly entries = new Map<number, ProcEntry>();
  private inFlight: Promise<void> | null = null;
  private lastRefresh = 0;
  private gen = 0;
  private last: ScanResult = { processCount: 0, threadCount: 0, added: 0, removed: 0 };

  constructor(private readonly minProcessMs = 5000) {}

  ready(): Promise<void> {
    return this.lastRefresh > 0 ? Promise.resolve() : this.refresh();
  }

  scan(now: number): ScanResult {
    if (now - this.lastRefresh >= this.minProcessMs) void this.refresh();
    return this.last;
  }

  /** systeminformation has no per-process fd counts; fds stay null (shown as unknown). */
  countFds(): void {}

  private refresh(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = si()
      .then((lib) => lib.processes())
      .then((p) => {
        const now = Date.now();
        const gen = ++this.gen;
        let added = 0;
        for (const x of p.list) {
          const startTime = Date.parse(x.started.replace(' ', 'T')) || 0;
          let e = this.entries.get(x.pid);
          if (!e || e.startTime !== startTime) {
            added++;
            const cmdline = `${x.path && !x.command.startsWith('/') ? `${x.path}/` : ''}${x.command}${x.params ? ` ${x.params}` : ''}`;
            e = {
              pid: x.pid, ppid: x.parentPid, startTime, comm: x.name.slice(0, 15), name: x.name, cmdline,
              state: x.state === 'zombie' ? 'Z' : 'S', uid: -1, pgrp: 0, session: 0, ttyNr: x.tty ? 1 : 0,
              kernelThread: x.memRss === 0 && x.parentPid === 2, rssBytes: 0, threads: 1, cpuTicks: 0, cpuPercent: 0,
              fds: null, zombieSince: 0, firstSeen: now, gen: 0, rule: undefined,
            };
            this.entries.set(x.pid, e);
          }
          e.ppid = x.parentPid;
          e.rssBytes = x.memRss * 1024;
          e.cpuPercent = x.cpu;
          e.state = x.state === 'zombie' ? 'Z' : 'S';
          if (e.state === 'Z' && e.zombieSince === 0) e.zombieSince = now;
          e.gen = gen;
        }
        let removed = 0;
        for (const [pid, e] of this.entries) if (e.gen !== gen) (this.entries.delete(pid), removed++);
        this.last = { processCount: p.all, threadCount: p.all, added, removed };
        this.lastRefresh = now;
      })
      .finally(() => {
        this.inFlight = null;
      });
    return this.inFlight;
  }
}
