/**
 * What the Overview says before any chart: is the machine OK (a status line),
 * who is eating it (top applications and containers with trend and ETA), and
 * how loaded the CPU is for its cores. Pure, so it is tested under Node.
 */

import { formatDuration, formatRate } from '../../shared/format.ts';
import type { Alert, LeakTrend, Severity, Snapshot } from '../../shared/model.ts';
import { seriesLabel } from '../charts/trend-line.ts';

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };

/** The most severe of the firing alerts, or null when none fires. */
export function worstSeverity(alerts: readonly Pick<Alert, 'state' | 'severity'>[]): Severity | null {
  let worst: Severity | null = null;
  for (const a of alerts) if (a.state === 'firing' && (worst === null || RANK[a.severity] > RANK[worst])) worst = a.severity;
  return worst;
}

export interface StatusLine {
  level: 'ok' | Severity;
  /** "All clear" or "critical: ux-leaky full in ~6 min" */
  text: string;
}

/** The series a leak alert is about: its id is "leak:<series>". */
function leakSeries(a: Pick<Alert, 'id'>): string | null {
  return a.id.startsWith('leak:') ? a.id.slice(5) : null;
}

/**
 * One line for the whole machine: "All clear", or the worst firing alert —
 * a leak said as "<what> full in ~6 min" from its trend, anything else by its
 * title — and how many more alerts fire.
 */
export function statusLine(alerts: readonly Alert[], trends: readonly LeakTrend[]): StatusLine {
  const firing = alerts
    .filter((a) => a.state === 'firing')
    .sort((a, b) => RANK[b.severity] - RANK[a.severity] || etaOf(a, trends) - etaOf(b, trends) || a.since - b.since);
  if (firing.length === 0) return { level: 'ok', text: 'All clear' };
  const top = firing[0];
  const series = leakSeries(top);
  const trend = series ? trends.find((t) => t.series === series) : undefined;
  const what =
    trend && series
      ? trend.growthStopped
        ? `${seriesLabel(series)} grew and stopped (${formatRate(trend.slopePerHour)})`
        : trend.etaSeconds !== null
          ? `${seriesLabel(series)} full in ${formatDuration(trend.etaSeconds)}`
          : `${seriesLabel(series)} growing ${formatRate(trend.slopePerHour)}`
      : top.title;
  const more = firing.length > 1 ? ` · ${firing.length - 1} more ${firing.length === 2 ? 'alert' : 'alerts'}` : '';
  return { level: top.severity, text: `${top.severity}: ${what}${more}` };
}

function etaOf(a: Pick<Alert, 'id'>, trends: readonly LeakTrend[]): number {
  const s = leakSeries(a);
  const t = s ? trends.find((x) => x.series === s) : undefined;
  return t?.etaSeconds ?? Infinity;
}

export interface Consumer {
  kind: 'application' | 'container';
  name: string;
  /** Route to its details: "#/applications/<name>" or "#/containers/<name>". */
  href: string;
  bytes: number;
  /** "+1.2 GB/h", "steady", or "–" without a verdict. */
  trend: string;
  leaking: boolean;
  /** "~6 min", "growth stopped", or "–". */
  eta: string;
  etaSeconds: number | null;
}

export const groupSeries = (name: string): string => `process.group.${name}.rss`;
export const containerSeries = (name: string): string => `container.${name}.mem`;

function consumer(kind: Consumer['kind'], name: string, bytes: number, t: LeakTrend | undefined): Consumer {
  const leaking = t?.leaking === true;
  return {
    kind,
    name,
    href: `#/${kind === 'application' ? 'applications' : 'containers'}/${encodeURIComponent(name)}`,
    bytes,
    trend: !t ? '–' : leaking ? formatRate(t.slopePerHour) : 'steady',
    leaking,
    eta: !leaking ? '–' : t?.growthStopped ? 'growth stopped' : t?.etaSeconds != null ? formatDuration(t.etaSeconds) : 'no limit in sight',
    etaSeconds: leaking && !t?.growthStopped ? (t?.etaSeconds ?? null) : null,
  };
}

/** The largest applications and containers, each with its trend and time to its limit. */
export function topConsumers(s: Pick<Snapshot, 'groups' | 'containers'>, trends: readonly LeakTrend[], apps = 5, containers = 3): Consumer[] {
  const bySeries = new Map(trends.map((t) => [t.series, t]));
  const a = s.groups.slice(0, apps).map((g) => consumer('application', g.name, g.rssBytes, bySeries.get(groupSeries(g.name))));
  const c = s.containers
    .filter((x) => x.memUsageBytes !== null)
    .sort((x, y) => (y.memUsageBytes ?? 0) - (x.memUsageBytes ?? 0))
    .slice(0, containers)
    .map((x) => consumer('container', x.name, x.memUsageBytes ?? 0, bySeries.get(containerSeries(x.name))));
  return [...a, ...c];
}

/** Load against the cores: busy from one runnable task per core, overloaded from two. */
export function loadLevel(load1: number, cores: number): { level: 'ok' | 'warn' | 'crit'; perCore: number } {
  const perCore = cores > 0 ? load1 / cores : load1;
  return { level: perCore >= 2 ? 'crit' : perCore >= 1 ? 'warn' : 'ok', perCore };
}
