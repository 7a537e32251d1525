/**
 * What a report is built from and what it is made of. The builder is pure over
 * `ReportInputs`: everything it states comes from these fields, so every figure
 * in a report traces back to a history series, a history event, the
 * detector's replay of a series, or the live sample taken when it was made.
 */

import type { HistoryQuery, HistorySeries } from '../../../shared/contract.ts';
import type { Alert, FixProposal, LeakTrend, Snapshot } from '../../../shared/model.ts';
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

/** The part of the leak detector a report drives: the live LeakDetector satisfies it. */
export interface TrendDetector {
  push(series: string, t: number, value: number, limit: number | null): void;
  trends(): LeakTrend[];
  /** The series' process or container restarted: old evidence no longer applies. */
  newSegment?(series: string, t: number): void;
  /** The series is no longer watched. */
  forget?(series: string, t?: number): void;
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
  /** The detector's verdict per replayed series, from replaying that series' history through it. */
  trends: Record<string, LeakTrend>;
  /** Series that were replayed through the detector (with or without a verdict). */
  replayed: string[];
  /** Replayed series the detector had forgotten by the end (not fed for ten minutes). */
  forgotten: string[];
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
