/**
 * Notifications in the desktop app: Electron's `Notification` behind the same
 * Notifier interface the headless modes use, attached to the engine through the
 * same policy (engine/notify). Clicking one opens the window on its alert, where
 * the alert's fixes are listed under it.
 *
 * On macOS the top fix is also an action button. Pressing it is reported to
 * `events.action`, which runs the fix at once by proposal id through the same
 * re-check as the tray and announces the result in a second notification
 * (engine/notify/attach.ts): the label says exactly what will happen, so the
 * press is the confirmation. Electron's notifications on Linux and Windows
 * have no buttons; there the click on the notification is the way in.
 */

import { Notification, nativeImage, type NativeImage } from 'electron';
import type { Headroom } from './engine/create.ts';
import { attachNotifications } from './engine/notify/attach.ts';
import type { HeadroomNotification, NotificationEvents, Notifier } from './engine/notify/notifier.ts';

export interface NotificationDeps {
  /** Opens the window, on an alert when one is given (a followed box's alert: on that box). */
  openAlert(alertId: string | null, machine?: string): void;
  /** Only macOS shows action buttons; a parameter so both behaviours can be exercised anywhere. */
  platform: NodeJS.Platform;
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
    async notify(n: HeadroomNotification, events?: NotificationEvents): Promise<void> {
      if (!Notification.isSupported()) throw new Error('this desktop does not support notifications');
      // A button only where Electron draws one, and only when someone will run what it offers.
      const action = deps.platform === 'darwin' && events ? n.action : null;
      const note = new Notification({
        title: n.title,
        body: n.body,
        silent: n.silent,
        urgency: n.urgency,
        timeoutType: n.urgency === 'critical' ? 'never' : 'default',
        actions: action ? [{ type: 'button', text: action.label }] : [],
        ...(icon ? { icon } : {}),
      });
      live.add(note);
      note.on('click', () => deps.openAlert(n.alertId, n.machine));
      if (action && events) note.on('action', () => events.action(action.fixId));
      note.on('close', () => live.delete(note));
      note.on('failed', (_event, error) => {
        live.delete(note);
        events?.failed?.(new Error(error));
      });
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
