/**
 * Leak trends: the detector's verdict for every replayed series — the leaks
 * with their rate, interval, confidence and projected time to exhaustion, and
 * the series that were checked and found not to be leaking.
 */

import { formatBytes, formatDuration } from '../../../../shared/format.ts';
import type { LeakTrend } from '../../../../shared/model.ts';
import { code, describeSeries, formatConfidence, formatSeriesSlope, formatValue, isByteSeries, type ReportContext } from '../context.ts';
import { lastPoint } from '../series-stats.ts';
import { renderLineChart } from '../svg-chart.ts';
import type { Block, ReportSection } from '../types.ts';

/** Names listed in a sentence before "and N more". */
const MAX_LISTED = 20;

/** Leaking trends first by time to exhaustion (none last), then by name. */
export function leakingTrends(ctx: ReportContext): LeakTrend[] {
  return Object.values(ctx.inputs.trends)
    .filter((t) => t.leaking)
    .sort((a, b) => (a.etaSeconds ?? Infinity) - (b.etaSeconds ?? Infinity) || (a.series < b.series ? -1 : 1));
}

function verdictOf(tr: LeakTrend): string {
  if (tr.slopeLowPerHour > 0) return 'rising, not steadily enough to be a leak';
  if (tr.slopeHighPerHour < 0) return 'falling';
  return 'flat (no trend beyond noise)';
}

/** The "Leak trends" section: leaks, series checked without a leak, and series without a verdict. */
export function leaksSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const { inputs } = ctx;
  const d = inputs.settings.detector;
  blocks.push({
    kind: 'p',
    text: `Each series below was replayed through Headroom's leak detector (the same code that raises leak alerts live), so these verdicts are the ones the detector gives for this history. Slopes are Theil–Sen fits with their 90% interval; confidence is the strength of the trend test. A time to exhaustion is a **projection**: the fitted slope extended from the last sample until the series reaches its limit.`,
  });
  const leaks = leakingTrends(ctx);
  blocks.push({ kind: 'h3', text: `Leaks (${leaks.length})` });
  if (leaks.length === 0) {
    blocks.push({ kind: 'p', text: 'The detector reports no leak in any series for this history.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['Series', 'Rate (90% interval)', 'Confidence', 'Level', 'Limit', 'Projected time to limit', 'Trend since'],
      align: ['l', 'l', 'r', 'r', 'r', 'r', 'l'],
      rows: leaks.map((tr) => [
        `${describeSeries(tr.series)} ${code(tr.series)}`,
        formatSeriesSlope(tr.series, tr),
        formatConfidence(tr),
        formatValue(tr.series, tr.level),
        tr.limit === null ? 'unknown' : formatValue(tr.series, tr.limit),
        tr.etaSeconds === null ? 'none (no limit known)' : `${formatDuration(tr.etaSeconds)} (projection)`,
        ctx.time(tr.segmentStart),
      ]),
    });
    for (const tr of leaks.slice(0, 4)) {
      const s = ctx.series(tr.series);
      if (!s) continue;
      const last = lastPoint(s)!;
      // The projection line: the fitted slope from the fitted level at the last sample, over at most the period's length.
      const horizonMs = Math.min(tr.etaSeconds !== null ? tr.etaSeconds * 1000 : Infinity, inputs.untilMs - inputs.sinceMs);
      const proj = { t: [last.t, last.t + horizonMs], v: [tr.level, tr.level + (tr.slopePerHour * horizonMs) / 3600000] };
      blocks.push({
        kind: 'chart',
        caption: `${describeSeries(tr.series)}: recorded samples, and the fitted slope projected forward (dashed; a projection, not a measurement).`,
        render: () =>
          renderLineChart({
            title: describeSeries(tr.series),
            lines: [
              { name: 'recorded', t: s.t, v: s.v, color: '#1f6fb2' },
              { name: 'projection', t: proj.t, v: proj.v, color: '#c0392b', dashed: true },
            ],
            thresholds: tr.limit !== null && tr.etaSeconds !== null && horizonMs >= tr.etaSeconds * 1000 ? [{ label: 'limit', value: tr.limit, color: '#c0392b' }] : [],
            formatX: ctx.time,
            formatY: isByteSeries(tr.series) ? formatBytes : (v) => String(Math.round(v)),
            byteAxis: isByteSeries(tr.series),
            yFromZero: true,
            maxStepMs: 5 * 60000,
          }),
      });
    }
  }

  const checked = Object.values(inputs.trends)
    .filter((t) => !t.leaking)
    .sort((a, b) => (a.series < b.series ? -1 : 1));
  blocks.push({ kind: 'h3', text: `Checked, no leak (${checked.length})` });
  if (checked.length === 0) {
    blocks.push({ kind: 'p', text: 'No other series had enough data for a verdict.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['Series', 'Fitted slope (90% interval)', 'Confidence', 'Verdict'],
      align: ['l', 'l', 'r', 'l'],
      rows: checked.map((tr) => [code(tr.series), formatSeriesSlope(tr.series, tr), formatConfidence(tr), verdictOf(tr)]),
    });
  }
  const forgotten = new Set(inputs.forgotten);
  if (forgotten.size > 0) {
    const names = [...forgotten];
    blocks.push({
      kind: 'p',
      text: `No longer watched at the end — no samples for ten minutes before it (the application exited or fell below the watched size), so the detector had dropped them: ${names
        .slice(0, MAX_LISTED)
        .map(code)
        .join(', ')}${names.length > MAX_LISTED ? `, and ${names.length - MAX_LISTED} more` : ''}.`,
    });
  }
  const noVerdict = inputs.replayed.filter((n) => !inputs.trends[n] && !forgotten.has(n)).sort();
  if (noVerdict.length > 0) {
    blocks.push({
      kind: 'p',
      text: `No verdict for ${noVerdict.length} series — too little data in one unbroken segment for the detector to fit a trend (it needs at least ${d.minSamples} samples spread over several minutes): ${noVerdict
        .slice(0, MAX_LISTED)
        .map(code)
        .join(', ')}${noVerdict.length > MAX_LISTED ? `, and ${noVerdict.length - MAX_LISTED} more` : ''}.`,
    });
  }
  return { id: 'leaks', title: 'Leak trends', blocks };
}
