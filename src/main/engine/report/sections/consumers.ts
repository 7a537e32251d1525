/**
 * Top consumers by application: the latest recorded figures of each group
 * (instances, memory, CPU, threads, open files), its peak, and its growth per
 * hour as the detector's fitted slope of the group's memory.
 */

import { formatBytes, formatPercent } from '../../../../shared/format.ts';
import { formatSlope, type GroupSeries, type ReportContext } from '../context.ts';
import { lastPoint, peakPoint } from '../series-stats.ts';
import { renderLineChart } from '../svg-chart.ts';
import type { Block, ReportSection } from '../types.ts';

const MAX_ROWS = 15;
const COLORS = ['#1f6fb2', '#c0392b', '#27ae60', '#8e44ad', '#d35400', '#16a085'];

export interface ConsumerRow {
  name: string;
  lastT: number;
  rss: number;
  count: number | null;
  cpu: number | null;
  threads: number | null;
  fds: number | null;
  peakRss: number;
  peakT: number;
  /** In the latest process scan recorded in the period (false: it exited or fell out of the largest groups). */
  current: boolean;
}

/** The groups' latest figures: those in the latest scan first, then by memory, largest first (name breaks ties). */
export function consumerRows(ctx: ReportContext): ConsumerRow[] {
  const rows: ConsumerRow[] = [];
  let latestScan = -Infinity;
  for (const g of ctx.groups) {
    const p = lastPoint(g.rss);
    if (p && p.t > latestScan) latestScan = p.t;
  }
  const stale = Math.max(15000, 2.5 * ctx.inputs.settings.intervals.processesMs);
  for (const g of ctx.groups) {
    const rss = lastPoint(g.rss);
    if (!rss) continue;
    const peak = peakPoint(g.rss)!;
    const at = (s: GroupSeries['cpu']) => {
      const p = lastPoint(s);
      return p ? p.v : null;
    };
    // Counts are whole numbers: a rollup point is a bucket average (6.33 processes), so it is rounded.
    const whole = (s: GroupSeries['cpu']) => {
      const v = at(s);
      return v === null ? null : Math.round(v);
    };
    rows.push({
      name: g.name,
      lastT: rss.t,
      rss: rss.v,
      count: whole(g.count),
      cpu: at(g.cpu),
      threads: whole(g.threads),
      fds: whole(g.fds),
      peakRss: peak.v,
      peakT: peak.t,
      current: latestScan - rss.t <= stale,
    });
  }
  rows.sort((a, b) => Number(b.current) - Number(a.current) || b.rss - a.rss || (a.name < b.name ? -1 : 1));
  return rows;
}

/** The "Top consumers by application" section. */
export function consumersSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const rows = consumerRows(ctx);
  const topN = ctx.inputs.settings.groups.topN;
  if (rows.length === 0) {
    blocks.push({ kind: 'p', text: 'No application groups were recorded in this period: the process collector left no samples in history.' });
    return { id: 'consumers', title: 'Top consumers by application', blocks };
  }
  blocks.push({
    kind: 'p',
    text: `Figures are each application's last recorded sample (processes are grouped by the grouping rules; history keeps the ${topN} largest groups of each scan); applications missing from the latest scan come last. Growth per hour is the detector's fitted slope of the group's memory with its 90% interval; "—" where the detector had too little data for a verdict.`,
  });
  const kindOf = new Map((ctx.inputs.live?.snapshot.groups ?? []).map((g) => [g.name, g.kind]));
  const shown = rows.slice(0, MAX_ROWS);
  blocks.push({
    kind: 'table',
    head: ['Application', 'Instances', 'Memory', 'Peak', 'CPU', 'Threads', 'Open files', 'Growth per hour', 'Last sample'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l'],
    rows: shown.map((r) => {
      const tr = ctx.trend(`process.group.${r.name}.rss`);
      const kind = kindOf.get(r.name);
      return [
        kind ? `${r.name} (${kind})` : r.name,
        r.count === null ? '—' : String(r.count),
        formatBytes(r.rss),
        `${formatBytes(r.peakRss)} at ${ctx.time(r.peakT)}`,
        r.cpu === null ? '—' : formatPercent(r.cpu, 1),
        r.threads === null ? '—' : String(r.threads),
        r.fds === null ? 'not counted' : String(r.fds),
        tr ? formatSlope(tr) : '—',
        r.current ? ctx.time(r.lastT) : `${ctx.time(r.lastT)} (not in later scans)`,
      ];
    }),
  });
  if (rows.length > shown.length) blocks.push({ kind: 'p', text: `${rows.length - shown.length} smaller groups recorded in this period are not listed.` });

  const top = shown.slice(0, COLORS.length);
  blocks.push({
    kind: 'chart',
    caption: 'Memory of the largest applications over the period.',
    render: () =>
      renderLineChart({
        title: 'Memory by application',
        lines: top.map((r, i) => {
          const s = ctx.series(`process.group.${r.name}.rss`)!;
          return { name: r.name, t: s.t, v: s.v, color: COLORS[i] };
        }),
        formatX: ctx.time,
        formatY: formatBytes,
        byteAxis: true,
        xRange: [ctx.inputs.sinceMs, ctx.inputs.untilMs],
        yFromZero: true,
        gaps: ctx.coverage.processes.gaps,
        maxStepMs: Math.max(30000, 5 * (ctx.coverage.processes.measuredMs ?? ctx.inputs.settings.intervals.processesMs)),
      }),
  });
  return { id: 'consumers', title: 'Top consumers by application', blocks };
}
