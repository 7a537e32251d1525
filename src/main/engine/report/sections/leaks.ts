/**
 * Leak trends: the live engine's verdicts — the leaks with their rate,
 * interval, confidence and projected time to exhaustion, the leaks that ended
 * in the period, and the watched series the engine did not call a leak. The
 * same verdicts the window and the alerts showed; nothing is re-analysed here.
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
  if (tr.slopeLowPerHour > 0) return 'rising, but not a leak by the detector\'s tests (e.g. not above earlier levels)';
  if (tr.slopeHighPerHour < 0) return 'falling';
  return 'flat (no trend beyond noise)';
}

/** Where the verdicts come from, in one sentence. */
function sourceText(ctx: ReportContext): string {
  const v = ctx.inputs.verdicts;
  if (v.kind === 'live') return `These are the running engine's verdicts at ${ctx.clock.dateTime(v.at as number)} — the ones its alerts and the window show.`;
  if (v.kind === 'recorded')
    return `No engine was running when this report was made, so these are the verdicts the engine last recorded in history (latest at ${ctx.clock.dateTime(v.at as number)}); they are its verdicts as of then.`;
  return 'No engine verdict is in reach for this period: no engine was running and none was recorded (the engine records its verdicts while it runs).';
}

/** The "Leak trends" section: leaks, series checked without a leak, and series without a verdict. */
export function leaksSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const { inputs } = ctx;
  const d = inputs.settings.detector;
  blocks.push({
    kind: 'p',
    text: `${sourceText(ctx)} Slopes are Theil–Sen fits with their 90% interval; confidence is the strength of the trend test. A time to exhaustion is a **projection**: the recent slope extended from the last sample until the series reaches its limit; where growth has stopped, none is projected.`,
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
        tr.growthStopped ? 'none: growth stopped' : tr.etaSeconds === null ? 'none (no limit known)' : `${formatDuration(tr.etaSeconds)} (projection)`,
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
              // Two points far apart: drawn as one line, never split like a sampling gap.
              { name: 'projection', t: proj.t, v: proj.v, color: '#c0392b', dashed: true, continuous: true },
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

  const ended = Object.entries(inputs.endedLeaks).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1));
  if (ended.length > 0) {
    blocks.push({ kind: 'h3', text: `Leaks that ended in this period (${ended.length})` });
    blocks.push({ kind: 'list', items: ended.map(([series, t]) => `${describeSeries(series)} ${code(series)}: no longer a leak at ${ctx.time(t)} (the engine's record).`) });
  }

  if (inputs.verdicts.kind === 'live') {
    const checked = Object.values(inputs.trends)
      .filter((t) => !t.leaking)
      .sort((a, b) => (a.series < b.series ? -1 : 1));
    blocks.push({ kind: 'h3', text: `Checked, no leak (${checked.length})` });
    if (checked.length === 0) {
      blocks.push({ kind: 'p', text: 'The engine has no other series with enough data for a verdict yet.' });
    } else {
      blocks.push({
        kind: 'table',
        head: ['Series', 'Fitted slope (90% interval)', 'Confidence', 'Verdict'],
        align: ['l', 'l', 'r', 'l'],
        rows: checked.map((tr) => [code(tr.series), formatSeriesSlope(tr.series, tr), formatConfidence(tr), verdictOf(tr)]),
      });
    }
  }
  const noVerdict = inputs.watched.filter((n) => !inputs.trends[n]);
  if (noVerdict.length > 0) {
    const why =
      inputs.verdicts.kind === 'live'
        ? `the engine's detector has no verdict for them yet (it needs at least ${d.minSamples} samples spread over several minutes in one unbroken segment) or no longer watches them`
        : 'the engine recorded no leak for them';
    blocks.push({
      kind: 'p',
      text: `${noVerdict.length} watched series with samples in the period are not listed above: ${why}: ${noVerdict
        .slice(0, MAX_LISTED)
        .map(code)
        .join(', ')}${noVerdict.length > MAX_LISTED ? `, and ${noVerdict.length - MAX_LISTED} more` : ''}.`,
    });
  }
  return { id: 'leaks', title: 'Leak trends', blocks };
}
