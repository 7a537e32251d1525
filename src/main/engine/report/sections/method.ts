/**
 * Method and coverage: where every figure came from, how often each collector
 * sampled (configured and measured), the gaps and their recorded causes, and
 * what was not measured at all.
 */

import { formatBytes, formatDuration, formatPercent } from '../../../../shared/format.ts';
import { MIN_WATCHED_GROUP_BYTES } from '../../detect/series.ts';
import { peakPoint } from '../series-stats.ts';
import { consumerRows } from './consumers.ts';
import { code, type CollectorCoverage, type ReportContext } from '../context.ts';
import type { Block, ReportSection } from '../types.ts';

const MAX_GAPS = 15;

function seconds(ms: number): string {
  return ms >= 60000 ? formatDuration(ms / 1000).replace('~', '') : `${Math.round(ms / 100) / 10} s`;
}

/** The "Method and coverage" section. */
export function methodSection(ctx: ReportContext): ReportSection {
  const { inputs, clock } = ctx;
  const blocks: Block[] = [];
  const names = Object.keys(inputs.series).sort();
  let samples = 0;
  const tiers = new Map<string, number>();
  for (const n of names) {
    samples += inputs.series[n].t.length;
    const tier = inputs.series[n].tier;
    tiers.set(tier, (tiers.get(tier) ?? 0) + 1);
  }
  blocks.push({
    kind: 'list',
    items: [
      `Period: ${clock.dateTime(inputs.sinceMs)} to ${clock.dateTime(inputs.untilMs)} (${inputs.timeZone}); report made at ${clock.dateTime(inputs.generatedAt)}${inputs.version ? ` by Headroom ${inputs.version}` : ''}.`,
      `Source: Headroom's history database — ${names.length} series, ${samples} recorded points in the period (${[...tiers.entries()]
        .sort()
        .map(([t, c]) => `${c} from the ${t === 'raw' ? 'raw samples' : t === 'm1' ? '1-minute rollup' : '15-minute rollup'}`)
        .join(', ')}).${[...tiers.keys()].some((t) => t !== 'raw') ? ' Rollup points are bucket averages: peaks within a bucket are smoothed.' : ''}`,
      inputs.live
        ? `Live sample: taken at ${clock.dateTime(inputs.live.snapshot.t)} for what history does not keep (zombies, orphans, container limits and state, Docker disk usage, fix proposals).`
        : 'Live sample: none — zombies, orphans, container limits and Docker disk usage were not measured, and no fix ids are given.',
      `Trends: leak verdicts are the live engine's own, never re-computed for the report: ${inputs.verdicts.kind === 'live' ? `taken from the running engine at ${ctx.clock.dateTime(inputs.verdicts.at as number)}` : inputs.verdicts.kind === 'recorded' ? `read from the verdicts the engine recorded in history as it ran (latest at ${ctx.clock.dateTime(inputs.verdicts.at as number)})` : 'none was in reach (no engine running, none recorded)'}. Its detector fits multi-window Theil–Sen slopes with a Mann–Kendall trend test (minimum span ${formatDuration(inputs.settings.detector.minSpanSeconds).replace('~', '')}, at least ${inputs.settings.detector.minSamples} samples, window up to ${formatDuration(inputs.settings.detector.maxWindowSeconds).replace('~', '')}); ${Object.keys(inputs.trends).length} verdicts for ${inputs.watched.length} watched series with samples in the period (used memory and swap; memory, open files and threads of applications from ${formatBytes(MIN_WATCHED_GROUP_BYTES)}; container memory). Alerts listed are the transitions the engine recorded as they reached the window, the tray and notifications.`,
      'Projections (times to a limit) extend the fitted slope in a straight line; they are labelled as projections wherever they appear.',
      ...selfCost(ctx),
    ],
  });

  const cov = [ctx.coverage.system, ctx.coverage.processes, ...(ctx.coverage.containers ? [ctx.coverage.containers] : [])];
  blocks.push({ kind: 'h3', text: 'Sampling' });
  blocks.push({
    kind: 'table',
    head: ['Collector', 'Configured interval', 'Measured median spacing', 'Sampling instants', 'Period covered'],
    align: ['l', 'r', 'r', 'r', 'r'],
    rows: cov.map((c) => [c.name, seconds(c.configuredMs), c.measuredMs === null ? '—' : seconds(c.measuredMs), String(c.samples), formatPercent(c.covered * 100, 1)]),
  });
  blocks.push({
    kind: 'p',
    text: 'Under memory pressure Headroom samples faster than configured, so the measured spacing can be shorter. Applications are recorded for the largest groups of each scan only.',
  });

  blocks.push({ kind: 'h3', text: 'Gaps' });
  const gapRows: string[][] = [];
  let more = 0;
  for (const c of cov) {
    c.gaps.forEach((g, i) => {
      if (i >= MAX_GAPS) {
        more++;
        return;
      }
      gapRows.push([c.name.split(' ')[0], clock.dateTime(g.startMs), clock.dateTime(g.endMs), formatDuration((g.endMs - g.startMs) / 1000), g.reason]);
    });
  }
  if (gapRows.length === 0) blocks.push({ kind: 'p', text: 'None: every collector recorded samples throughout the period.' });
  else {
    blocks.push({ kind: 'p', text: 'Spans with no samples (longer than five sampling intervals, and at least 10 s), and the cause where history records one:' });
    blocks.push({ kind: 'table', head: ['Collector', 'From', 'To', 'Length', 'Cause'], align: ['l', 'l', 'l', 'r', 'l'], rows: gapRows });
    if (more > 0) blocks.push({ kind: 'p', text: `${more} more gaps not listed.` });
  }
  const lifecycle = inputs.events.filter((e) => e.kind === 'engine.start' || e.kind === 'engine.stop');
  if (lifecycle.length > 0) {
    blocks.push({
      kind: 'p',
      text: `Engine events in the period: ${lifecycle
        .slice(0, 20)
        .map((e) => `${e.kind === 'engine.start' ? 'start' : 'stop'} ${clock.dateTime(e.t)}`)
        .join('; ')}${lifecycle.length > 20 ? `; and ${lifecycle.length - 20} more` : ''}.`,
    });
  }

  blocks.push({ kind: 'h3', text: 'Not measured' });
  blocks.push({ kind: 'list', items: notMeasured(ctx, cov) });
  return { id: 'method', title: 'Method and coverage', blocks };
}

function notMeasured(ctx: ReportContext, cov: CollectorCoverage[]): string[] {
  const out: string[] = [];
  const { inputs } = ctx;
  if (!inputs.series['system.psi.some10']) out.push('Memory pressure (PSI): not available on this system, or not recorded in this period.');
  if (!ctx.dockerMeasured) out.push('Containers: Docker was not available, so container memory, limits, restarts and disk waste were not measured.');
  // Only applications still running at the end: a short-lived one missing fd counts is expected (the fd pass runs less often).
  const current = new Set(consumerRows(ctx).filter((r) => r.current).map((r) => r.name));
  const noFds = ctx.groups.filter((g) => g.rss && !g.fds && current.has(g.name)).map((g) => g.name);
  if (noFds.length > 0) {
    out.push(
      `Open files of ${noFds
        .slice(0, 20)
        .map(code)
        .join(', ')}${noFds.length > 20 ? `, and ${noFds.length - 20} more` : ''}: not counted (the fd count runs less often, or the processes were unreadable).`,
    );
  }
  if (!inputs.live) out.push('Zombies, orphans, container limits, Docker disk usage and fix proposals: they need a live sample, and this report has none.');
  else out.push('Zombies and orphans: only at report time; history keeps no process lists, so earlier ones are not known.');
  out.push(`Applications outside the ${inputs.settings.groups.topN} largest groups of each scan: not recorded individually.`);
  out.push('Disk I/O, network, GPU memory and per-thread detail: Headroom does not measure them.');
  if (cov.some((c) => c.samples === 0)) out.push(`No samples at all from: ${cov.filter((c) => c.samples === 0).map((c) => c.name).join(', ')}.`);
  return out;
}

/** What measuring cost: Headroom's own memory and CPU over the period, from its self.* series. */
function selfCost(ctx: ReportContext): string[] {
  const rss = ctx.series('self.rss');
  const cpu = ctx.series('self.cpu');
  if (!rss || rss.v.length === 0) return [];
  const mean = (v: readonly number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const peak = peakPoint(rss)!;
  const cpuText = cpu && cpu.v.length > 0 ? `, CPU ${formatPercent(mean(cpu.v), 1)} of one core on average` : '';
  return [`Cost of measuring: Headroom itself used ${formatBytes(mean(rss.v))} of memory on average (highest ${formatBytes(peak.v)})${cpuText}.`];
}
