/**
 * The `report:export` request ("Export report…" in the tray and the window),
 * made inside a running engine: its latest sample, alerts, fix proposals and
 * leak verdicts are the live part, so the report states what the window shows.
 */

import type { Alert, FixProposal, LeakTrend, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import { exportReport, localTimeZone, type ReportFormat } from './index.ts';
import { liveStateFrom } from './live.ts';
import type { ReportHistorySource } from './types.ts';

export interface ReportExportDeps {
  /** null when history recording is off: there is nothing to report on. */
  history: ReportHistorySource | null;
  settings: { get(): Settings };
  engine: { latest(): Snapshot | null; alerts(): Alert[]; trends(): LeakTrend[] };
  remedies: { list(): FixProposal[] };
  now?: () => number;
  timeZone?: string;
}

export interface ReportExportRequest {
  sinceMs: number;
  format: ReportFormat;
}

/** Makes the report for one request. Throws a clear error when history is off or the period is empty. */
export function exportReportFor(deps: ReportExportDeps, req: ReportExportRequest): { text: string; fileName: string } {
  if (!deps.history) throw new Error('history recording is off, so there is no history to report on');
  const now = (deps.now ?? Date.now)();
  if (!(req.sinceMs < now)) throw new Error('the report period must start in the past');
  const snap = deps.engine.latest();
  // The running engine's own alerts, fixes and verdicts: what the window shows at this moment.
  const live = snap ? liveStateFrom(snap, deps.engine.alerts(), deps.remedies.list(), { trends: deps.engine.trends() }) : null;
  const { text, fileName } = exportReport({
    history: deps.history,
    settings: deps.settings.get(),
    live,
    sinceMs: req.sinceMs,
    untilMs: now,
    now,
    format: req.format,
    timeZone: deps.timeZone ?? localTimeZone(),
  });
  return { text, fileName };
}
