/**
 * Connects a running Headroom to a Notifier: alert transitions go through the
 * notification policy, and what it decides is sent. One call for every mode:
 * `headroom watch`, `headroom serve` (notify-send) and the desktop app
 * (Electron notifications).
 *
 * A notification's action button runs its fix by proposal id through
 * `remedies.run`, the same re-check path as the tray and the window; the
 * result is announced in a second notification, and remedies records the run
 * in the audit log.
 */

import type { Alert } from '../../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { Remedies } from '../remedies/types.ts';
import type { SettingsStore } from '../settings/store.ts';
import type { HeadroomNotification, NotificationEvents, Notifier } from './notifier.ts';
import { NotificationPolicy, fixResultNotification, settingsNoticeNotification } from './policy.ts';

/** What notifications need from a Headroom (createHeadroom's result fits). */
export interface NotifiableHeadroom {
  engine: Pick<Engine, 'on' | 'off' | 'fixes' | 'alerts'>;
  settings: Pick<SettingsStore, 'get' | 'notice'>;
  /** Runs a notification's fix; without it, notifications carry no action. */
  remedies?: Pick<Remedies, 'run'>;
  log: (line: string) => void;
}

export interface AttachOptions {
  now?: () => number;
  /** Also announce a settings file that was reset (default true). */
  announceSettingsNotice?: boolean;
}

/**
 * Starts notifying on `headroom`'s alert transitions through `notifier`.
 * A notifier that fails is logged, never thrown: notifications are a courtesy,
 * the monitor must keep running. Returns the function that stops it.
 */
export function attachNotifications(
  headroom: NotifiableHeadroom,
  notifier: Notifier,
  opts: AttachOptions = {},
): () => void {
  const now = opts.now ?? Date.now;
  const policy = new NotificationPolicy();
  // A box without a notification server fails every time the same way: say so once, not per alert.
  const reported = new Set<string>();
  const report = (err: Error) => {
    if (reported.has(err.message)) return;
    reported.add(err.message);
    headroom.log(`notify: ${notifier.name} could not show a notification: ${err.message}`);
  };
  const send = (n: HeadroomNotification) => {
    headroom.log(`notify: ${n.title}`);
    const events = n.action && headroom.remedies ? actionEvents(n) : undefined;
    notifier.notify(n, events).catch(report);
  };
  /** The button of `n` runs its fix; the outcome, good or bad, is the next notification. */
  const actionEvents = (n: HeadroomNotification): NotificationEvents => ({
    action(fixId: string) {
      const label = n.action?.label ?? fixId;
      headroom.log(`notify: action invoked: ${label} (${fixId})`);
      const remedies = headroom.remedies as Pick<Remedies, 'run'>;
      remedies.run(fixId).then(
        (result) => send(fixResultNotification(result, label)),
        (err: Error) => send(fixResultNotification({ ok: false, summary: err.message, freedBytes: 0, fixId }, label)),
      );
    },
    failed: report,
  });
  const ctx = () => ({ now: now(), settings: headroom.settings.get(), fixes: headroom.engine.fixes(), alerts: headroom.engine.alerts() });
  const decide = (transitions: Alert[]) => {
    try {
      for (const n of policy.decide(transitions, ctx())) send(n);
    } catch (err) {
      headroom.log(`notify: policy failed: ${(err as Error).message}`);
    }
  };
  const onTransitions = (transitions: Alert[]) => decide(transitions);
  // Every tick: alerts held back by a pause, snooze or cooldown are announced once that ends, if they still fire.
  const onAlerts = () => decide([]);
  headroom.engine.on('transitions', onTransitions);
  headroom.engine.on('alerts', onAlerts);
  if (opts.announceSettingsNotice !== false && headroom.settings.notice) send(settingsNoticeNotification(headroom.settings.notice));
  return () => {
    headroom.engine.off('transitions', onTransitions);
    headroom.engine.off('alerts', onAlerts);
    notifier.dispose?.();
  };
}
