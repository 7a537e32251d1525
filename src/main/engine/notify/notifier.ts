/**
 * The one notifier interface. The desktop app implements it with Electron's
 * `Notification` (src/main/notifications.ts), the headless modes with
 * node-notifier (./node-notifier.ts: notify-send on Linux, Notification Center
 * on macOS, toasts on Windows). What to say and when is decided once, in
 * ./policy.ts, for both.
 */

export type NotificationUrgency = 'low' | 'normal' | 'critical';

export interface HeadroomNotification {
  /** Stable per subject (an alert id, "settings"): lets a platform replace rather than stack. */
  tag: string;
  /** Names the culprit: "claude ×16 — 5.4 GB, +1.2 GB/h, memory full in ~2 h 40 min". */
  title: string;
  /** What is going on and what to do. */
  body: string;
  urgency: NotificationUrgency;
  /** No sound (the "resolved" notice, fix results). */
  silent: boolean;
  /** The alert it is about: clicking opens the window on it. */
  alertId: string | null;
  /** The followed box the alert is on (its name starts the title); absent for this machine's own alerts. */
  machine?: string;
  /**
   * The top fix, offered as an action button where the platform has one
   * (notify-send ≥ 0.7.9 on Linux, Electron on macOS). The label says exactly
   * what will happen: invoking it is the confirmation.
   */
  action: { label: string; fixId: string } | null;
}

/** What the user did with a notification, reported back by notifiers that can tell. */
export interface NotificationEvents {
  /** The action button was invoked: run this fix (through the same re-check path as the tray). */
  action(fixId: string): void;
  /** The notification failed after it was handed over (a waiting notify-send that exited with an error). */
  failed?(err: Error): void;
}

export interface Notifier {
  /** For the log: "electron", "notify-send"… */
  readonly name: string;
  /**
   * Hands the notification to the platform; rejects with the platform's reason
   * when it cannot. `events` hears of an action invoked later, where the
   * platform reports one.
   */
  notify(n: HeadroomNotification, events?: NotificationEvents): Promise<void>;
  /** Lets go of anything still waiting for the user (notify-send children). */
  dispose?(): void;
}
