/**
 * The desktop app once Electron is ready: each concern's setupX() in order,
 * and their teardown on quit. index.ts calls this; the glue's tests call it
 * too, under plain Node against an electron double (tests/main/), with their
 * own Headroom and platform.
 *
 *   engine         createHeadroom(): settings, history, detector, Docker, fixes
 *   settings       pause/resume, changes pushed into the engine
 *   ipc            the typed API for the window
 *   notifications  alert transitions → native notifications (a button's fix runs in engine/notify)
 *   machines       the boxes in settings.machines, followed over SSH (engine/remote/), notifying by name
 *   tray           icon, tooltip and glance menu, with a section per box
 *   metrics        the optional loopback /metrics exporter (HEADROOM_METRICS_PORT)
 *   windows        the Headroom window (opened unless started at login)
 */

import { createHeadroom, type Headroom } from './engine/create.ts';
import { startDesktopExporter } from './engine/metrics/desktop-exporter.ts';
import { followMachines } from './engine/remote/follow.ts';
import { setupIpc } from './ipc.ts';
import { iconPath, type Lifecycle } from './lifecycle.ts';
import { setupNotifications } from './notifications.ts';
import { setupSettings } from './settings.ts';
import { setupTray } from './tray.ts';
import { showAlert } from './windows.ts';

export interface AppOptions {
  /** Default: createHeadroom({ history: true }) on the default data folder. */
  headroom?: Headroom;
  /** Default: process.platform. */
  platform?: NodeJS.Platform;
}

/** Starts everything after app ready; `lifecycle.onShutdown` takes it down again. Returns the Headroom it runs. */
export function startApp(lifecycle: Lifecycle, opts: AppOptions = {}): Headroom {
  const headroom = opts.headroom ?? createHeadroom({ history: true });
  const platform = opts.platform ?? process.platform;
  const settings = setupSettings(headroom);
  const notifications = setupNotifications(headroom, { openAlert: showAlert, platform, iconPath: iconPath() });
  const followed = followMachines(headroom, notifications.notifier);
  // The window reaches the followed boxes through the same handler table (machines:list, machine:invoke).
  const ipc = setupIpc(headroom, followed.machines);
  const tray = setupTray({ headroom, settings, lifecycle, notifier: notifications.notifier, openWindow: showAlert, platform, machines: followed.machines });
  const exporter = startDesktopExporter(headroom);
  lifecycle.onShutdown(async () => {
    await (await exporter)?.close();
    tray.dispose();
    await followed.close();
    notifications.dispose();
    ipc.dispose();
    settings.dispose();
    await headroom.close();
  });
  headroom.engine.start();
  if (!lifecycle.startHidden()) showAlert(null);
  return headroom;
}
