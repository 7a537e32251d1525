/**
 * Which alerts a fix addresses, so each alert can offer its fixes
 * (alert.fixIds) in notifications, the tray and the window.
 *
 * Alerts name what they are about in `culprit` (a group or container name) and
 * in their id (`leak:process.group.NAME.rss`), and their kind in `rule`. The
 * links are made from those, loosely on purpose: a fix that is offered under a
 * related alert costs nothing, a fix missing under its alert costs a click.
 */

import type { Alert } from '../../../shared/model.ts';

const isActive = (a: Alert) => a.state !== 'resolved';

/** Firing alerts about one application group: its culprit, or a series of that group in the id. */
export function alertsAboutGroup(alerts: readonly Alert[], group: string): string[] {
  const inId = `process.group.${group}.`;
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a)) continue;
    if (a.culprit === group || a.id.includes(inId) || a.id.endsWith(`:${group}`)) out.push(a.id);
  }
  return out;
}

/** Firing alerts whose rule or id mentions a word (e.g. "zombie", "orphan"), optionally narrowed to culprits. */
export function alertsOfKind(alerts: readonly Alert[], word: string, culprits?: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a)) continue;
    if (!a.rule.toLowerCase().includes(word) && !a.id.toLowerCase().includes(word)) continue;
    if (culprits && a.culprit !== null && culprits.length > 0 && !culprits.includes(a.culprit)) continue;
    out.push(a.id);
  }
  return out;
}

/**
 * Firing alerts about the whole machine's memory (used memory, swap pressure,
 * a system-level leak), which any fix that frees memory helps with.
 */
export function machineMemoryAlerts(alerts: readonly Alert[]): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a)) continue;
    const key = `${a.rule} ${a.id}`.toLowerCase();
    const aboutGroupOrContainer = key.includes('process.group.') || key.includes('container');
    if (aboutGroupOrContainer) continue;
    if (/\b(mem|memory|swap|pressure|psi)\b|^mem\.|system\.(mem|swap)|leak:system/.test(key)) out.push(a.id);
  }
  return out;
}

/** Firing alerts about one group that may justify stopping its largest process (leaks, instance counts, memory). */
export function culpritGroups(alerts: readonly Alert[], groupNames: ReadonlySet<string>): Map<string, Alert> {
  const out = new Map<string, Alert>();
  for (const a of alerts) {
    if (!isActive(a)) continue;
    let g: string | null = a.culprit !== null && groupNames.has(a.culprit) ? a.culprit : null;
    if (g === null) {
      const m = /process\.group\.(.+)\.(?:rss|fds|threads|count|cpu)$/.exec(a.id);
      if (m && groupNames.has(m[1])) g = m[1];
    }
    if (g !== null && !out.has(g)) out.set(g, a);
  }
  return out;
}
