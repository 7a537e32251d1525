/**
 * Facts every section of a report shares, derived once from the inputs: the
 * clock, RAM size, the parsed group and container series, gaps per collector.
 * Pure over ReportInputs.
 */

import type { HistorySeries } from '../../../shared/contract.ts';
import { formatBytes, formatDuration, formatRate } from '../../../shared/format.ts';
import type { LeakTrend } from '../../../shared/model.ts';
import { createReportClock, type ReportClock } from './clock.ts';
import { findGaps, medianSpacingMs, unionTimes, type Gap } from './series-stats.ts';
import type { ReportInputs } from './types.ts';

export const GROUP_SERIES = /^process\.group\.(.+)\.(rss|cpu|count|threads|fds)$/;
export const CONTAINER_SERIES = /^container\.(.+)\.(mem|cpu|restarts)$/;

export interface GroupSeries {
  name: string;
  rss?: HistorySeries;
  cpu?: HistorySeries;
  count?: HistorySeries;
  threads?: HistorySeries;
  fds?: HistorySeries;
}

export interface ContainerSeries {
  name: string;
  mem?: HistorySeries;
  cpu?: HistorySeries;
  restarts?: HistorySeries;
}

/** Sampling of one collector over the period, as recorded. */
export interface CollectorCoverage {
  name: string;
  /** The configured interval (ms) at normal pressure. */
  configuredMs: number;
  /** Median spacing actually recorded, ms; null with fewer than two samples. */
  measuredMs: number | null;
  /** Sampling instants in the period. */
  samples: number;
  gaps: ExplainedGap[];
  /** Share of the period within reach of a sample (0..1). */
  covered: number;
}

export interface ExplainedGap extends Gap {
  reason: string;
}

export interface ReportContext {
  inputs: ReportInputs;
  clock: ReportClock;
  /** RAM size in bytes (limit of system.mem.available), or null if never recorded. */
  ramBytes: number | null;
  groups: GroupSeries[];
  containers: ContainerSeries[];
  coverage: { system: CollectorCoverage; processes: CollectorCoverage; containers: CollectorCoverage | null };
  /** Whether Docker was measured: true when history has container series or the live sample reached Docker. */
  dockerMeasured: boolean;
  /** `--since Nh` covering the report's period, for the `headroom history` commands it suggests. */
  sinceFlag: string;
  /** A short time for tables and charts: HH:MM within a day-long period, MM-DD HH:MM beyond. */
  time(ms: number): string;
  series(name: string): HistorySeries | undefined;
  trend(name: string): LeakTrend | undefined;
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Builds the shared context. Throws on an unknown time zone. */
export function createContext(inputs: ReportInputs): ReportContext {
  const clock = createReportClock(inputs.timeZone);
  const names = Object.keys(inputs.series).sort();
  const groups = new Map<string, GroupSeries>();
  const containers = new Map<string, ContainerSeries>();
  for (const n of names) {
    const s = inputs.series[n];
    if (s.t.length === 0) continue;
    let m = GROUP_SERIES.exec(n);
    if (m) {
      const g = groups.get(m[1]) ?? { name: m[1] };
      g[m[2] as 'rss'] = s;
      groups.set(m[1], g);
      continue;
    }
    m = CONTAINER_SERIES.exec(n);
    if (m) {
      const c = containers.get(m[1]) ?? { name: m[1] };
      c[m[2] as 'mem'] = s;
      containers.set(m[1], c);
    }
  }
  const avail = inputs.series['system.mem.available'];
  const ramBytes = avail && avail.limit !== null && avail.limit > 0 ? avail.limit : (inputs.live?.snapshot.memory.totalBytes ?? null);

  const groupList = [...groups.values()].sort(byName);
  const containerList = [...containers.values()].sort(byName);
  const iv = inputs.settings.intervals;
  const system = coverageOf('system (memory, CPU, load)', iv.systemMs, inputs.series['system.mem.used']?.t ?? [], inputs);
  const processes = coverageOf(
    'processes (application groups)',
    iv.processesMs,
    unionTimes(groupList.map((g) => g.count?.t ?? g.rss?.t ?? [])),
    inputs,
  );
  const live = inputs.live?.snapshot.docker.status;
  const dockerMeasured = containerList.length > 0 || live === 'ok';
  const containerCov = dockerMeasured
    ? coverageOf('containers (Docker stats)', iv.dockerStatsMs, unionTimes(containerList.map((c) => c.mem?.t ?? [])), inputs)
    : null;

  return {
    inputs,
    clock,
    ramBytes,
    groups: groupList,
    containers: containerList,
    coverage: { system, processes, containers: containerCov },
    dockerMeasured,
    sinceFlag: `--since ${Math.max(1, Math.ceil((inputs.untilMs - inputs.sinceMs) / 3600000))}h`,
    time: inputs.untilMs - inputs.sinceMs <= 86400000 ? clock.hm : (ms) => clock.dateTime(ms).slice(5, 16),
    series: (n) => inputs.series[n],
    trend: (n) => inputs.trends[n],
  };
}

/**
 * Coverage of one collector: its gaps (spacing above max(10 s, 5 × the larger
 * of the configured and measured interval)), each explained by the engine
 * start/stop events around it when there are any.
 */
function coverageOf(name: string, configuredMs: number, t: readonly number[], inputs: ReportInputs): CollectorCoverage {
  const since = inputs.sinceMs;
  const until = inputs.untilMs;
  const inPeriod = t.filter((x) => x >= since && x <= until);
  const measured = medianSpacingMs(inPeriod);
  const base = Math.max(configuredMs, measured ?? 0);
  const threshold = Math.max(10000, 5 * base);
  const gaps = findGaps(inPeriod, since, until, threshold).map((g) => ({ ...g, reason: explainGap(g, inputs, threshold) }));
  let missing = 0;
  for (const g of gaps) missing += g.endMs - g.startMs;
  const span = Math.max(1, until - since);
  return { name, configuredMs, measuredMs: measured, samples: inPeriod.length, gaps, covered: Math.max(0, 1 - missing / span) };
}

function explainGap(g: Gap, inputs: ReportInputs, slackMs: number): string {
  const near = inputs.events.filter((e) => e.t >= g.startMs - slackMs && e.t <= g.endMs + slackMs);
  const stop = near.some((e) => e.kind === 'engine.stop');
  const start = near.some((e) => e.kind === 'engine.start');
  if (g.startMs === inputs.sinceMs) {
    return start ? 'Headroom was not recording yet (an engine start is recorded at its end)' : 'no samples before this point in history (recording began later, or older samples were pruned)';
  }
  if (g.endMs === inputs.untilMs) {
    return stop ? 'Headroom was stopped (engine stop recorded)' : 'no samples since (Headroom not running or not recording)';
  }
  if (stop && start) return 'Headroom was not running (an engine stop and a later start are recorded)';
  if (stop) return 'Headroom was stopped (engine stop recorded)';
  if (start) return 'Headroom ended without a recorded stop (killed, crashed or the machine went down) and started again';
  return 'no samples and no engine event: cause not recorded (machine suspended, collector failing, or sampling stalled)';
}

// ─── Small formatting helpers shared by the sections ──────────────────────

/** An interval bound: the detector reports ±Infinity when its interval is unbounded (too few points). */
function bound(perHour: number, format: (v: number) => string): string {
  if (perHour === Infinity) return '+∞';
  if (perHour === -Infinity) return '−∞';
  return format(perHour);
}

/** "+120 MB/h [+80 MB/h … +160 MB/h]": the detector's slope with its interval, for a memory series. */
export function formatSlope(tr: LeakTrend): string {
  return `${formatRate(tr.slopePerHour)} [${bound(tr.slopeLowPerHour, formatRate)} … ${bound(tr.slopeHighPerHour, formatRate)}]`;
}

/** Confidence as the detector's strength, in percent. */
export function formatConfidence(tr: LeakTrend): string {
  return `${Math.round(tr.strength * 100)}%`;
}

/** A time to exhaustion, or "none projected". */
export function formatEta(tr: LeakTrend): string {
  return tr.etaSeconds === null ? 'none projected' : formatDuration(tr.etaSeconds);
}

/** Bytes for byte series, plain numbers otherwise (fds, counts). */
export function formatValue(series: string, v: number): string {
  return isByteSeries(series) ? formatBytes(v) : String(Math.round(v * 100) / 100);
}

/** True for series measured in bytes (memory), false for counts (fds, threads). */
export function isByteSeries(series: string): boolean {
  return /\.(mem|rss|used|available|cached)$/.test(series);
}

/** A slope in the series' own unit per hour. */
export function formatSeriesRate(series: string, perHour: number): string {
  if (isByteSeries(series)) return formatRate(perHour);
  const sign = perHour >= 0 ? '+' : '−';
  return `${sign}${Math.abs(Math.round(perHour * 10) / 10)}/h`;
}

/** The detector's slope and interval in the series' own unit. */
export function formatSeriesSlope(series: string, tr: LeakTrend): string {
  const f = (v: number) => formatSeriesRate(series, v);
  return `${f(tr.slopePerHour)} [${bound(tr.slopeLowPerHour, f)} … ${bound(tr.slopeHighPerHour, f)}]`;
}

/** Human label for a series name: "claude (memory)", "container db (memory)", "whole machine (used memory)". */
export function describeSeries(series: string): string {
  if (series === 'system.mem.used') return 'whole machine — used memory';
  if (series === 'system.swap.used') return 'whole machine — swap used';
  if (series === 'self.rss') return 'Headroom itself — memory';
  let m = GROUP_SERIES.exec(series);
  if (m) return `${m[1]} — ${m[2] === 'rss' ? 'memory' : m[2] === 'fds' ? 'open files' : m[2]}`;
  m = CONTAINER_SERIES.exec(series);
  if (m) return `container ${m[1]} — ${m[2] === 'mem' ? 'memory' : m[2]}`;
  return series;
}

/** Markdown-safe inline code: a backtick inside a name must not end the span. */
export function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``;
}
