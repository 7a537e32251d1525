/**
 * Reads back what ./record.ts wrote: the leak verdicts standing at a moment,
 * the leaks that ended, and the alert transitions of a period. Never throws on
 * what it reads: an event whose detail is not what record.ts writes (an older
 * version's, a damaged row) is passed over.
 */

import type { Alert, LeakTrend } from '../../../shared/model.ts';
import type { AlertEventKind, RecordedAlert, RecordedTrend } from './record.ts';
import { UPDATE_EVERY_MS } from './record.ts';

/** An event as the history store returns it. */
export interface DecisionEvent {
  t: number;
  kind: string;
  detail: string | null;
}

/** One recorded alert transition. */
export interface AlertTransitionRecord {
  t: number;
  kind: AlertEventKind;
  alert: RecordedAlert;
}

export interface RecordedDecisions {
  /** Leak verdicts standing at the end: series → the latest figures recorded for it. */
  leaking: Map<string, LeakTrend>;
  /** Leaks that ended inside the period: series → when. */
  ended: Map<string, number>;
  /** Alert transitions inside the period, in time order. */
  alerts: AlertTransitionRecord[];
  /** The latest decision event read (epoch ms), or null when there was none. */
  lastAt: number | null;
}

/**
 * How far before a period's start to read, so that a leak that started
 * earlier and still stands is found by its latest `leak.update`.
 */
export const LOOKBACK_MS = UPDATE_EVERY_MS + 5 * 60 * 1000;

const ALERT_KINDS: ReadonlySet<string> = new Set(['alert.fired', 'alert.escalated', 'alert.resolved']);

/** The decisions in `events` (read from `sinceMs − LOOKBACK_MS`), standing at `untilMs`. */
export function readDecisions(events: readonly DecisionEvent[], sinceMs: number, untilMs: number): RecordedDecisions {
  const leaking = new Map<string, LeakTrend>();
  const ended = new Map<string, number>();
  const alerts: AlertTransitionRecord[] = [];
  let lastAt: number | null = null;
  const sorted = [...events].filter((e) => e.t <= untilMs).sort((a, b) => a.t - b.t);
  for (const e of sorted) {
    if (e.kind === 'leak.start' || e.kind === 'leak.update') {
      const tr = parseTrend(e.detail);
      if (tr === null) continue;
      leaking.set(tr.series, { ...tr, leaking: true });
      ended.delete(tr.series);
      lastAt = e.t;
    } else if (e.kind === 'leak.end') {
      const series = parseSeries(e.detail);
      if (series === null) continue;
      leaking.delete(series);
      if (e.t >= sinceMs) ended.set(series, e.t);
      lastAt = e.t;
    } else if (ALERT_KINDS.has(e.kind)) {
      const alert = parseAlert(e.detail);
      if (alert === null) continue;
      lastAt = e.t;
      if (e.t >= sinceMs) alerts.push({ t: e.t, kind: e.kind as AlertEventKind, alert });
    }
  }
  return { leaking, ended, alerts, lastAt };
}

function parse(detail: string | null): Record<string, unknown> | null {
  if (detail === null) return null;
  try {
    const v: unknown = JSON.parse(detail);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);
const numOrNull = (v: unknown): v is number | null => v === null || isNum(v);

function parseSeries(detail: string | null): string | null {
  const o = parse(detail);
  return o !== null && typeof o.series === 'string' && o.series !== '' ? o.series : null;
}

function parseTrend(detail: string | null): RecordedTrend | null {
  const o = parse(detail);
  if (o === null || typeof o.series !== 'string') return null;
  // JSON turns ±Infinity (an interval not yet bounded) into null.
  const bound = (v: unknown, inf: number) => (isNum(v) ? v : v === null ? inf : NaN);
  const tr: RecordedTrend = {
    series: o.series,
    leaking: o.leaking === true,
    slopePerHour: isNum(o.slopePerHour) ? o.slopePerHour : NaN,
    slopeLowPerHour: bound(o.slopeLowPerHour, -Infinity),
    slopeHighPerHour: bound(o.slopeHighPerHour, Infinity),
    strength: isNum(o.strength) ? o.strength : NaN,
    level: isNum(o.level) ? o.level : NaN,
    limit: numOrNull(o.limit) ? o.limit : null,
    etaSeconds: numOrNull(o.etaSeconds) ? o.etaSeconds : null,
    segmentStart: isNum(o.segmentStart) ? o.segmentStart : NaN,
  };
  if (o.growthStopped === true) tr.growthStopped = true;
  if ([tr.slopePerHour, tr.slopeLowPerHour, tr.slopeHighPerHour, tr.strength, tr.level, tr.segmentStart].some(Number.isNaN)) return null;
  return tr;
}

function parseAlert(detail: string | null): RecordedAlert | null {
  const o = parse(detail);
  if (o === null || typeof o.id !== 'string' || typeof o.rule !== 'string' || typeof o.title !== 'string') return null;
  const severity = o.severity === 'critical' || o.severity === 'warning' || o.severity === 'info' ? o.severity : null;
  if (severity === null) return null;
  const out: RecordedAlert = {
    id: o.id,
    rule: o.rule,
    severity,
    state: o.state === 'resolved' ? 'resolved' : 'firing',
    title: o.title,
    culprit: typeof o.culprit === 'string' ? o.culprit : null,
    since: isNum(o.since) ? o.since : 0,
    resolvedAt: isNum(o.resolvedAt) ? o.resolvedAt : null,
    fixIds: Array.isArray(o.fixIds) ? o.fixIds.filter((x): x is string => typeof x === 'string') : [],
  } satisfies Omit<Alert, 'detail'> & Pick<Alert, 'state'>;
  // Titles only where they line up with the ids (events written before titles were recorded have none).
  if (Array.isArray(o.fixTitles) && o.fixTitles.length === out.fixIds.length && o.fixTitles.every((x) => typeof x === 'string')) {
    return { ...out, fixTitles: o.fixTitles as string[] };
  }
  return out;
}

/**
 * The alerts the previous engine run left firing: each id's last transition
 * since the latest `engine.start` was `alert.fired` or `alert.escalated`. The
 * engine resumes them at start (rules, recorder), so a restart neither hides
 * a live problem until it is sustained again nor announces it a second time.
 */
export function firingAtLastStop(events: readonly DecisionEvent[]): RecordedAlert[] {
  const firing = new Map<string, RecordedAlert>();
  for (const e of [...events].sort((a, b) => a.t - b.t)) {
    if (e.kind === 'engine.start') firing.clear();
    if (!ALERT_KINDS.has(e.kind)) continue;
    const a = parseAlert(e.detail);
    if (a === null) continue;
    if (e.kind === 'alert.resolved') firing.delete(a.id);
    else firing.set(a.id, { ...a, state: 'firing', resolvedAt: null });
  }
  return [...firing.values()];
}
