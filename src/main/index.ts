/**
 * The Electron entry point (bundled to dist/electron/main.cjs). Only a sequence
 * of setupX() calls: each concern lives in its own file.
 *
 *   lifecycle      single instance, hide to tray, start at login, clean quit
 *   engine         createHeadroom(): settings, history, detector, Docker, fixes
 *   settings       pause/resume, changes pushed into the engine
 *   ipc            the typed API for the window
 *   notifications  alert transitions → native notifications
 *   tray           icon, tooltip and glance menu
 *   metrics        the optional loopback /metrics exporter (HEADROOM_METRICS_PORT)
 *   windows        the Headroom window (opened unless started at login)
 */

import { app } from 'electron';
import { createHeadroom } from './engine/create.ts';
import { startDesktopExporter } from './engine/metrics/desktop-exporter.ts';
import { setupIpc } from './ipc.ts';
import { iconPath, setupLifecycle, type Lifecycle } from './lifecycle.ts';
import { setupNotifications } from './notifications.ts';
import { setupSettings } from './settings.ts';
import { setupTray, type TrayHandle } from './tray.ts';
import { showMainWindow } from './windows.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Opens the window, on an alert's page when one is given. */
function openWindow(alertId: string | null): void {
  showMainWindow(alertId ? `alerts/${encodeURIComponent(alertId)}` : undefined);
}

function start(lifecycle: Lifecycle): void {
  const headroom = createHeadroom({ history: true });
  const settings = setupSettings(headroom);
  const ipc = setupIpc(headroom);
  let tray: TrayHandle | null = null;
  const notifications = setupNotifications(headroom, {
    openAlert: openWindow,
    runFix: (fixId) => void tray?.runFix(fixId),
    iconPath: iconPath(),
  });
  tray = setupTray({ headroom, settings, lifecycle, notifier: notifications.notifier, openWindow });
  const exporter = startDesktopExporter(headroom);
  lifecycle.onShutdown(async () => {
    await (await exporter)?.close();
    tray?.dispose();
    notifications.dispose();
    ipc.dispose();
    settings.dispose();
    await headroom.close();
  });
  headroom.engine.start();
  if (!lifecycle.startHidden()) openWindow(null);
}

const lifecycle = setupLifecycle({ onSecondInstance: () => openWindow(null), log });
if (lifecycle) {
  app.whenReady().then(
    () => start(lifecycle),
    (err: Error) => {
      log(`headroom: could not start: ${err.message}`);
      app.exit(1);
    },
  );
}
