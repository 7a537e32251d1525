/**
 * What a report is built from and what it is made of. The builder is pure over
 * `ReportInputs`: everything it states comes from these fields, so every figure
 * in a report traces back to a history series, a history event, a verdict or
 * alert the live engine decided (read from it, or from what it recorded), or
 * the live sample taken when it was made. A report never runs an analysis of
 * its own that could disagree with the window.
 */

import type { HistoryQuery, HistorySeries } from '../../../shared/contract.ts';
import type { Alert, FixProposal, LeakTrend, Snapshot } from '../../../shared/model.ts';
import type { AlertTransitionRecord } from '../decisions/read.ts';
import type { Settings } from '../../../shared/settings.ts';

/** An engine lifecycle or collector event from the history store (engine.start, engine.stop, …). */
export interface HistoryEvent {
  t: number;
  kind: string;
  detail: string | null;
}

/** The part of the history store a report reads. */
export interface ReportHistorySource {
  query(q: HistoryQuery): HistorySeries;
  seriesNames(): string[];
  events(sinceMs: number, untilMs?: number): HistoryEvent[];
}

/**
 * What was measured live when the report was made. History keeps numbers per
 * series only; zombies, orphans, container limits, Docker's state and disk
 * waste, and the current fix proposals exist only in a live sample.
 */
export interface LiveState {
  snapshot: Snapshot;
  alerts: Alert[];
  fixes: FixProposal[];
  /** Start time (epoch ms) of live PIDs that the report names (orphans, zombie parents), where it could be read. */
  processStarts: Record<number, number>;
  /**
   * The running engine's leak verdicts for every series its detector watches
   * (the window's trends). Absent for a one-shot sample, which has no detector
   * history: the report then takes the verdicts the engine recorded.
   */
  trends?: LeakTrend[];
}

/** Where a report's leak verdicts come from. */
export interface VerdictSource {
  /** 'live': the running engine's, at `at`; 'recorded': the latest the engine wrote to history, at `at`; 'none': no engine verdict in reach. */
  kind: 'live' | 'recorded' | 'none';
  at: number | null;
}

export interface ReportInputs {
  /** When the report was made (epoch ms); "now" for every relative statement. */
  generatedAt: number;
  sinceMs: number;
  untilMs: number;
  /** IANA zone every time is printed in. */
  timeZone: string;
  settings: Settings;
  /** Every recorded series with samples in the period, by name, points ascending in time. */
  series: Record<string, HistorySeries>;
  events: HistoryEvent[];
  /** The live engine's verdict per series (see `verdicts` for where they come from); the window shows the same. */
  trends: Record<string, LeakTrend>;
  verdicts: VerdictSource;
  /** Leaks the engine recorded as ended inside the period: series → when. */
  endedLeaks: Record<string, number>;
  /** Alert transitions the engine recorded inside the period, as the surfaces received them. */
  alertEvents: AlertTransitionRecord[];
  /** Recorded series in the period of the kinds the live detector watches. */
  watched: string[];
  live: LiveState | null;
  /** Headroom version, for the method section. */
  version?: string;
}

// ─── The document: sections of blocks, rendered to Markdown or HTML ──────────

/** Inline text may use `code` spans and **bold**; renderers translate only those two. */
export type Block =
  | { kind: 'p'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; head: string[]; rows: string[][]; align?: ('l' | 'r')[] }
  | { kind: 'code'; text: string }
  | { kind: 'chart'; render: () => string; caption: string }
  | { kind: 'h3'; text: string };

export interface ReportSection {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  sections: ReportSection[];
}
