/**
 * The headless notifier: node-notifier, which shells out to the platform's own
 * tool (notify-send on Linux and the BSDs, its bundled terminal-notifier on
 * macOS, SnoreToast on Windows). No helper daemon of ours is needed
 * (earlyoom #183); on Linux any freedesktop notification server shows them.
 *
 * On Linux a notification that carries a fix gets a real action button:
 * `notify-send --action`, held open by a bounded waiting child
 * (./notify-send-action.ts); invoking it runs the fix. Elsewhere the body
 * names the fix and the window carries the button.
 *
 * On Linux and the BSDs notify-send is run directly, with an argument vector:
 * node-notifier builds a shell command line there (`child_process.exec`), and
 * our titles carry process-derived names ("claude; rm -rf /" is a valid
 * argv[0]). Nothing in Headroom hands process-provided text to a shell.
 */

import { execFile } from 'node:child_process';
import nodeNotifier from 'node-notifier';
import type { HeadroomNotification, NotificationEvents, Notifier } from './notifier.ts';
import { FIX_ACTION, createActionWaiter, waitLimitMs } from './notify-send-action.ts';

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
  if (name === 'notify-send') {
    const waiter = createActionWaiter();
    return {
      name,
      notify(n: HeadroomNotification, events?: NotificationEvents): Promise<void> {
        const args = notifySendArgs(n, appName, opts.iconPath, events !== undefined);
        const action = n.action;
        if (action === null || events === undefined) return notifySend(args);
        return waiter.show(
          args,
          waitLimitMs(expireMs(n)),
          () => events.action(action.fixId),
          (err) => events.failed?.(err),
        );
      },
      dispose: () => waiter.dispose(),
    };
  }
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
 * notify-send's argument vector for one notification. Pure. The title and
 * body come after `--`, so a name that starts with "-" is text, not an option.
 */
export function notifySendArgs(n: HeadroomNotification, appName: string, iconPath?: string, withAction = false): string[] {
  return [
    `--app-name=${appName}`,
    `--urgency=${n.urgency}`,
    // Milliseconds; 0 = stays until dismissed.
    `--expire-time=${expireMs(n)}`,
    '--category=device',
    ...(iconPath ? [`--icon=${iconPath}`] : []),
    // The label is one argv element (never shell text); notify-send prints FIX_ACTION when it is invoked.
    ...(withAction && n.action ? [`--action=${FIX_ACTION}=${n.action.label}`] : []),
    '--',
    n.title,
    n.body || ' ',
  ];
}

/** How long a notification stays up, in ms; 0 = until dismissed (critical ones). */
function expireMs(n: HeadroomNotification): number {
  return n.urgency === 'critical' ? 0 : NOTIFICATION_TIMEOUT_S * 1000;
}

function notifySend(args: string[]): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    execFile('notify-send', args, { timeout: 10_000, windowsHide: true }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'notify-send is not installed (Debian: libnotify-bin)' : toolReason(err.message.includes(stderr) ? err.message : `${err.message}\n${stderr}`);
      reject(new Error(`notify-send: ${reason}`));
    });
  });
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
