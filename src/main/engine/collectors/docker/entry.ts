/**
 * Registry entry for Docker (../registry.ts). The Docker monitor keeps its own
 * asynchronous schedule (settings.intervals.dockerStatsMs), so a slow daemon
 * never delays the tick; the engine starts it on init, stops it on dispose, and
 * every tick reads its latest figures. Type-only imports: dockerode is loaded
 * by the monitor, not by the registry.
 */

import type { ContainerStats, DockerState } from '../../../../shared/model.ts';
import { dockerDisabled } from '../../../../shared/model.ts';
import type { Collector } from '../collector.ts';
import { defineCollector } from '../entry.ts';

export interface ContainerReading {
  containers: ContainerStats[];
  state: DockerState;
  sampledAt: number | null;
}

const OFF: ContainerReading = { containers: [], state: dockerDisabled('Docker monitoring is off'), sampledAt: null };

export const dockerEntry = defineCollector<ContainerReading>({
  id: 'docker',
  schedule: { kind: 'own', interval: 'dockerStatsMs' },
  create({ containers: source }): Collector<ContainerReading> {
    return {
      id: 'docker',
      intervalMs: 15000,
      fields: [{ name: 'containers[].memUsageBytes', unit: 'bytes', description: 'Memory the container uses, as docker stats reports it' }],
      init: () => source?.start(),
      collect: () => (source ? { containers: source.containers(), state: source.state(), sampledAt: source.sampledAt() } : OFF),
      dispose: () => source?.stop(),
    };
  },
  merge(snap, r) {
    snap.containers = r.containers;
    snap.docker = r.state;
    snap.sampledAt.containers = r.sampledAt;
  },
  series: {
    names: ['container.<name>.mem', 'container.<name>.cpu', 'container.<name>.restarts'],
    emit(s, ctx, out) {
      if (!ctx.fresh.containers) return;
      for (const c of s.containers) {
        // Restarts first and always: a container in a restart loop is rarely up long enough to have memory stats,
        // and it is exactly the one whose restarts the report and the window must agree on.
        out.add(`container.${c.name}.restarts`, c.restartCount, null, true, null);
        if (c.memUsageBytes === null) continue;
        // A container with no limit is bounded by the host's RAM; a new start or restart begins a new segment.
        const watch = { segmentKey: `${c.startedAt ?? ''}#${c.restartCount}`, culprit: c.name };
        out.add(`container.${c.name}.mem`, c.memUsageBytes, c.memLimitBytes ?? s.memory.totalBytes, true, watch);
        if (c.cpuPercent !== null) out.add(`container.${c.name}.cpu`, c.cpuPercent, null, true, null);
      }
    },
  },
});
