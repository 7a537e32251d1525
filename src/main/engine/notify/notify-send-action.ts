/**
 * notify-send with an action button, for the headless modes on Linux.
 *
 * `notify-send --action=NAME=Label` (libnotify ≥ 0.7.9) keeps running until the
 * notification is closed, and prints NAME when the user invokes the action. So
 * each notification with a fix holds one child process while it is on screen.
 * The children are bounded twice, so a desk full of unread notifications can
 * never pile up processes: at most MAX_WAITING at once (a new one ends the
 * oldest), and each lives no longer than its notification can (the expiry plus
 * a margin; a critical one, which stays until dismissed, WAIT_CRITICAL_MS).
 * Ending a child does not take the notification off the screen; its button
 * merely stops doing anything, and the window still offers the fix.
 */

import { spawn, type ChildProcess } from 'node:child_process';

/** Name of the action notify-send prints when the fix button is invoked. */
export const FIX_ACTION = 'fix';
/** Most notify-send children waiting for a click at once. */
export const MAX_WAITING = 8;
/** How long a critical notification (no expiry) keeps its button working. */
export const WAIT_CRITICAL_MS = 30 * 60 * 1000;
/** Beyond a normal notification's own expiry, in case the server does not report it closed. */
const EXPIRY_MARGIN_MS = 30_000;
/** notify-send prints a short action name; anything longer is not ours. */
const MAX_STDOUT = 256;

export interface ActionWaiter {
  /**
   * Runs notify-send with `args` (which must include `--action=fix=…`) and
   * resolves once it has started. `onAction` runs when the user invokes the
   * action; `onFailed` when notify-send exits with an error later.
   */
  show(args: string[], lifetimeMs: number, onAction: () => void, onFailed: (err: Error) => void): Promise<void>;
  /** How many children are waiting now. */
  waiting(): number;
  /** Ends every waiting child. */
  dispose(): void;
}

/** The lifetime of a child for a notification that expires after `expireMs` (0: never). */
export function waitLimitMs(expireMs: number): number {
  return expireMs > 0 ? expireMs + EXPIRY_MARGIN_MS : WAIT_CRITICAL_MS;
}

export function createActionWaiter(command = 'notify-send'): ActionWaiter {
  // Oldest first: a Set iterates in insertion order.
  const live = new Set<ChildProcess>();

  function end(child: ChildProcess): void {
    live.delete(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  return {
    show(args, lifetimeMs, onAction, onFailed) {
      while (live.size >= MAX_WAITING) end(live.values().next().value as ChildProcess);
      return new Promise<void>((resolve, reject) => {
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
        let out = '';
        let err = '';
        let started = false;
        let endedByUs = false;
        child.stdout?.setEncoding('utf8');
        child.stderr?.setEncoding('utf8');
        child.stdout?.on('data', (d: string) => {
          if (out.length < MAX_STDOUT) out += d.slice(0, MAX_STDOUT - out.length);
        });
        child.stderr?.on('data', (d: string) => {
          if (err.length < 1000) err += d.slice(0, 1000 - err.length);
        });
        const timer = setTimeout(() => {
          endedByUs = true;
          end(child);
        }, lifetimeMs);
        timer.unref();
        child.once('spawn', () => {
          started = true;
          live.add(child);
          // Waiting for a click must not keep `headroom` alive on its own.
          child.unref();
          (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
          (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
          resolve();
        });
        child.once('error', (e: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          live.delete(child);
          const reason = e.code === 'ENOENT' ? `${command} is not installed (Debian: libnotify-bin)` : e.message;
          if (!started) reject(new Error(`${command}: ${reason}`));
          else onFailed(new Error(`${command}: ${reason}`));
        });
        child.once('close', (code, signal) => {
          clearTimeout(timer);
          live.delete(child);
          if (out.split('\n').some((line) => line.trim() === FIX_ACTION)) onAction();
          else if (code !== 0 && code !== null && !endedByUs && signal === null) {
            onFailed(new Error(`${command}: ${(err.trim() || `exited with code ${code}`).slice(0, 300)}`));
          }
        });
      });
    },
    waiting: () => live.size,
    dispose() {
      for (const c of [...live]) end(c);
    },
  };
}
