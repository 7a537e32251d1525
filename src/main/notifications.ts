/**
 * Notifications in the desktop app: Electron's `Notification` behind the same
 * Notifier interface the headless modes use, attached to the engine through the
 * same policy (engine/notify). Clicking one opens the window on its alert; on
 * macOS the top fix is offered as an action button.
 */

import { Notification, nativeImage, type NativeImage } from 'electron';
import type { Headroom } from './engine/create.ts';
import { attachNotifications } from './engine/notify/attach.ts';
import type { HeadroomNotification, Notifier } from './engine/notify/notifier.ts';

export interface NotificationDeps {
  /** Opens the window, on an alert when one is given. */
  openAlert(alertId: string | null): void;
  /** Runs a fix by proposal id, asking first when it is destructive (the tray owns that flow). */
  runFix(fixId: string): void;
  /** PNG shown with each notification on Linux and Windows. */
  iconPath?: string;
}

/** A Notifier on Electron's Notification. */
export function createElectronNotifier(deps: NotificationDeps): Notifier {
  // Electron drops a Notification's handlers when the object is garbage-collected;
  // keep each one until it is closed so a late click still opens the window.
  const live = new Set<Notification>();
  let icon: NativeImage | undefined;
  if (deps.iconPath) {
    const img = nativeImage.createFromPath(deps.iconPath);
    if (!img.isEmpty()) icon = img;
  }
  return {
    name: 'electron',
    async notify(n: HeadroomNotification): Promise<void> {
      if (!Notification.isSupported()) throw new Error('this desktop does not support notifications');
      const actions = process.platform === 'darwin' && n.action ? [{ type: 'button' as const, text: n.action.label }] : [];
      const note = new Notification({
        title: n.title,
        body: n.body,
        silent: n.silent,
        urgency: n.urgency,
        timeoutType: n.urgency === 'critical' ? 'never' : 'default',
        actions,
        ...(icon ? { icon } : {}),
      });
      live.add(note);
      note.on('click', () => deps.openAlert(n.alertId));
      if (n.action) {
        const fixId = n.action.fixId;
        note.on('action', () => deps.runFix(fixId));
      }
      note.on('close', () => live.delete(note));
      note.on('failed', () => live.delete(note));
      note.show();
    },
  };
}

export interface NotificationsHandle {
  notifier: Notifier;
  dispose(): void;
}

/** Creates the app's notifier and attaches it to the engine's alert transitions. */
export function setupNotifications(headroom: Headroom, deps: NotificationDeps): NotificationsHandle {
  const notifier = createElectronNotifier(deps);
  const detach = attachNotifications(headroom, notifier);
  return { notifier, dispose: detach };
}
