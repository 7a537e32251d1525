// `npm start`: opens the tray app where Electron can run; otherwise says why
// and runs the engine headless (the web mode when it is built, else the live
// terminal view). Extra arguments go to the headless command.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSetup, root } from './setup.mjs';

ensureSetup();

/** The Electron binary's path, or the reason there is none. Asked in a child: electron's index.js tries a download. */
function electronBinary() {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120000,
  });
  if (r.status === 0 && r.stdout && existsSync(r.stdout)) return { path: r.stdout };
  const lines = `${r.stderr ?? ''}`.split('\n').filter((l) => /Error|error|failed/.test(l));
  return { reason: lines.at(-1)?.trim() || 'the Electron binary is not installed' };
}

const headlessOnly = process.env.HEADROOM_HEADLESS === '1' || process.argv.includes('--headless');
const electron = headlessOnly ? { reason: 'headless mode was requested' } : electronBinary();
const args = process.argv.slice(2).filter((a) => a !== '--headless');

let child;
if (electron.path) {
  child = spawn(electron.path, [root, ...args], { stdio: 'inherit' });
} else {
  const hasWeb = existsSync(join(root, 'dist', 'renderer', 'main.js'));
  const mode = hasWeb ? 'serve' : 'watch';
  process.stderr.write(
    `headroom: the tray app cannot start here — Electron is unavailable (${electron.reason}).\n` +
      `headroom: running the engine headless instead: \`headroom ${mode}\`${hasWeb ? ' (open the printed URL in a browser)' : ''}.\n`,
  );
  child = spawn(process.execPath, [join(root, 'bin', 'headroom.mjs'), mode, ...args], { stdio: 'inherit' });
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
