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

/**
 * Rules whose alerts have fixes of their own, linked by a typed field (the
 * zombies' parent PID, the orphan's group): a group-wide fix (stop the excess
 * instances, stop the largest process) is not offered under them, where it
 * would read as the remedy for a zombie or an orphan.
 */
const OWN_FIX_RULES: ReadonlySet<string> = new Set(['zombies', 'orphans']);

/** Firing alerts about one application group: its culprit, or a series of that group in the id. */
export function alertsAboutGroup(alerts: readonly Alert[], group: string): string[] {
  const inId = `process.group.${group}.`;
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a) || OWN_FIX_RULES.has(a.rule)) continue;
    if (a.culprit === group || a.id.includes(inId) || a.id.endsWith(`:${group}`)) out.push(a.id);
  }
  return out;
}

/** The alert rules that fixes are linked by (see detect/rules.ts). */
export type LinkedRule = 'zombies' | 'orphans';

/**
 * Firing alerts of one rule, optionally narrowed to culprits. Matched on the
 * rule, never on the id's text: a group named "zombie-hunter" or
 * "server-memory" must not read as a zombie or a memory alert.
 */
export function alertsOfKind(alerts: readonly Alert[], rule: LinkedRule, culprits?: readonly string[]): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a) || a.rule !== rule) continue;
    if (culprits && a.culprit !== null && culprits.length > 0 && !culprits.includes(a.culprit)) continue;
    out.push(a.id);
  }
  return out;
}

/**
 * Firing zombie alerts about one parent. By the parent's PID, a typed field:
 * two parents share a name ("python3") far more often than a PID.
 */
export function zombieAlertsOfParent(alerts: readonly Alert[], ppid: number): string[] {
  const out: string[] = [];
  for (const a of alerts) if (isActive(a) && a.rule === 'zombies' && a.culpritPid === ppid) out.push(a.id);
  return out;
}

/** Rules about the whole machine's memory. */
const MACHINE_RULES: ReadonlySet<string> = new Set(['mem.used', 'swap.pressure']);
/** Leak alerts on these series are about the machine, not one group or container (detect/series.ts). */
const MACHINE_LEAK_IDS: ReadonlySet<string> = new Set(['leak:system.mem.used', 'leak:system.swap.used']);

/**
 * Firing alerts about the whole machine's memory (used memory, swap pressure,
 * a system-level leak), which any fix that frees memory helps with. By rule
 * and exact id only, for the reason given on alertsOfKind.
 */
export function machineMemoryAlerts(alerts: readonly Alert[]): string[] {
  const out: string[] = [];
  for (const a of alerts) {
    if (!isActive(a)) continue;
    if (MACHINE_RULES.has(a.rule) || (a.rule === 'leak' && MACHINE_LEAK_IDS.has(a.id))) out.push(a.id);
  }
  return out;
}

/** The rules that may justify stopping a group's largest process. */
const STOP_LARGEST_RULES: ReadonlySet<string> = new Set(['leak', 'group.instances', 'mem.used', 'swap.pressure']);

/** Firing alerts about one group that may justify stopping its largest process (leaks, instance counts, memory). */
export function culpritGroups(alerts: readonly Alert[], groupNames: ReadonlySet<string>): Map<string, Alert> {
  const out = new Map<string, Alert>();
  for (const a of alerts) {
    if (!isActive(a) || !STOP_LARGEST_RULES.has(a.rule)) continue;
    let g: string | null = a.culprit !== null && groupNames.has(a.culprit) ? a.culprit : null;
    if (g === null) {
      const m = /process\.group\.(.+)\.(?:rss|fds|threads|count|cpu)$/.exec(a.id);
      if (m && groupNames.has(m[1])) g = m[1];
    }
    if (g !== null && !out.has(g)) out.set(g, a);
  }
  return out;
}
