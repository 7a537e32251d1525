/**
 * When to notify, and what to say. Users of other monitors leave over floods
 * (Stats #1889, Netdata #9272) and over alerts that do not say who is to blame
 * (Beszel #1463), so:
 *
 * - only a transition to firing notifies; the rules' sustain, hysteresis and
 *   cooldown already decided that the transition is real (engine/detect);
 * - nothing is sent while alerts are paused (`alerts.pausedUntil`) or while
 *   that alert is snoozed (`alerts.snoozed[id]`);
 * - a hard de-dup on top: once an alert has been announced, the same condition
 *   never notifies again until it resolves, whatever the rules emit — a
 *   condition that holds notifies once. Only an escalation (warning → critical)
 *   of the same alert is news, and a re-fire inside the cooldown after a
 *   resolve is still suppressed;
 * - `info` alerts stay in the tray and the window, never in a notification;
 * - a critical alert that had been announced gets one quiet "resolved" notice.
 *
 * Stateful but pure: no timers, no I/O; time comes in with each call.
 */

import type { Alert, FixProposal, Severity } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { HeadroomNotification } from './notifier.ts';

export interface PolicyContext {
  now: number;
  settings: Settings;
  /** Current proposals, to name the top fix of an alert. */
  fixes: readonly FixProposal[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class NotificationPolicy {
  /** Alerts announced and not yet resolved, with the severity announced. */
  private readonly announced = new Map<string, Severity>();
  /** When each alert id was last announced, for the cooldown guard. */
  private readonly lastAt = new Map<string, number>();

  /** The notifications to send for one batch of transitions. */
  decide(transitions: readonly Alert[], ctx: PolicyContext): HeadroomNotification[] {
    const out: HeadroomNotification[] = [];
    const muted = ctx.settings.alerts.pausedUntil > ctx.now;
    for (const a of transitions) {
      if (a.state === 'resolved') {
        const was = this.announced.get(a.id);
        this.announced.delete(a.id);
        if (was === 'critical' && !muted) out.push(resolvedNotification(a));
        continue;
      }
      if (a.severity === 'info') continue;
      const was = this.announced.get(a.id);
      const escalation = was !== undefined && RANK[a.severity] > RANK[was];
      if (was !== undefined && !escalation) continue;
      if (muted || (ctx.settings.alerts.snoozed[a.id] ?? 0) > ctx.now) continue;
      const last = this.lastAt.get(a.id);
      if (!escalation && last !== undefined && ctx.now - last < ctx.settings.alerts.cooldownSeconds * 1000) continue;
      this.announced.set(a.id, a.severity);
      this.lastAt.set(a.id, ctx.now);
      out.push(firingNotification(a, ctx.fixes));
    }
    return out;
  }

  /** Alert ids announced and not yet resolved (for diagnostics and tests). */
  active(): string[] {
    return [...this.announced.keys()];
  }
}

function topFix(a: Alert, fixes: readonly FixProposal[]): FixProposal | null {
  for (const id of a.fixIds) {
    const f = fixes.find((p) => p.id === id);
    if (f) return f;
  }
  return null;
}

/** The notification for an alert that started firing: its title names the culprit, the body says what to do. */
export function firingNotification(a: Alert, fixes: readonly FixProposal[]): HeadroomNotification {
  const fix = topFix(a, fixes);
  const lines: string[] = [];
  if (a.detail) lines.push(a.detail);
  if (fix) {
    const size = fix.expectedBytes > 0 ? ` (frees ~${formatBytes(fix.expectedBytes)})` : '';
    lines.push(`Fix: ${fix.title}${size} — from the Headroom tray menu`);
  } else {
    lines.push('Open Headroom for details');
  }
  return {
    tag: a.id,
    title: a.title,
    body: lines.join('\n'),
    urgency: a.severity === 'critical' ? 'critical' : 'normal',
    silent: false,
    alertId: a.id,
    action: fix ? { label: fix.destructive ? `${fix.title}…` : fix.title, fixId: fix.id } : null,
  };
}

/** The one quiet notice for a critical alert that has cleared. */
export function resolvedNotification(a: Alert): HeadroomNotification {
  return {
    tag: a.id,
    title: `Resolved: ${a.title}`,
    body: a.culprit ? `${a.culprit} is back under the limit.` : 'Back under the limit.',
    urgency: 'low',
    silent: true,
    alertId: a.id,
    action: null,
  };
}

/** Tells the user their settings file was reset (the store's notice), once, at start. */
export function settingsNoticeNotification(notice: string): HeadroomNotification {
  return {
    tag: 'settings',
    title: 'Headroom settings were reset',
    body: notice,
    urgency: 'normal',
    silent: false,
    alertId: null,
    action: null,
  };
}

/** "Stopped 12 processes, 4.1 GB freed": the result of a fix, as a quiet notification. */
export function fixResultNotification(result: { ok: boolean; summary: string; freedBytes: number; fixId: string }, title: string): HeadroomNotification {
  const freed = result.freedBytes > 0 && !result.summary.includes('freed') ? `, ${formatBytes(result.freedBytes)} freed` : '';
  return {
    tag: `fix:${result.fixId}`,
    title: result.ok ? `${result.summary}${freed}` : `Could not finish: ${title}`,
    body: result.ok ? title : result.summary,
    urgency: result.ok ? 'low' : 'normal',
    silent: result.ok,
    alertId: null,
    action: null,
  };
}
