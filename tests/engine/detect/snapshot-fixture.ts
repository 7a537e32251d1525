/** Builds Snapshots for the rule and analyzer tests: a calm 16 GB machine, to be modified per case. */

import type { ContainerStats, ProcessGroup, Snapshot } from '../../../src/shared/model.ts';
import { SNAPSHOT_VERSION } from '../../../src/shared/model.ts';

export const GB = 1024 ** 3;
export const MB = 1024 ** 2;

export function group(name: string, over: Partial<ProcessGroup> = {}): ProcessGroup {
  return { name, kind: 'other', count: 1, rssBytes: 300 * MB, cpuPercent: 1, threads: 10, fds: 40, pids: [1000], ...over };
}

export function container(name: string, over: Partial<ContainerStats> = {}): ContainerStats {
  return {
    id: `${name}-0123456789abcdef`,
    name,
    image: `${name}:latest`,
    state: 'running',
    health: null,
    composeProject: null,
    restartCount: 0,
    recentRestarts: 0,
    memUsageBytes: 500 * MB,
    memLimitBytes: 2 * GB,
    memPercent: 500 / 20.48,
    cpuPercent: 1,
    oomKilled: false,
    startedAt: '2026-01-01T00:00:00Z',
    ...over,
  };
}

/** A snapshot at `t` ms with `usedPercent` of 16 GB used; `over` replaces whole fields. */
export function snapshot(t: number, usedPercent = 40, over: Partial<Snapshot> = {}): Snapshot {
  const total = 16 * GB;
  const used = (total * usedPercent) / 100;
  return {
    version: SNAPSHOT_VERSION,
    t,
    host: { hostname: 'test', platform: 'linux', cores: 2 },
    memory: {
      totalBytes: total,
      usedBytes: used,
      availableBytes: total - used,
      freeBytes: (total - used) / 2,
      cachedBytes: (total - used) / 2,
      swapTotalBytes: 4 * GB,
      swapUsedBytes: 0,
    },
    load: [0.5, 0.5, 0.5],
    cpuPercent: 10,
    pressure: { someAvg10: 0, someAvg60: 0, someAvg300: 0, fullAvg10: 0, fullAvg60: 0, fullAvg300: 0 },
    swapInPerSec: 0,
    processCount: 200,
    threadCount: 800,
    groups: [group('code', { kind: 'editor', count: 5, rssBytes: 1.5 * GB, pids: [500, 501, 502, 503, 504] })],
    zombies: [],
    orphans: [],
    self: { rssBytes: 80 * MB, cpuPercent: 1 },
    containers: [],
    docker: { status: 'disabled', message: 'off', disk: null },
    sampledAt: { system: t, processes: t, containers: null },
    ...over,
  };
}
