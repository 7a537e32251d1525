/**
 * The app's life: one instance only (a second launch focuses the first), the
 * window closes to the tray (destroyed, not hidden) instead of quitting, start at login, and a clean
 * quit that stops the engine, closes files and leaves no child process behind.
 */

import { app } from 'electron';
import { join } from 'node:path';
import { strayChildren, stopChildren } from './engine/tray/children.ts';
import { isXdgAutostartEnabled, launchCommand, setXdgAutostart, xdgAutostartDir } from './engine/tray/autostart.ts';

/** Passed by the login item / autostart entry, so a login start goes straight to the tray. */
export const HIDDEN_FLAG = '--hidden';

/** Longest a quit waits for the engine to stop and files to close. */
const SHUTDOWN_TIMEOUT_MS = 5000;

export interface Lifecycle {
  /** True when started at login: stay in the tray, open no window. Ask after app ready. */
  startHidden(): boolean;
  /** Whether Headroom starts at login; null where it cannot be known or changed (a Linux build run from a source tree). */
  getAutostart(): boolean | null;
  setAutostart(enabled: boolean): void;
  /** Quits for real (the tray's Quit). */
  quit(): void;
  /** Runs before the app exits; all hooks get SHUTDOWN_TIMEOUT_MS together. */
  onShutdown(hook: () => void | Promise<void>): void;
}

export interface LifecycleOptions {
  /** Called when a second launch asks this instance to show itself. */
  onSecondInstance(): void;
  log(line: string): void;
}

/**
 * Takes the single-instance lock and installs the lifecycle handlers. Returns
 * null in a second instance, which is already quitting.
 */
export function setupLifecycle(opts: LifecycleOptions): Lifecycle | null {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  app.on('second-instance', () => opts.onSecondInstance());
  // A tray app lives on with no window open.
  app.on('window-all-closed', () => {});
  if (process.platform === 'darwin') app.on('activate', () => opts.onSecondInstance());

  let cleaned = false;
  const hooks: (() => void | Promise<void>)[] = [];

  // Closing the window destroys it, renderer and all (windows.ts): a hidden window kept its renderer's
  // ~100 MB resident for nothing. The tray lives on (window-all-closed above) and reopens a new one.

  app.on('before-quit', (event) => {
    if (cleaned) return;
    event.preventDefault();
    void shutdown().finally(() => {
      cleaned = true;
      app.quit();
    });
  });

  async function shutdown(): Promise<void> {
    const all = Promise.allSettled(hooks.map((h) => Promise.resolve().then(h)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        opts.log('lifecycle: shutdown took too long; quitting anyway');
        resolve();
      }, SHUTDOWN_TIMEOUT_MS);
    });
    await Promise.race([all, timeout]);
    clearTimeout(timer);
    if (process.platform === 'linux') {
      const left = strayChildren(process.pid);
      if (left.length > 0) {
        opts.log(`lifecycle: stopping ${left.length} child process(es) left behind: ${left.map((c) => c.cmdline.slice(0, 60)).join(', ')}`);
        await stopChildren(left, 1500);
      }
    }
  }

  const linuxEntry = () => {
    const cmd = launchCommand({ env: process.env, execPath: process.execPath, packaged: app.isPackaged, appPath: app.getAppPath(), extraArgs: [HIDDEN_FLAG] });
    // A session cannot read an icon inside app.asar: packaged builds name the icon the .deb installs into hicolor.
    const icon = app.isPackaged ? 'headroom' : iconPath();
    return { name: 'Headroom', comment: 'Memory, processes and containers at a glance', exec: cmd.exec, args: cmd.args, icon };
  };

  return {
    startHidden: () => process.argv.includes(HIDDEN_FLAG) || (process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin),
    getAutostart() {
      if (process.platform === 'linux') return isXdgAutostartEnabled(xdgAutostartDir());
      if (process.platform === 'darwin' || process.platform === 'win32') {
        return app.getLoginItemSettings({ args: [HIDDEN_FLAG] }).openAtLogin;
      }
      return null;
    },
    setAutostart(enabled) {
      try {
        if (process.platform === 'linux') setXdgAutostart(enabled, xdgAutostartDir(), linuxEntry());
        // Windows passes `args` to the login start; macOS ignores them and reports wasOpenedAtLogin instead.
        else app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
      } catch (err) {
        opts.log(`lifecycle: could not change start at login: ${(err as Error).message}`);
      }
    },
    quit() {
      app.quit();
    },
    onShutdown(hook) {
      hooks.push(hook);
    },
  };
}

/** The app icon on disk (assets/ is packaged next to the bundle), for autostart entries and notifications. */
export function iconPath(): string {
  return join(app.getAppPath(), 'assets', 'icon.png');
}
