/**
 * The Memory section: the latest recorded state, the growth over the period
 * (measured first → last, and the detector's fitted slope with its interval),
 * the peak with its time, and a table at even intervals.
 */

import { formatBytes, formatDuration, formatPercent } from '../../../../shared/format.ts';
import { formatConfidence, formatSlope, type ReportContext } from '../context.ts';
import { bucketize, firstPoint, lastPoint, peakPoint, tableStepMs } from '../series-stats.ts';
import { renderLineChart } from '../svg-chart.ts';
import type { Block, ReportSection } from '../types.ts';

/** Memory status by the same thresholds the alert rules use. */
export function memoryStatus(percent: number, warn: number, crit: number): string {
  if (!Number.isFinite(percent)) return 'no samples';
  if (percent >= crit) return 'Critical';
  if (percent >= warn) return 'Warning';
  return 'Healthy';
}

/** The "Memory" section. */
export function memorySection(ctx: ReportContext): ReportSection {
  const { clock, inputs } = ctx;
  const blocks: Block[] = [];
  const used = ctx.series('system.mem.used');
  const ram = ctx.ramBytes;
  const { memWarnPercent: warn, memCritPercent: crit } = inputs.settings.alerts;
  if (!used || used.t.length === 0 || ram === null) {
    blocks.push({ kind: 'p', text: 'No memory samples were recorded in this period, so nothing about memory can be stated for it.' });
    return { id: 'memory', title: 'Memory', blocks };
  }
  const pct = (v: number) => (v / ram) * 100;

  // Now: the latest sample of each system series.
  const last = lastPoint(used)!;
  const avail = lastPoint(ctx.series('system.mem.available'));
  const cached = lastPoint(ctx.series('system.mem.cached'));
  const swap = ctx.series('system.swap.used');
  const swapLast = lastPoint(swap);
  const swapTotal = swap?.limit ?? null;
  blocks.push({ kind: 'h3', text: `Now (last sample, ${clock.dateTime(last.t)})` });
  const nowRows: string[][] = [
    ['Total RAM', formatBytes(ram)],
    ['Used', `${formatBytes(last.v)} (${formatPercent(pct(last.v), 1)})`],
    ['Available', avail ? formatBytes(avail.v) : 'not recorded'],
    ['Cache (reclaimable)', cached ? formatBytes(cached.v) : 'not recorded'],
    [
      'Swap',
      swapTotal === null || swapTotal === 0 ? 'no swap configured' : swapLast ? `${formatBytes(swapLast.v)} of ${formatBytes(swapTotal)}` : 'not recorded',
    ],
  ];
  const psi = lastPoint(ctx.series('system.psi.some10'));
  if (psi) nowRows.push(['Memory pressure (PSI some, 10 s)', formatPercent(psi.v, 1)]);
  blocks.push({ kind: 'table', head: ['Measure', 'Value'], rows: nowRows, align: ['l', 'r'] });

  // Growth over the period.
  const first = firstPoint(used)!;
  const peak = peakPoint(used)!;
  const change = last.v - first.v;
  blocks.push({ kind: 'h3', text: 'Growth over the period' });
  const growth: string[] = [
    `Measured: used memory went from ${formatBytes(first.v)} (${formatPercent(pct(first.v), 1)}) at ${ctx.time(first.t)} to ${formatBytes(last.v)} (${formatPercent(pct(last.v), 1)}) at ${ctx.time(last.t)}: ${change >= 0 ? '+' : '−'}${formatBytes(Math.abs(change))} over ${formatDuration((last.t - first.t) / 1000)}.`,
    `Peak: ${formatBytes(peak.v)} (${formatPercent(pct(peak.v), 1)}) at ${clock.dateTime(peak.t)}.`,
  ];
  const tr = ctx.trend('system.mem.used');
  if (!tr) {
    growth.push('Trend: the detector gave no verdict for this history (too few samples or too short a span for its minimums).');
  } else {
    const verdict = tr.leaking
      ? 'a sustained rise (the detector reports it as a leak trend)'
      : tr.slopeLowPerHour > 0
        ? 'rising, but not steadily enough for the detector to call it a leak'
        : tr.slopeHighPerHour < 0
          ? 'falling'
          : 'no trend distinguishable from noise';
    growth.push(
      `Trend (detector replay over its current segment, since ${ctx.time(tr.segmentStart)}): ${formatSlope(tr)} (90% interval), confidence ${formatConfidence(tr)} — ${verdict}.`,
    );
    if (tr.leaking && tr.etaSeconds !== null) {
      growth.push(
        `Projection, not a measurement: at the fitted slope, used memory would reach ${tr.limit !== null ? formatBytes(tr.limit) : 'its limit'} (RAM + swap) in ${formatDuration(tr.etaSeconds)}.`,
      );
    } else if (tr.slopePerHour > 0) {
      growth.push('No time to exhaustion is projected: the detector does not find a sustained rise to extend.');
    }
  }
  blocks.push({ kind: 'list', items: growth });

  blocks.push({
    kind: 'chart',
    caption: 'Used memory over the period (shaded: no samples).',
    render: () =>
      renderLineChart({
        title: 'Used memory',
        lines: [{ name: 'used', t: used.t, v: used.v, color: '#1f6fb2' }],
        thresholds: [
          { label: `warning ${warn}%`, value: (ram * warn) / 100, color: '#c98a00' },
          { label: `critical ${crit}%`, value: (ram * crit) / 100, color: '#c0392b' },
        ],
        gaps: ctx.coverage.system.gaps,
        formatX: ctx.time,
        formatY: formatBytes,
        byteAxis: true,
        xRange: [inputs.sinceMs, inputs.untilMs],
        yFromZero: true,
        maxStepMs: Math.max(10000, 5 * (ctx.coverage.system.measuredMs ?? inputs.settings.intervals.systemMs)),
      }),
  });

  // Table at even intervals.
  const step = tableStepMs(inputs.untilMs - inputs.sinceMs);
  const buckets = bucketize(used, inputs.sinceMs, inputs.untilMs, step);
  blocks.push({ kind: 'h3', text: `Every ${formatDuration(step / 1000).replace('~', '')}` });
  blocks.push({
    kind: 'p',
    text: `Mean and highest used memory in each interval, as a percent of RAM. Status is from the highest sample, by the alert thresholds (warning ${warn}%, critical ${crit}%).`,
  });
  blocks.push({
    kind: 'table',
    head: ['From', 'Mean', 'Highest', 'Samples', 'Status'],
    align: ['l', 'r', 'r', 'r', 'l'],
    rows: buckets.map((b) => [
      ctx.time(b.startMs),
      b.count > 0 ? formatPercent(pct(b.mean), 1) : '—',
      b.count > 0 ? formatPercent(pct(b.max), 1) : '—',
      String(b.count),
      b.count > 0 ? memoryStatus(pct(b.max), warn, crit) : 'no samples',
    ]),
  });
  return { id: 'memory', title: 'Memory', blocks };
}
