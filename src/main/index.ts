/**
 * The Electron entry point (bundled to dist/electron/main.cjs): one instance
 * only, then, once Electron is ready, the app (app.ts: each concern's setupX()
 * in order).
 */

import { app } from 'electron';
import { startApp } from './app.ts';
import { setupLifecycle } from './lifecycle.ts';
import { showAlert } from './windows.ts';

const log = (line: string) => process.stderr.write(`${line}\n`);

const lifecycle = setupLifecycle({ onSecondInstance: () => showAlert(null), log });
if (lifecycle) {
  app.whenReady().then(
    () => startApp(lifecycle),
    (err: Error) => {
      log(`headroom: could not start: ${err.message}`);
      app.exit(1);
    },
  );
}
