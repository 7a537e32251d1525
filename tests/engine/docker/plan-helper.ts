/**
 * What the remediation framework does around a FixProvider, reduced to what
 * the container-fix tests need: a Snapshot carrying the monitor's real Docker
 * data, and turning a draft into an issued proposal (id + createdAt).
 */

import { freemem, totalmem } from 'node:os';
import type { Alert, FixProposal, Snapshot } from '../../../src/shared/model.ts';
import { SNAPSHOT_VERSION } from '../../../src/shared/model.ts';
import type { Settings } from '../../../src/shared/settings.ts';
import type { DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import type { FixProvider, PlanInput, ProposalDraft } from '../../../src/main/engine/remedies/provider.ts';

/** A Snapshot whose Docker parts are the monitor's latest readings (system parts: this machine, roughly). */
export function snapshotFrom(monitor: DockerMonitor): Snapshot {
  const now = Date.now();
  const total = totalmem();
  const free = freemem();
  return {
    version: SNAPSHOT_VERSION,
    t: now,
    host: { hostname: 'test', platform: process.platform, cores: 2 },
    memory: { totalBytes: total, usedBytes: total - free, availableBytes: free, freeBytes: free, cachedBytes: 0, swapTotalBytes: 0, swapUsedBytes: 0 },
    load: [0, 0, 0],
    cpuPercent: 0,
    pressure: null,
    swapInPerSec: 0,
    processCount: 0,
    threadCount: 0,
    groups: [],
    zombies: [],
    orphans: [],
    self: { rssBytes: 0, cpuPercent: 0 },
    containers: monitor.containers(),
    docker: monitor.state(),
    sampledAt: { system: now, processes: now, containers: monitor.sampledAt() },
  };
}

export function planInput(monitor: DockerMonitor, settings: Settings, alerts: Alert[] = []): PlanInput {
  return { snapshot: snapshotFrom(monitor), alerts, settings };
}

let seq = 0;
/** The framework's part: an id, a creation time, and the draft's `addresses` published as `alertIds`. */
export function issue(draft: ProposalDraft): FixProposal & { params?: Record<string, unknown> } {
  const { addresses, ...rest } = draft;
  seq++;
  return { ...rest, id: `test-${process.pid}-${seq}`, createdAt: Date.now(), alertIds: [...addresses] };
}

/** Proposes, and returns the issued proposals of one kind whose targets include `id`. */
export async function proposalsFor(provider: FixProvider, input: PlanInput, kind: string, id: string): Promise<(FixProposal & { params?: Record<string, unknown> })[]> {
  const drafts = await provider.propose(input);
  return drafts.filter((d) => d.kind === kind && d.targets.some((t) => t.kind !== 'process' && t.id === id)).map(issue);
}
