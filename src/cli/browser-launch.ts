/**
 * Opening the web mode's token URL in a browser without showing the token to
 * other users of the machine. Any argument of a process is world-readable in
 * /proc/PID/cmdline (`ps` shows it), and `xdg-open URL` hands the URL on to the
 * browser's argv too. So the opener is given a file instead: a one-time HTML
 * page in the data directory (0700), itself 0600, that redirects to the token
 * URL. Its path carries no secret; only the user can read what is in it.
 *
 * The page is removed once the browser has had time to load it, and on exit;
 * a page left by a killed run holds a dead token (every run makes a new one)
 * and is removed at the next start.
 */

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Launch pages are named `open-<random>.html`, so stale ones are found and removed. */
const LAUNCH_FILE = /^open-[A-Za-z0-9_-]{16,}\.html$/;

/** How long a launch page is kept for the browser to load it: a cold browser start on a busy machine takes seconds, not minutes. */
export const LAUNCH_FILE_TTL_MS = 120_000;

/** True when a browser window could be shown: always on macOS/Windows, with an X or Wayland display on Linux. */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env, platform = process.platform): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The launch page: a redirect to `url`, by meta refresh and by script (either may be disabled). */
export function launchPageHtml(url: string): string {
  const attr = url.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    `<meta http-equiv="refresh" content="0;url=${attr}">`,
    '<title>Headroom</title>',
    `<script>location.replace(${JSON.stringify(url).replace(/</g, '\\u003c')})</script>`,
    `<p><a href="${attr}">Open Headroom</a></p>`,
    '',
  ].join('\n');
}

/**
 * Writes a launch page for `url` into `dir`, readable by the user only (mode
 * 0600 whatever the umask), after removing pages left by earlier runs.
 * Returns its path.
 */
export function writeLaunchFile(dir: string, url: string): string {
  removeStaleLaunchFiles(dir);
  const path = join(dir, `open-${randomBytes(12).toString('base64url')}.html`);
  // 'wx': never follow or reuse a file someone else put there; mode 0600 at creation, chmod in case the umask changed it.
  const fd = openSync(path, 'wx', 0o600);
  try {
    chmodSync(path, 0o600);
    writeSync(fd, launchPageHtml(url));
  } finally {
    closeSync(fd);
  }
  return path;
}

/** Removes launch pages of earlier runs (their tokens are dead). Errors are ignored: this is tidying. */
export function removeStaleLaunchFiles(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) if (LAUNCH_FILE.test(name)) rmSync(join(dir, name), { force: true });
}

/** The command that opens `target` (a file path) in the default browser. */
export function openerCommand(target: string, platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]];
  // FileProtocolHandler wants a URL; a file: URL of a path with no secret in it.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', pathToFileURL(target).href]];
  return ['xdg-open', [target]];
}

/** Opens `target` in the default browser. Arguments only, never shell text; failures are only reported. */
export function openInBrowser(target: string, log: (line: string) => void, platform = process.platform): void {
  const [cmd, args] = openerCommand(target, platform);
  try {
    const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
    child.on('error', (err) => log(`serve: could not open a browser (${cmd}: ${err.message}); open the URL yourself`));
    child.unref();
  } catch (err) {
    log(`serve: could not open a browser: ${(err as Error).message}`);
  }
}

/**
 * Opens the token `url` through a launch page in `dir`. Returns the function
 * that removes the page (idempotent); it is also removed after
 * LAUNCH_FILE_TTL_MS. The caller removes it on exit.
 */
export function openTokenUrl(dir: string, url: string, log: (line: string) => void, platform = process.platform): () => void {
  let path: string;
  try {
    path = writeLaunchFile(dir, url);
  } catch (err) {
    log(`serve: could not write the page that opens the browser (${(err as Error).message}); open the URL yourself`);
    return () => {};
  }
  const remove = () => {
    clearTimeout(timer);
    rmSync(path, { force: true });
  };
  const timer = setTimeout(remove, LAUNCH_FILE_TTL_MS);
  timer.unref();
  openInBrowser(path, log, platform);
  return remove;
}
