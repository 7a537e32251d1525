/**
 * The container collector: for every container, its identity, state, health,
 * compose project, restarts (with their recent increase), and — for running
 * ones — memory against its limit and CPU, as `docker stats` reports them.
 *
 * Asynchronous by nature (engine calls over a socket): it runs on its own
 * interval and never delays the synchronous /proc sampling. Inspect and stats
 * calls run in parallel, bounded by settings.docker.statsConcurrency (a stats
 * call takes 1–2 s on engines without one-shot support).
 */

import type { ContainerStats } from '../../../../shared/model.ts';
import type { Settings } from '../../../../shared/settings.ts';
import type { Collector, CollectorContext, FieldMeta } from '../collector.ts';
import { engineMessage, engineStatusCode, type ApiContainerInspect, type ApiContainerStats, type ApiContainerSummary, type ApiCpuStats, type DockerClient } from './client.ts';
import { mapBounded } from './concurrency.ts';
import { RestartTracker } from './restart-tracker.ts';
import { figuresFromStats } from './stats-math.ts';

export const COMPOSE_PROJECT_LABEL = 'com.docker.compose.project';

/** What the fixes need beyond ContainerStats: the current limits as the engine holds them. */
export interface ContainerDetail {
  id: string;
  name: string;
  /** HostConfig.Memory: 0 = no limit. */
  memoryBytes: number;
  /** HostConfig.MemorySwap: 0 = unset, -1 = unlimited swap, else memory + swap. */
  memorySwapBytes: number;
  createdAt: number | null;
  restartPolicy: string | null;
}

export interface ContainerReading {
  containers: ContainerStats[];
  details: Map<string, ContainerDetail>;
}

const FIELDS: readonly FieldMeta[] = [
  { name: 'memUsageBytes', unit: 'bytes', description: 'Memory usage minus inactive file cache, as docker stats reports it' },
  { name: 'memLimitBytes', unit: 'bytes', description: 'Memory limit (HostConfig.Memory); null means no limit' },
  { name: 'memPercent', unit: 'percent', description: 'Usage as a percent of the limit' },
  { name: 'cpuPercent', unit: 'percent', description: 'CPU over the stats interval; 100% is one core' },
  { name: 'restartCount', unit: 'count', description: 'Restarts by the restart policy since the container was started' },
  { name: 'recentRestarts', unit: 'count', description: 'Increase of restartCount within the restart-loop window' },
];

export interface ContainerCollectorOptions {
  /** The connected client for this collect. */
  client: () => DockerClient;
  settings: () => Settings;
}

/** "/neo4j" → "neo4j". */
export function containerName(names: readonly string[] | null | undefined, id: string): string {
  const n = names?.[0];
  return n ? n.replace(/^\//, '') : id.slice(0, 12);
}

/** The zero time the engine reports for "never started". */
function startedAtOrNull(s: string | undefined): string | null {
  return !s || s.startsWith('0001-01-01') ? null : s;
}

function createdMs(s: string | undefined): number | null {
  if (!s) return null;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}

/**
 * An engine reply with an HTTP status concerns one container (gone since the
 * list, not running any more, a broken one): skip that container's part and
 * keep collecting. Only a transport failure means the engine itself is gone.
 */
function isPerContainerError(err: unknown): boolean {
  return engineStatusCode(err) !== null;
}

/**
 * Builds one ContainerStats from the list entry, inspect and (for running
 * containers) a stats reply. Pure; exported for tests.
 */
export function toContainerStats(
  summary: ApiContainerSummary,
  inspect: ApiContainerInspect,
  stats: ApiContainerStats | null,
  recentRestarts: number,
  previousCpu: ApiCpuStats | null = null,
): ContainerStats {
  const labels = summary.Labels ?? inspect.Config?.Labels ?? {};
  const fig = figuresFromStats(stats, inspect.HostConfig?.Memory ?? 0, previousCpu);
  return {
    id: inspect.Id,
    name: containerName(summary.Names, inspect.Id),
    image: summary.Image,
    state: inspect.State?.Status ?? summary.State,
    health: inspect.State?.Health?.Status ?? null,
    composeProject: labels[COMPOSE_PROJECT_LABEL] ?? null,
    restartCount: inspect.RestartCount ?? 0,
    recentRestarts,
    memUsageBytes: fig.memUsageBytes,
    memLimitBytes: fig.memLimitBytes,
    memPercent: fig.memPercent,
    cpuPercent: fig.cpuPercent,
    oomKilled: inspect.State?.OOMKilled === true,
    startedAt: startedAtOrNull(inspect.State?.StartedAt),
    // Meaningful only once it has stopped; a running container's last exit code would mislead.
    exitCode: !inspect.State?.Running && startedAtOrNull(inspect.State?.StartedAt) !== null && typeof inspect.State?.ExitCode === 'number' ? inspect.State.ExitCode : null,
  };
}

/** Largest memory first (unknown last), then by name: the order users scan. */
export function compareContainers(a: ContainerStats, b: ContainerStats): number {
  const am = a.memUsageBytes ?? -1;
  const bm = b.memUsageBytes ?? -1;
  return bm - am || a.name.localeCompare(b.name);
}

export function createContainerCollector(opts: ContainerCollectorOptions): Collector<ContainerReading> & { restarts: RestartTracker } {
  const restarts = new RestartTracker();
  /** Each running container's previous CPU reading: one-shot stats carry no precpu, so CPU % spans our interval. */
  const lastCpu = new Map<string, ApiCpuStats>();
  return {
    id: 'docker.containers',
    intervalMs: 15_000,
    fields: FIELDS,
    restarts,
    init() {},
    async collect(ctx: CollectorContext): Promise<ContainerReading> {
      const client = opts.client();
      const settings = opts.settings();
      const windowMs = settings.alerts.restartLoopWindowSeconds * 1000;
      // A failure of the list call means the engine itself is unreachable: let it reject.
      const list = await client.listContainers();
      const rows = await mapBounded(list, settings.docker.statsConcurrency, async (summary) => {
        let inspect: ApiContainerInspect;
        try {
          inspect = await client.inspectContainer(summary.Id);
        } catch (err) {
          if (!isPerContainerError(err)) throw err;
          if (engineStatusCode(err) !== 404) ctx.log(`docker: inspect ${summary.Id.slice(0, 12)} failed: ${engineMessage(err)}`);
          return null; // removed since the list, or unreadable
        }
        let stats: ApiContainerStats | null = null;
        if (inspect.State?.Running && !inspect.State.Restarting) {
          try {
            stats = await client.containerStats(summary.Id);
          } catch (err) {
            if (!isPerContainerError(err)) throw err;
            // Stopped since the inspect (404/409) or a broken container: report it without figures.
            if (engineStatusCode(err) !== 404 && engineStatusCode(err) !== 409) {
              ctx.log(`docker: stats ${summary.Id.slice(0, 12)} failed: ${engineMessage(err)}`);
            }
          }
        }
        return { summary, inspect, stats };
      });

      const containers: ContainerStats[] = [];
      const details = new Map<string, ContainerDetail>();
      const seen = new Set<string>();
      for (const row of rows) {
        if (!row) continue;
        const { summary, inspect, stats } = row;
        const created = createdMs(inspect.Created);
        const recent = restarts.observe(inspect.Id, inspect.RestartCount ?? 0, created, ctx.now, windowMs);
        const c = toContainerStats(summary, inspect, stats, recent, lastCpu.get(inspect.Id) ?? null);
        if (stats?.cpu_stats) lastCpu.set(inspect.Id, stats.cpu_stats);
        else lastCpu.delete(inspect.Id);
        containers.push(c);
        seen.add(inspect.Id);
        details.set(inspect.Id, {
          id: inspect.Id,
          name: c.name,
          memoryBytes: inspect.HostConfig?.Memory ?? 0,
          memorySwapBytes: inspect.HostConfig?.MemorySwap ?? 0,
          createdAt: created,
          restartPolicy: inspect.HostConfig?.RestartPolicy?.Name || null,
        });
      }
      restarts.retain(seen);
      for (const id of lastCpu.keys()) if (!seen.has(id)) lastCpu.delete(id);
      containers.sort(compareContainers);
      return { containers, details };
    },
    dispose() {
      restarts.clear();
      lastCpu.clear();
    },
  };
}
