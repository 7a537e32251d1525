/**
 * Notifications for followed boxes: the same policy as this machine's alerts
 * (policy.ts: transitions only, pause/snooze/cooldown, de-dup, "resolved"),
 * one policy per box, and every title starts with the box's name — "dev-box:
 * claude ×16 — 5.4 GB …" — because the same culprit on the laptop would be a
 * different process. The action button runs the fix on that box's engine
 * (`fix:run` over its channel), through the box's own re-check and audit log.
 *
 * A box pushes its whole alert list, not transitions; the transitions are the
 * difference from the list it pushed before (kept across a lost connection,
 * so a reconnect does not announce again what was already announced).
 */

import type { Alert, FixProposal, FixResult, Severity } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { HeadroomNotification, NotificationEvents, Notifier } from './notifier.ts';
import { fixResultNotification, NotificationPolicy } from './policy.ts';

/** What remote notifications need from the connection manager (remote/manager.ts fits). */
export interface NotifiableMachines {
  on(event: 'alerts', fn: (name: string, alerts: Alert[]) => void): unknown;
  off(event: 'alerts', fn: (name: string, alerts: Alert[]) => void): unknown;
  view(name: string): { fixes: readonly FixProposal[] } | null;
  invoke(name: string, channel: 'fix:run', arg: { id: string }): Promise<FixResult>;
}

export interface RemoteNotifyOptions {
  /** This machine's settings: pausing alerts in the tray pauses every box's notifications too. */
  settings: () => Settings;
  log: (line: string) => void;
  now?: () => number;
}

/** Prefixes a notification with the box it is about. */
export function onMachine(n: HeadroomNotification, machine: string): HeadroomNotification {
  return { ...n, tag: `${machine}:${n.tag}`, title: `${machine}: ${n.title}`, machine };
}

/** Starts notifying on every followed box's alerts; returns the function that stops it. */
export function attachRemoteNotifications(machines: NotifiableMachines, notifier: Notifier, opts: RemoteNotifyOptions): () => void {
  const now = opts.now ?? Date.now;
  const perBox = new Map<string, { policy: NotificationPolicy; firing: Map<string, Alert> }>();
  const reported = new Set<string>();
  const report = (err: Error) => {
    if (reported.has(err.message)) return;
    reported.add(err.message);
    opts.log(`notify: ${notifier.name} could not show a notification: ${err.message}`);
  };
  const send = (n: HeadroomNotification, machine: string) => {
    opts.log(`notify: ${n.title}`);
    notifier.notify(n, n.action ? actionEvents(n, machine) : undefined).catch(report);
  };
  const actionEvents = (n: HeadroomNotification, machine: string): NotificationEvents => ({
    action(fixId: string) {
      const label = n.action?.label ?? fixId;
      opts.log(`notify: action invoked on ${machine}: ${label} (${fixId})`);
      machines.invoke(machine, 'fix:run', { id: fixId }).then(
        (result) => send(onMachine(fixResultNotification(result, label), machine), machine),
        (err: { message?: string }) => send(onMachine(fixResultNotification({ ok: false, summary: err.message ?? String(err), freedBytes: 0, fixId }, label), machine), machine),
      );
    },
    failed: report,
  });

  const onAlerts = (machine: string, alerts: Alert[]) => {
    let box = perBox.get(machine);
    if (!box) perBox.set(machine, (box = { policy: new NotificationPolicy(), firing: new Map() }));
    const transitions = diff(box.firing, alerts);
    box.firing = new Map(alerts.filter((a) => a.state === 'firing').map((a) => [a.id, a]));
    try {
      const ctx = { now: now(), settings: opts.settings(), fixes: machines.view(machine)?.fixes ?? [], alerts };
      for (const n of box.policy.decide(transitions, ctx)) send(onMachine(n, machine), machine);
    } catch (err) {
      opts.log(`notify: policy failed for ${machine}: ${(err as Error).message}`);
    }
  };
  machines.on('alerts', onAlerts);
  return () => {
    machines.off('alerts', onAlerts);
    notifier.dispose?.();
  };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** Alerts that began firing or escalated since `before`, and those that stopped (as resolved). */
export function diff(before: ReadonlyMap<string, Alert>, alerts: readonly Alert[]): Alert[] {
  const out: Alert[] = [];
  const now = new Set<string>();
  for (const a of alerts) {
    if (a.state !== 'firing') continue;
    now.add(a.id);
    const was = before.get(a.id);
    if (!was || RANK[a.severity] > RANK[was.severity]) out.push(a);
  }
  for (const [id, a] of before) if (!now.has(id)) out.push({ ...a, state: 'resolved' });
  return out;
}
