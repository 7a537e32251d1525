/**
 * Alerts: what the engine raised in the period, as the window, the tray and
 * the notifications received it — each transition the engine recorded, with
 * the fixes it linked — and what fires at report time with the fixes offered
 * for it. Nothing is judged again here: a report that listed alerts of its
 * own could contradict what the user was shown.
 */

import type { Alert, FixProposal } from '../../../../shared/model.ts';
import { code, type ReportContext } from '../context.ts';
import type { Block, ReportSection } from '../types.ts';

const EVENT_WORD = { 'alert.fired': 'fired', 'alert.escalated': 'escalated', 'alert.resolved': 'resolved' } as const;
/** Rows in the transitions table; the rest are counted. */
const MAX_ROWS = 100;

/**
 * The titles of the fixes linked to an alert: as the live proposals name them now, else as they were
 * offered when the event was recorded (`recorded`, aligned with fixIds), else their ids.
 */
export function fixesText(fixIds: readonly string[], fixes: readonly FixProposal[], recorded: readonly string[] = []): string {
  if (fixIds.length === 0) return 'none';
  return fixIds.map((id, i) => fixes.find((f) => f.id === id)?.title ?? (recorded[i] || code(id))).join('; ');
}

export function alertsSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const { alertEvents, live } = ctx.inputs;
  const fixes = live?.fixes ?? [];

  const firing: Alert[] = live ? live.alerts.filter((a) => a.state === 'firing') : [];
  blocks.push({ kind: 'h3', text: `Firing at report time (${live ? firing.length : 'not sampled'})` });
  if (!live) {
    blocks.push({ kind: 'p', text: 'This report has no live sample, so it cannot say what fires now.' });
  } else if (firing.length === 0) {
    blocks.push({ kind: 'p', text: 'No alert fires.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['Severity', 'Alert', 'Since', 'One-click fixes offered'],
      align: ['l', 'l', 'l', 'l'],
      rows: firing.map((a) => [a.severity, a.title, ctx.time(a.since), fixesText(a.fixIds, fixes)]),
    });
  }

  blocks.push({ kind: 'h3', text: `Raised in this period (${alertEvents.length} transitions)` });
  if (alertEvents.length === 0) {
    blocks.push({ kind: 'p', text: 'The engine recorded no alert transition in this period.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['Time', 'Event', 'Severity', 'Alert', 'Fixes linked then'],
      align: ['l', 'l', 'l', 'l', 'l'],
      rows: alertEvents.slice(-MAX_ROWS).map((e) => [ctx.time(e.t), EVENT_WORD[e.kind], e.alert.severity, e.alert.title, e.kind === 'alert.resolved' ? '—' : fixesText(e.alert.fixIds, fixes, e.alert.fixTitles)]),
    });
    if (alertEvents.length > MAX_ROWS) blocks.push({ kind: 'p', text: `The ${alertEvents.length - MAX_ROWS} earlier transitions are left out.` });
  }
  return { id: 'alerts', title: 'Alerts', blocks };
}
