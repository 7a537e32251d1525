/**
 * Fixture builders for the tray and notification tests: a snapshot of a 16 GiB
 * workstation at a chosen memory level, and alerts, trends and fixes shaped the
 * way the detector and the planner produce them.
 */

import type { Alert, ContainerStats, DockerState, FixProposal, LeakTrend, ProcessGroup, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import type { TrayState } from '../../../src/main/engine/tray/state.ts';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;
export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export function group(name: string, count: number, rssBytes: number, kind: ProcessGroup['kind'] = 'agent'): ProcessGroup {
  return { name, kind, count, rssBytes, cpuPercent: 1, threads: count * 8, fds: count * 20, pids: Array.from({ length: count }, (_, i) => 1000 + i) };
}

export function snapshot(opts: { usedPercent: number; groups?: ProcessGroup[]; containers?: ContainerStats[]; docker?: DockerState; swapUsed?: number }): Snapshot {
  const total = 16 * GiB;
  const used = Math.round((total * opts.usedPercent) / 100);
  return {
    version: 1,
    t: T0,
    host: { hostname: 'dev', platform: 'linux', cores: 8 },
    memory: {
      totalBytes: total,
      usedBytes: used,
      availableBytes: total - used,
      freeBytes: Math.round((total - used) / 2),
      cachedBytes: 2 * GiB,
      swapTotalBytes: 4 * GiB,
      swapUsedBytes: opts.swapUsed ?? 512 * MiB,
    },
    load: [1.25, 0.98, 0.5],
    cpuPercent: 12,
    pressure: null,
    swapInPerSec: 0,
    processCount: 300,
    threadCount: 1500,
    groups: opts.groups ?? [group('code', 12, 2 * GiB, 'editor'), group('chrome', 30, 1.5 * GiB, 'browser'), group('claude', 2, 600 * MiB)],
    zombies: [],
    orphans: [],
    self: { rssBytes: 60 * MiB, cpuPercent: 0.5 },
    containers: opts.containers ?? [],
    docker: opts.docker ?? { status: 'disabled', message: 'Docker monitoring is off', disk: null },
    sampledAt: { system: T0, processes: T0, containers: null },
  };
}

export function alert(over: Partial<Alert> & Pick<Alert, 'id' | 'title'>): Alert {
  return {
    rule: over.id.split(':')[0],
    severity: 'warning',
    state: 'firing',
    detail: '',
    culprit: null,
    since: T0 - 60_000,
    resolvedAt: null,
    fixIds: [],
    ...over,
  };
}

export function trend(over: Partial<LeakTrend> & Pick<LeakTrend, 'series'>): LeakTrend {
  return {
    leaking: true,
    slopePerHour: 1.2 * GiB,
    slopeLowPerHour: 1 * GiB,
    slopeHighPerHour: 1.4 * GiB,
    strength: 0.9,
    level: 5.4 * GiB,
    limit: 16 * GiB,
    etaSeconds: 2 * 3600 + 40 * 60,
    segmentStart: T0 - 3600_000,
    ...over,
  };
}

export function fix(over: Partial<FixProposal> & Pick<FixProposal, 'id' | 'title'>): FixProposal {
  return {
    kind: 'process.stop-excess',
    targets: [],
    expectedBytes: 0,
    risk: 'low',
    destructive: false,
    undoable: false,
    command: '',
    reason: '',
    createdAt: T0,
    alertIds: [],
    ...over,
  };
}

export function container(name: string, usage: number | null, limit: number | null): ContainerStats {
  return {
    id: `${name}0123456789abcdef`,
    name,
    image: `${name}:latest`,
    state: 'running',
    health: null,
    composeProject: 'stack',
    restartCount: 0,
    recentRestarts: 0,
    memUsageBytes: usage,
    memLimitBytes: limit,
    memPercent: usage !== null && limit !== null ? (usage / limit) * 100 : null,
    cpuPercent: 1,
    oomKilled: false,
    startedAt: null,
  };
}

export function settings(patch: Partial<Settings['alerts']> = {}): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  Object.assign(s.alerts, patch);
  return s;
}

export function trayState(over: Partial<TrayState> = {}): TrayState {
  return {
    snapshot: snapshot({ usedPercent: 30 }),
    alerts: [],
    trends: [],
    fixes: [],
    settings: settings(),
    autostart: false,
    now: T0,
    ...over,
  };
}
