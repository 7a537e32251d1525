/**
 * Connects a running Headroom to a Notifier: alert transitions go through the
 * notification policy, and what it decides is sent. One call for every mode:
 * `headroom watch`, `headroom serve` (node-notifier) and the desktop app
 * (Electron notifications).
 */

import type { Alert } from '../../../shared/model.ts';
import type { Engine } from '../engine.ts';
import type { SettingsStore } from '../settings/store.ts';
import type { HeadroomNotification, Notifier } from './notifier.ts';
import { NotificationPolicy, settingsNoticeNotification } from './policy.ts';

/** What notifications need from a Headroom (createHeadroom's result fits). */
export interface NotifiableHeadroom {
  engine: Pick<Engine, 'on' | 'off' | 'fixes'>;
  settings: Pick<SettingsStore, 'get' | 'notice'>;
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
  const send = (n: HeadroomNotification) => {
    headroom.log(`notify: ${n.title}`);
    notifier.notify(n).catch((err: Error) => {
      if (reported.has(err.message)) return;
      reported.add(err.message);
      headroom.log(`notify: ${notifier.name} could not show a notification: ${err.message}`);
    });
  };
  const onTransitions = (transitions: Alert[]) => {
    try {
      const out = policy.decide(transitions, { now: now(), settings: headroom.settings.get(), fixes: headroom.engine.fixes() });
      for (const n of out) send(n);
    } catch (err) {
      headroom.log(`notify: policy failed: ${(err as Error).message}`);
    }
  };
  headroom.engine.on('transitions', onTransitions);
  if (opts.announceSettingsNotice !== false && headroom.settings.notice) send(settingsNoticeNotification(headroom.settings.notice));
  return () => {
    headroom.engine.off('transitions', onTransitions);
  };
}
