/**
 * What the live engine decided, written to history as events, so that a report
 * made later — by another process, after a restart — states the engine's own
 * verdicts instead of a second analysis that can disagree with the window:
 *
 * - `leak.start` / `leak.update` / `leak.end`: a series' leak verdict with its
 *   figures (rate, 90% interval, level, limit, ETA), when it changes, and every
 *   UPDATE_EVERY_MS while it lasts, so the latest figures are never far back;
 * - `alert.fired` / `alert.escalated` / `alert.resolved`: each alert
 *   transition as every surface received it, with the fixes linked to it.
 *
 * Only changes are written (a few events an hour on a calm machine), never a
 * row per tick. ./read.ts reads them back; the event kinds are its contract.
 */

import type { Alert, FixProposal, LeakTrend } from '../../../shared/model.ts';

/** While a leak lasts, its figures are written again this often. */
export const UPDATE_EVERY_MS = 10 * 60 * 1000;

/** The history sink's event half. */
export interface EventSink {
  recordEvent(t: number, kind: string, detail?: string): void;
}

export type LeakEventKind = 'leak.start' | 'leak.update' | 'leak.end';
export type AlertEventKind = 'alert.fired' | 'alert.escalated' | 'alert.resolved';

/** The recorded figures of a trend: everything the report prints about it. */
export type RecordedTrend = Pick<
  LeakTrend,
  'series' | 'leaking' | 'slopePerHour' | 'slopeLowPerHour' | 'slopeHighPerHour' | 'strength' | 'level' | 'limit' | 'etaSeconds' | 'segmentStart' | 'growthStopped'
>;

/**
 * The recorded part of an alert transition. `fixTitles` are the linked fixes'
 * titles as offered then (same order as fixIds): once the alert has resolved
 * its proposals are gone, and a report made later would otherwise name its
 * fixes only by id.
 */
export type RecordedAlert = Pick<Alert, 'id' | 'rule' | 'severity' | 'state' | 'title' | 'culprit' | 'since' | 'resolvedAt' | 'fixIds'> & { fixTitles?: string[] };

export class DecisionRecorder {
  /** Series recorded as leaking: when they were last written, and the call that last saw them (no Set per tick). */
  private readonly leaking = new Map<string, { writtenAt: number; seen: number }>();
  private calls = 0;
  /** Alerts recorded as firing, with the severity recorded (to tell an escalation). */
  private readonly firing = new Map<string, Alert['severity']>();

  constructor(private readonly sink: EventSink) {}

  /**
   * What a previous run left standing and this run resumed: those alerts are
   * not recorded as fired again, and their resolution is recorded.
   */
  resume(alerts: readonly Alert[]): void {
    for (const a of alerts) if (a.state === 'firing') this.firing.set(a.id, a.severity);
  }

  /** Records the leak verdicts that changed since the last call (and refreshes long-lasting ones). Runs every tick. */
  trends(t: number, trends: readonly LeakTrend[]): void {
    const call = ++this.calls;
    for (const tr of trends) {
      if (!tr.leaking) continue;
      const st = this.leaking.get(tr.series);
      if (st === undefined) {
        this.write(t, 'leak.start', tr);
        this.leaking.set(tr.series, { writtenAt: t, seen: call });
        continue;
      }
      st.seen = call;
      if (t - st.writtenAt >= UPDATE_EVERY_MS) {
        this.write(t, 'leak.update', tr);
        st.writtenAt = t;
      }
    }
    for (const [series, st] of this.leaking) {
      if (st.seen === call) continue;
      this.leaking.delete(series);
      const tr = trends.find((x) => x.series === series);
      // A series no longer reported at all (its group went away) ends as well, with no figures.
      this.sink.recordEvent(t, 'leak.end', JSON.stringify(tr ? pickTrend(tr) : { series, leaking: false }));
    }
  }

  /** Writes the current figures of every leak now (an engine stopping), so a report made later starts from them. */
  flush(t: number, trends: readonly LeakTrend[]): void {
    for (const tr of trends) {
      const st = this.leaking.get(tr.series);
      if (!tr.leaking || st === undefined || st.writtenAt === t) continue;
      this.write(t, 'leak.update', tr);
      st.writtenAt = t;
    }
  }

  /** Records alert transitions as the surfaces received them (with their fix links, and those fixes' titles from `fixes`). */
  transitions(t: number, alerts: readonly Alert[], fixes: readonly FixProposal[] = []): void {
    for (const a of alerts) {
      let kind: AlertEventKind;
      if (a.state === 'resolved') {
        if (!this.firing.delete(a.id)) continue;
        kind = 'alert.resolved';
      } else {
        kind = this.firing.has(a.id) ? 'alert.escalated' : 'alert.fired';
        this.firing.set(a.id, a.severity);
      }
      const rec: RecordedAlert = { id: a.id, rule: a.rule, severity: a.severity, state: a.state, title: a.title, culprit: a.culprit, since: a.since, resolvedAt: a.resolvedAt, fixIds: a.fixIds };
      if (a.fixIds.length > 0) rec.fixTitles = a.fixIds.map((id) => fixes.find((f) => f.id === id)?.title ?? '');
      this.sink.recordEvent(t, kind, JSON.stringify(rec));
    }
  }

  private write(t: number, kind: LeakEventKind, tr: LeakTrend): void {
    this.sink.recordEvent(t, kind, JSON.stringify(pickTrend(tr)));
  }
}

function pickTrend(tr: LeakTrend): RecordedTrend {
  const out: RecordedTrend = {
    series: tr.series,
    leaking: tr.leaking,
    slopePerHour: tr.slopePerHour,
    slopeLowPerHour: tr.slopeLowPerHour,
    slopeHighPerHour: tr.slopeHighPerHour,
    strength: tr.strength,
    level: tr.level,
    limit: tr.limit,
    etaSeconds: tr.etaSeconds,
    segmentStart: tr.segmentStart,
  };
  if (tr.growthStopped) out.growthStopped = true;
  return out;
}
