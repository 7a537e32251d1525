/**
 * Container memory and CPU figures computed exactly as `docker stats` computes
 * them (docker/cli stats_helpers.go), so Headroom's numbers match what users
 * paste from their terminal. Pure functions over the engine's stats reply.
 * (CPU is averaged over our collect interval rather than docker stats' one
 * second, because we read one-shot stats; the formula is the same.)
 */

import type { ApiContainerStats, ApiCpuStats, ApiMemoryStats } from './client.ts';

/**
 * Memory in use, without the inactive file cache the kernel can drop at will:
 * `usage − total_inactive_file` on cgroup v1, `usage − inactive_file` on v2.
 * Like the docker CLI, the cache is subtracted only when it is smaller than
 * usage. Null when the reply has no usage (a stopped container, Windows).
 */
export function memUsageBytes(m: ApiMemoryStats | null | undefined): number | null {
  if (!m || typeof m.usage !== 'number' || !Number.isFinite(m.usage)) return null;
  const s = m.stats ?? {};
  // v1 replies carry both keys; `total_inactive_file` is the hierarchical one docker uses.
  const v1 = s.total_inactive_file;
  if (typeof v1 === 'number') return v1 < m.usage ? m.usage - v1 : m.usage;
  const v2 = s.inactive_file;
  if (typeof v2 === 'number') return v2 < m.usage ? m.usage - v2 : m.usage;
  return m.usage;
}

/** Which cgroup version produced a stats reply: v1 replies have `total_*` keys. */
export function cgroupVersionOf(m: ApiMemoryStats | null | undefined): 1 | 2 | null {
  const s = m?.stats;
  if (!s) return null;
  if ('total_inactive_file' in s || 'total_rss' in s) return 1;
  if ('anon' in s || 'inactive_file' in s) return 2;
  return null;
}

/**
 * The memory limit to report. `memory_stats.limit` is the host's RAM when the
 * container has no limit, so the container's own setting decides: a
 * HostConfig.Memory of 0 means "no limit" and gives null, whatever stats say.
 */
export function memLimitBytes(hostConfigMemory: number, m: ApiMemoryStats | null | undefined): number | null {
  if (!(hostConfigMemory > 0)) return null;
  const fromStats = m?.limit;
  // The cgroup value is authoritative (the kernel may round to pages); fall back to the setting.
  return typeof fromStats === 'number' && fromStats > 0 ? fromStats : hostConfigMemory;
}

/**
 * CPU percent between two CPU readings, scaled by online CPUs (100% = one
 * core), as `docker stats` computes it. `pre` is either the engine's
 * `precpu_stats` or our own previous reading of the same container.
 */
export function cpuPercent(cur: ApiCpuStats | null | undefined, pre: ApiCpuStats | null | undefined): number | null {
  const total = cur?.cpu_usage?.total_usage;
  const preTotal = pre?.cpu_usage?.total_usage;
  const sys = cur?.system_cpu_usage;
  const preSys = pre?.system_cpu_usage;
  if (typeof total !== 'number' || typeof sys !== 'number') return null;
  // An absent precpu sample (first read of a stream) has zeros: no interval, no figure.
  if (typeof preTotal !== 'number' || typeof preSys !== 'number' || preSys === 0) return null;
  const cpuDelta = total - preTotal;
  const sysDelta = sys - preSys;
  const online = cur?.online_cpus || cur?.cpu_usage?.percpu_usage?.length || 1;
  // The container's counter went backwards: it restarted between the readings, no figure this time.
  if (cpuDelta < 0) return null;
  if (sysDelta <= 0) return 0;
  return (cpuDelta / sysDelta) * online * 100;
}

export interface StatsFigures {
  memUsageBytes: number | null;
  memLimitBytes: number | null;
  memPercent: number | null;
  cpuPercent: number | null;
}

/** True when the engine filled `precpu_stats` (a non-one-shot reply): it then spans about one second. */
export function hasPrecpu(stats: ApiContainerStats | null | undefined): boolean {
  return (stats?.precpu_stats?.system_cpu_usage ?? 0) > 0;
}

/**
 * All figures of one stats reply for a container whose HostConfig.Memory is
 * `hostConfigMemory`. CPU uses the engine's precpu when present, else
 * `previousCpu` (our previous reading of this container), else is null.
 */
export function figuresFromStats(stats: ApiContainerStats | null, hostConfigMemory: number, previousCpu: ApiCpuStats | null = null): StatsFigures {
  const usage = stats ? memUsageBytes(stats.memory_stats) : null;
  const limit = memLimitBytes(hostConfigMemory, stats?.memory_stats);
  const pct = usage !== null && limit !== null && limit > 0 ? (usage / limit) * 100 : null;
  const cpu = stats ? cpuPercent(stats.cpu_stats, hasPrecpu(stats) ? stats.precpu_stats : previousCpu) : null;
  return {
    memUsageBytes: usage,
    memLimitBytes: limit,
    memPercent: pct === null ? null : Math.round(pct * 100) / 100,
    cpuPercent: cpu === null ? null : Math.round(cpu * 100) / 100,
  };
}
