/**
 * The report module's public face: make a report from a history store and a
 * live state, as Markdown or self-contained HTML. Used by `headroom report`,
 * the `report:export` channel (tray and window), and the tests.
 */

import type { Settings } from '../../../shared/settings.ts';
import { buildReport } from './build.ts';
import { createReportClock } from './clock.ts';
import { gatherReportInputs } from './gather.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import type { LiveState, ReportHistorySource, ReportInputs } from './types.ts';

export type { LiveState, ReportHistorySource, ReportInputs, HistoryEvent, ReportDocument, VerdictSource } from './types.ts';
export { buildReport, REPORT_SECTIONS } from './build.ts';
export { gatherReportInputs, REPORT_MAX_POINTS } from './gather.ts';
export { liveStateFrom, readProcessStarts } from './live.ts';
export { isWatchedSeries } from './watched-series.ts';
export { renderMarkdown } from './markdown.ts';
export { renderHtml } from './html.ts';

export type ReportFormat = 'md' | 'html';

/** Renders built inputs in one format. Pure. */
export function renderReport(inputs: ReportInputs, format: ReportFormat): string {
  const { document } = buildReport(inputs);
  return format === 'html' ? renderHtml(document) : renderMarkdown(document);
}

/** "headroom-report-2026-11-23-1405.md", in the report's time zone. */
export function reportFileName(generatedAt: number, format: ReportFormat, timeZone: string): string {
  const d = createReportClock(timeZone).dateTime(generatedAt);
  return `headroom-report-${d.slice(0, 10)}-${d.slice(11, 13)}${d.slice(14, 16)}.${format}`;
}

/** The machine's IANA time zone (UTC when the runtime cannot tell). */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

export interface ExportReportOptions {
  history: ReportHistorySource;
  settings: Settings;
  live: LiveState | null;
  sinceMs: number;
  /** Default: now. */
  untilMs?: number;
  format: ReportFormat;
  /** Default: Date.now(). */
  now?: number;
  /** Default: the machine's zone. */
  timeZone?: string;
  version?: string;
}

/**
 * Gathers the period and the engine's decisions, and renders a report.
 * Returns its text and a file name to save it under.
 */
export function exportReport(o: ExportReportOptions): { text: string; fileName: string; inputs: ReportInputs } {
  const now = o.now ?? Date.now();
  const timeZone = o.timeZone ?? localTimeZone();
  const inputs = gatherReportInputs({
    history: o.history,
    sinceMs: o.sinceMs,
    untilMs: o.untilMs ?? now,
    generatedAt: now,
    timeZone,
    settings: o.settings,
    live: o.live,
    version: o.version,
  });
  return { text: renderReport(inputs, o.format), fileName: reportFileName(now, o.format, timeZone), inputs };
}
