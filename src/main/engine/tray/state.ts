/**
 * What the tray shows, as one plain object, and the few judgements the icon,
 * the tooltip and the menu share (how full memory is, how worried to look,
 * whether anything is leaking). Pure: no Electron, no I/O, so each view of the
 * tray is a function of this state and is tested on fixtures.
 */

import { machineLive, STUCK_STATES, type MachineStatus } from '../../../shared/machines.ts';
import type { Alert, FixProposal, LeakTrend, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';

export type TrayLevel = 'normal' | 'warning' | 'critical';

export interface TrayState {
  /** The latest sample; null while the first one is being taken. */
  snapshot: Snapshot | null;
  /** Active alerts (resolved ones are ignored). */
  alerts: readonly Alert[];
  trends: readonly LeakTrend[];
  fixes: readonly FixProposal[];
  settings: Settings;
  /** Whether Headroom starts at login; null where this platform or build cannot tell or change it. */
  autostart: boolean | null;
  /** Epoch ms, for the pause countdown. */
  now: number;
  /** True when a report can be made (history is being recorded); otherwise its item is disabled and says why. */
  reportAvailable?: boolean;
  /** A settings problem to surface (the store's notice), or null. */
  notice?: string | null;
  /** Remote boxes followed over SSH (remote/manager.ts views), each with its own section. */
  machines?: readonly TrayMachine[];
}

/** One followed box, as its engine last pushed it. */
export interface TrayMachine {
  status: MachineStatus;
  snapshot: Snapshot | null;
  alerts: readonly Alert[];
  fixes: readonly FixProposal[];
}

/** Used memory as a percent of RAM (0–100), as `free` counts it (total − available). */
export function memoryPercent(s: Snapshot): number {
  const { totalBytes, usedBytes } = s.memory;
  if (!(totalBytes > 0)) return 0;
  return Math.min(100, Math.max(0, (usedBytes / totalBytes) * 100));
}

const RANK: Record<TrayLevel, number> = { normal: 0, warning: 1, critical: 2 };

/**
 * The colour the tray wears: the worse of memory against the user's thresholds
 * and the most severe firing alert (info alerts never colour the icon).
 */
export function trayLevel(state: Pick<TrayState, 'snapshot' | 'alerts' | 'settings' | 'machines'>): TrayLevel {
  let level = localLevel(state);
  for (const m of state.machines ?? []) {
    const l = machineLevel(m, state.settings);
    if (RANK[l] > RANK[level]) level = l;
  }
  return level;
}

/**
 * A box's colour: its memory and firing alerts while connected. A box that
 * needs a person (changed host key, refused login, another version) is amber;
 * one that is merely off or unreachable does not colour the icon, it is said
 * in its section (a laptop must not stay amber because a box is powered down).
 */
export function machineLevel(m: TrayMachine, settings: Settings): TrayLevel {
  if (machineLive(m.status)) return localLevel({ snapshot: m.snapshot, alerts: m.alerts, settings });
  return STUCK_STATES.has(m.status.state) ? 'warning' : 'normal';
}

function localLevel(state: Pick<TrayState, 'snapshot' | 'alerts' | 'settings'>): TrayLevel {
  let level: TrayLevel = 'normal';
  if (state.snapshot) {
    const pct = memoryPercent(state.snapshot);
    if (pct >= state.settings.alerts.memCritPercent) level = 'critical';
    else if (pct >= state.settings.alerts.memWarnPercent) level = 'warning';
  }
  for (const a of state.alerts) {
    if (a.state !== 'firing' || a.severity === 'info') continue;
    if (RANK[a.severity] > RANK[level]) level = a.severity;
  }
  return level;
}

/** True when a leak trend is active: a trend says so, or a leak alert is firing. */
export function leakActive(state: Pick<TrayState, 'alerts' | 'trends' | 'machines'>): boolean {
  const firingLeak = (alerts: readonly Alert[]) => alerts.some((a) => a.state === 'firing' && isLeakAlert(a));
  return state.trends.some((t) => t.leaking) || firingLeak(state.alerts) || (state.machines ?? []).some((m) => machineLive(m.status) && firingLeak(m.alerts));
}

export function isLeakAlert(a: Alert): boolean {
  return a.id.startsWith('leak:') || /leak/i.test(a.rule);
}

/** The leaking trend an alert is about: by its `leak:<series>` id, else by its culprit's group or container series. */
export function trendForAlert(a: Alert, trends: readonly LeakTrend[]): LeakTrend | null {
  const wanted = new Set<string>();
  if (a.id.startsWith('leak:')) wanted.add(a.id.slice(5));
  if (a.culprit) {
    wanted.add(`process.group.${a.culprit}.rss`);
    wanted.add(`container.${a.culprit}.mem`);
  }
  return trends.find((t) => t.leaking && wanted.has(t.series)) ?? null;
}

/** True while the user's "Pause alerts" is in force. */
export function alertsPaused(settings: Settings, now: number): boolean {
  return settings.alerts.pausedUntil > now;
}
