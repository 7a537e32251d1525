/**
 * The Electron entry point (bundled to dist/electron/main.cjs): one instance
 * only, then, once Electron is ready, the engine of the data directory (it
 * takes the engine lock and opens the local channel that `headroom watch`,
 * `snapshot`, … attach to), then the app (app.ts: each concern's setupX() in
 * order). Another engine on the same data directory (`headroom serve`) is
 * named in an error box, and the app quits: two engines would each write
 * history and raise every alert twice.
 */

import { app, dialog } from 'electron';
import { startApp } from './app.ts';
import { hostEngine } from './engine/channel/host.ts';
import { setupLifecycle } from './lifecycle.ts';
import { showAlert } from './windows.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

const lifecycle = setupLifecycle({ onSecondInstance: () => showAlert(null), log });
if (lifecycle) {
  app
    .whenReady()
    .then(() => hostEngine('desktop', { history: true }))
    .then(
      (headroom) => startApp(lifecycle, { headroom }),
      (err: Error) => {
        log(`headroom: could not start: ${err.message}`);
        dialog.showErrorBox('Headroom could not start', err.message);
        app.exit(1);
      },
    );
}
