/**
 * The headless notifier: node-notifier, which shells out to the platform's own
 * tool (notify-send on Linux and the BSDs, its bundled terminal-notifier on
 * macOS, SnoreToast on Windows). No helper daemon of ours is needed
 * (earlyoom #183); on Linux any freedesktop notification server shows them.
 *
 * Clicks and action buttons need a long-lived process holding the notification
 * open, which notify-send is not; the headless modes show the fix in the body
 * instead, and the web UI carries the buttons.
 */

import nodeNotifier from 'node-notifier';
import type { HeadroomNotification, Notifier } from './notifier.ts';

/** How long a non-critical notification stays up, in seconds; critical ones stay until dismissed (0 = never expire). */
export const NOTIFICATION_TIMEOUT_S = 10;

export interface NodeNotifierOptions {
  appName?: string;
  /** Absolute path to a PNG shown with the notification. */
  iconPath?: string;
}

/** A Notifier on node-notifier, for `headroom watch` and `headroom serve`. */
export function createNodeNotifier(opts: NodeNotifierOptions = {}): Notifier {
  const appName = opts.appName ?? 'Headroom';
  const name = process.platform === 'linux' || /BSD$/i.test(process.platform) ? 'notify-send' : 'node-notifier';
  return {
    name,
    notify(n: HeadroomNotification): Promise<void> {
      const options = {
        title: n.title,
        message: n.body || ' ',
        // notify-send
        'app-name': appName,
        urgency: n.urgency,
        // node-notifier takes seconds and hands notify-send milliseconds.
        time: n.urgency === 'critical' ? 0 : NOTIFICATION_TIMEOUT_S,
        category: 'device',
        ...(opts.iconPath ? { icon: opts.iconPath } : {}),
        // macOS / Windows
        sound: !n.silent,
        silent: n.silent,
        appID: appName,
        wait: false,
      };
      return new Promise<void>((resolve, reject) => {
        try {
          nodeNotifier.notify(options as Parameters<typeof nodeNotifier.notify>[0], (err: unknown) => {
            // node-notifier passes the tool's stderr (a string, often empty) as the "error" of a run that worked.
            if (err instanceof Error) reject(new Error(`${name}: ${toolReason(err.message)}`));
            else resolve();
          });
        } catch (err) {
          reject(err as Error);
        }
      });
    },
  };
}

/**
 * The tool's own words, without node-notifier's "Command failed: <the whole
 * command line>" first line, so the same failure reads the same for every
 * notification (and the log can say it once).
 */
export function toolReason(message: string): string {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const rest = lines[0]?.startsWith('Command failed:') ? lines.slice(1) : lines;
  return (rest.join(' ') || 'the notification tool failed').slice(0, 300);
}
