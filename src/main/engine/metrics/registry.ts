/**
 * Headroom's Prometheus metrics: a prom-client Registry of its own (never the
 * global one, so embedding Headroom never mixes its series with a host
 * application's), filled from the engine's latest snapshot, trends and alerts
 * at scrape time.
 *
 * Units follow Prometheus conventions: bytes, seconds, ratios (0..1) and CPU
 * in cores, so `predict_linear`, `rate` and Grafana's units work unchanged.
 * Label cardinality is bounded: top N groups + "other", at most `maxContainers`
 * containers, `maxSeries` leak series and `maxAlerts` alerts.
 *
 * prom-client is imported at the first scrape, not at start: loading it costs
 * ~0.1 s of CPU and ~1 MB beside the rest of the engine, and most engines
 * (`serve` with no Prometheus pointed at it) are never scraped
 * (docs/performance.md).
 */

import type { Gauge, Registry } from 'prom-client';
import type { Alert, LeakTrend, Snapshot } from '../../../shared/model.ts';
import { topGroupsWithOther } from './bounded.ts';

/** What the metrics read; the Engine satisfies it. */
export interface MetricsSource {
  latest(): Snapshot | null;
  trends(): LeakTrend[];
  alerts(): Alert[];
}

export interface MetricsOptions {
  /** Groups with their own labels (the rest are "other"); a function so a settings change applies at the next scrape. */
  topGroups: number | (() => number);
  maxContainers?: number;
  maxSeries?: number;
  maxAlerts?: number;
  version?: string;
}

export interface HeadroomMetrics {
  /** The exposition format's content type (prom-client's Registry.PROMETHEUS_CONTENT_TYPE; a test holds them equal). */
  readonly contentType: string;
  /** Refreshes every gauge from the source and returns the exposition text. */
  metricsText(): Promise<string>;
}

const BYTE_SERIES = /\.(mem|rss|used|available|cached)$/;

/** Prometheus text format 0.0.4, as prom-client's default registry serves it. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type PromClient = typeof import('prom-client');

/** The metrics of `source`. Nothing is loaded or read until the first scrape. */
export function createHeadroomMetrics(source: MetricsSource, opts: MetricsOptions): HeadroomMetrics {
  let built: Promise<HeadroomMetrics> | null = null;
  const load = () =>
    (built ??= import('prom-client').then(
      (m) => buildHeadroomMetrics(((m as { default?: PromClient }).default ?? m) as PromClient, source, opts),
      (err: unknown) => {
        built = null; // the next scrape tries again rather than failing for good
        throw err;
      },
    ));
  return {
    contentType: PROMETHEUS_CONTENT_TYPE,
    async metricsText() {
      return (await load()).metricsText();
    },
  };
}

/** Builds the registry and its gauges with a loaded prom-client. */
function buildHeadroomMetrics(prom: PromClient, source: MetricsSource, opts: MetricsOptions): HeadroomMetrics {
  const { Gauge, Registry } = prom;
  const registry = new Registry();
  const maxContainers = opts.maxContainers ?? 50;
  const maxSeries = opts.maxSeries ?? 100;
  const maxAlerts = opts.maxAlerts ?? 50;
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name: `headroom_${name}`, help, labelNames, registers: [registry] });

  const build = g('build_info', 'Headroom version (always 1).', ['version']);
  const snapshotAge = g('last_sample_timestamp_seconds', 'When the engine took its latest sample (Unix time).');

  const memTotal = g('memory_total_bytes', 'Installed RAM.');
  const memUsed = g('memory_used_bytes', 'Used memory: total minus available, as free(1) computes it.');
  const memAvail = g('memory_available_bytes', 'Memory available to start new work without swapping (MemAvailable).');
  const memFree = g('memory_free_bytes', 'Completely unused memory (MemFree).');
  const memCached = g('memory_cached_bytes', 'Page cache, buffers and reclaimable slab: memory the kernel can give back.');
  const swapTotal = g('swap_total_bytes', 'Swap space.');
  const swapUsed = g('swap_used_bytes', 'Swap in use.');
  const swapIn = g('swap_in_pages_per_second', 'Pages swapped in per second over the last sampling interval: the real swap-pressure signal.');
  const psi = g('memory_pressure_ratio', 'Linux PSI memory pressure: share of wall time tasks stalled on memory (0..1). Absent without PSI.', ['kind', 'window']);
  const cpu = g('cpu_usage_ratio', 'Whole-machine CPU busy share since the previous sample (0..1).');
  const load = g('load_average', 'Load average.', ['window']);
  const processes = g('processes', 'Processes running.');
  const threads = g('threads', 'Threads running.');
  const zombies = g('zombies', 'Zombie processes (exited, not reaped by their parent).');
  const orphans = g('orphans', 'Agent or MCP processes whose launching session is gone.');

  const grpMem = g('group_memory_bytes', 'Resident memory of an application group (top N groups, the rest summed as group="other").', ['group', 'kind']);
  const grpInst = g('group_instances', 'Processes in an application group.', ['group', 'kind']);
  const grpThreads = g('group_threads', 'Threads in an application group.', ['group', 'kind']);
  const grpFds = g('group_open_fds', 'Open file descriptors of an application group (absent until counted).', ['group', 'kind']);
  const grpCpu = g('group_cpu_cores', 'CPU used by an application group, in cores.', ['group', 'kind']);

  const dockerUp = g('docker_up', '1 when the Docker engine answers, 0 when it does not or monitoring is off.');
  const cMem = g('container_memory_usage_bytes', 'Container memory usage minus inactive file cache, as docker stats reports it.', ['container']);
  const cLimit = g('container_memory_limit_bytes', 'Container memory limit (absent when the container has no limit).', ['container']);
  const cNoLimit = g('container_memory_unlimited', '1 when the container has no memory limit: it can take the whole machine.', ['container']);
  const cCpu = g('container_cpu_cores', 'CPU used by a container, in cores.', ['container']);
  const cRestarts = g('container_restarts', 'Restarts by the restart policy since the container was created.', ['container']);
  const cRecent = g('container_recent_restarts', 'Restarts within the restart-loop window.', ['container']);
  const cRunning = g('container_running', '1 when the container is running.', ['container']);
  const cOom = g('container_oom_killed', '1 when the container was last stopped by the OOM killer.', ['container']);
  const cUnlisted = g('containers_unlisted', 'Containers left out of the per-container series by the cardinality bound.');
  const reclaim = g('docker_reclaimable_bytes', 'Docker disk space that removing unused objects would free.', ['kind']);

  const leakDetected = g('leak_detected', '1 while the leak detector reports a leak in the series.', ['series']);
  const leakSlopeBytes = g('leak_slope_bytes_per_second', "The leak detector's fitted slope of a memory series (Theil-Sen).", ['series']);
  const leakSlope = g('leak_slope_per_second', "The leak detector's fitted slope of a count series (open files, threads).", ['series']);
  const leakConfidence = g('leak_confidence_ratio', "Strength of the detector's trend test (0..1).", ['series']);
  const leakEta = g('leak_time_to_exhaustion_seconds', 'Projection: seconds until the fitted slope reaches the series limit (absent when it never does).', ['series']);

  const alertsFiring = g('alerts_firing', 'Alerts firing, by severity.', ['severity']);
  const alertFiring = g('alert_firing', '1 for each firing alert.', ['id', 'rule', 'severity', 'culprit']);

  const selfMem = g('self_memory_bytes', "Headroom's own resident memory.");
  const selfCpu = g('self_cpu_cores', "Headroom's own CPU use, in cores.");

  const all = registry.getMetricsAsArray() as unknown as Gauge<string>[];

  function update(): void {
    for (const m of all) m.reset();
    build.set({ version: opts.version ?? 'dev' }, 1);
    const s = source.latest();
    if (!s) return;
    snapshotAge.set(s.t / 1000);
    const m = s.memory;
    memTotal.set(m.totalBytes);
    memUsed.set(m.usedBytes);
    memAvail.set(m.availableBytes);
    memFree.set(m.freeBytes);
    memCached.set(m.cachedBytes);
    swapTotal.set(m.swapTotalBytes);
    swapUsed.set(m.swapUsedBytes);
    swapIn.set(s.swapInPerSec);
    if (s.pressure) {
      const p = s.pressure;
      psi.set({ kind: 'some', window: '10s' }, p.someAvg10 / 100);
      psi.set({ kind: 'some', window: '60s' }, p.someAvg60 / 100);
      psi.set({ kind: 'some', window: '300s' }, p.someAvg300 / 100);
      psi.set({ kind: 'full', window: '10s' }, p.fullAvg10 / 100);
      psi.set({ kind: 'full', window: '60s' }, p.fullAvg60 / 100);
      psi.set({ kind: 'full', window: '300s' }, p.fullAvg300 / 100);
    }
    cpu.set(s.cpuPercent / 100);
    load.set({ window: '1m' }, s.load[0]);
    load.set({ window: '5m' }, s.load[1]);
    load.set({ window: '15m' }, s.load[2]);
    processes.set(s.processCount);
    threads.set(s.threadCount);
    zombies.set(s.zombies.length);
    orphans.set(s.orphans.length);

    const n = typeof opts.topGroups === 'function' ? opts.topGroups() : opts.topGroups;
    for (const r of topGroupsWithOther(s.groups, Math.max(0, n))) {
      const l = { group: r.group, kind: r.kind };
      grpMem.set(l, r.memoryBytes);
      grpInst.set(l, r.instances);
      grpThreads.set(l, r.threads);
      grpCpu.set(l, r.cpuCores);
      if (r.fds !== null) grpFds.set(l, r.fds);
    }

    dockerUp.set(s.docker.status === 'ok' ? 1 : 0);
    if (s.docker.status === 'ok') {
      const cs = [...s.containers].sort((a, b) => (b.memUsageBytes ?? -1) - (a.memUsageBytes ?? -1) || (a.name < b.name ? -1 : 1));
      cUnlisted.set(Math.max(0, cs.length - maxContainers));
      for (const c of cs.slice(0, maxContainers)) {
        const l = { container: c.name };
        if (c.memUsageBytes !== null) cMem.set(l, c.memUsageBytes);
        if (c.memLimitBytes !== null) cLimit.set(l, c.memLimitBytes);
        cNoLimit.set(l, c.memLimitBytes === null ? 1 : 0);
        if (c.cpuPercent !== null) cCpu.set(l, c.cpuPercent / 100);
        cRestarts.set(l, c.restartCount);
        cRecent.set(l, c.recentRestarts);
        cRunning.set(l, c.state === 'running' ? 1 : 0);
        cOom.set(l, c.oomKilled ? 1 : 0);
      }
      const d = s.docker.disk;
      if (d) {
        reclaim.set({ kind: 'dangling_images' }, d.danglingImages.reclaimableBytes);
        reclaim.set({ kind: 'anonymous_volumes' }, d.anonymousVolumes.reclaimableBytes);
        reclaim.set({ kind: 'named_unused_volumes' }, d.namedUnusedVolumes.reclaimableBytes);
        reclaim.set({ kind: 'build_cache' }, d.buildCache.reclaimableBytes);
        reclaim.set({ kind: 'stopped_containers' }, d.stoppedContainers.reclaimableBytes);
      }
    }

    // Leaking series first, then by name, so the bound never hides a leak.
    const trends = [...source.trends()].sort((a, b) => Number(b.leaking) - Number(a.leaking) || (a.series < b.series ? -1 : 1)).slice(0, maxSeries);
    for (const t of trends) {
      const l = { series: t.series };
      leakDetected.set(l, t.leaking ? 1 : 0);
      (BYTE_SERIES.test(t.series) ? leakSlopeBytes : leakSlope).set(l, t.slopePerHour / 3600);
      leakConfidence.set(l, t.strength);
      if (t.etaSeconds !== null) leakEta.set(l, t.etaSeconds);
    }

    const firing = source.alerts().filter((a) => a.state === 'firing');
    for (const sev of ['info', 'warning', 'critical'] as const) alertsFiring.set({ severity: sev }, firing.filter((a) => a.severity === sev).length);
    const rank = { critical: 0, warning: 1, info: 2 };
    for (const a of [...firing].sort((x, y) => rank[x.severity] - rank[y.severity] || (x.id < y.id ? -1 : 1)).slice(0, maxAlerts)) {
      alertFiring.set({ id: a.id, rule: a.rule, severity: a.severity, culprit: a.culprit ?? '' }, 1);
    }

    selfMem.set(s.self.rssBytes);
    selfCpu.set(s.self.cpuPercent / 100);
  }

  // Scrapes run one after another: a reset by a second scrape must never land in the middle of the first's output.
  let chain: Promise<unknown> = Promise.resolve();
  return {
    contentType: registry.contentType,
    metricsText() {
      const next = chain.then(() => {
        update();
        return registry.metrics();
      });
      chain = next.catch(() => undefined);
      return next;
    },
  };
}
