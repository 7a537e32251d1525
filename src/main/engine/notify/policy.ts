/**
 * When to notify, and what to say. Users of other monitors leave over floods
 * (Stats #1889, Netdata #9272) and over alerts that do not say who is to blame
 * (Beszel #1463), so:
 *
 * - only a transition to firing notifies; the rules' sustain and hysteresis
 *   already decided that the transition is real (engine/detect);
 * - muting is decided here, and only here — the rules keep listing every
 *   alert that fires, so the window and the tray always show it:
 *   - pause (`alerts.pausedUntil`) and snooze (`alerts.snoozed[id]`) hold an
 *     alert's notification back; if it still fires when they end, it is
 *     announced then;
 *   - cooldown: an alert that resolved and fires again within
 *     `cooldownSeconds` of its last notification waits out the rest of the
 *     cooldown, and is announced then if it still fires (no flood from a
 *     flapping condition, and no silence about one that stays);
 * - a hard de-dup on top: once an alert has been announced, the same
 *   condition never notifies again until it resolves. Only an escalation
 *   (warning → critical) of the same alert is news;
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
  /** The current alert list: held-back alerts that still fire are announced from it once unmuted. */
  alerts?: readonly Alert[];
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export class NotificationPolicy {
  /** Alerts announced and not yet resolved, with the severity announced. */
  private readonly announced = new Map<string, Severity>();
  /** When each alert id was last announced, for the cooldown. */
  private readonly lastAt = new Map<string, number>();
  /** Alerts that fired while muted (paused, snoozed, cooling down): announced when that ends, if still firing. */
  private readonly heldBack = new Set<string>();

  /** The notifications to send for one batch of transitions (possibly none: held-back alerts are re-checked on every call). */
  decide(transitions: readonly Alert[], ctx: PolicyContext): HeadroomNotification[] {
    const out: HeadroomNotification[] = [];
    const paused = ctx.settings.alerts.pausedUntil > ctx.now;
    for (const a of transitions) {
      if (a.state === 'resolved') {
        const was = this.announced.get(a.id);
        this.announced.delete(a.id);
        this.heldBack.delete(a.id);
        if (was === 'critical' && !paused) out.push(resolvedNotification(a));
        continue;
      }
      const n = this.consider(a, ctx);
      if (n) out.push(n);
    }
    if (this.heldBack.size > 0) {
      const firing = new Map((ctx.alerts ?? []).filter((a) => a.state === 'firing').map((a) => [a.id, a]));
      for (const id of [...this.heldBack]) {
        const a = firing.get(id);
        if (a === undefined) {
          this.heldBack.delete(id);
          continue;
        }
        const n = this.consider(a, ctx);
        if (n) out.push(n);
      }
    }
    return out;
  }

  /** Announces a firing alert now, holds it back while muted, or drops it as already announced. */
  private consider(a: Alert, ctx: PolicyContext): HeadroomNotification | null {
    if (a.severity === 'info') return null;
    const was = this.announced.get(a.id);
    const escalation = was !== undefined && RANK[a.severity] > RANK[was];
    if (was !== undefined && !escalation) {
      this.heldBack.delete(a.id);
      return null;
    }
    const last = this.lastAt.get(a.id);
    const coolingDown = !escalation && last !== undefined && ctx.now - last < ctx.settings.alerts.cooldownSeconds * 1000;
    if (ctx.settings.alerts.pausedUntil > ctx.now || (ctx.settings.alerts.snoozed[a.id] ?? 0) > ctx.now || coolingDown) {
      this.heldBack.add(a.id);
      return null;
    }
    this.heldBack.delete(a.id);
    this.announced.set(a.id, a.severity);
    this.lastAt.set(a.id, ctx.now);
    return firingNotification(a, ctx.fixes);
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
    lines.push(`Fix: ${fixLabel(fix)}`);
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
    // No "…": invoking the button is the confirmation, so its label says all that will happen.
    action: fix ? { label: fixLabel(fix), fixId: fix.id } : null,
  };
}

/** "Stop 12 of 16 claude (frees ~4.1 GB)": a fix's title with what it should free. */
export function fixLabel(fix: FixProposal): string {
  return fix.expectedBytes > 0 ? `${fix.title} (frees ~${formatBytes(fix.expectedBytes)})` : fix.title;
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
  const freed = result.freedBytes > 0 && !/\b(freed|back)\b/.test(result.summary) ? `, ${formatBytes(result.freedBytes)} freed` : '';
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
