/**
 * The Headroom window: a sandboxed BrowserWindow on the bundled renderer.
 *
 * The page shows process names and command lines and can ask for fixes, so it
 * gets the locked-down defaults: sandbox, context isolation, no Node, a CSP
 * (in index.html), no navigation away from our own page, no new windows, no
 * permissions. Links to http(s) open in the user's browser instead.
 */

import { BrowserWindow, app, shell, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Paths start at the app's folder (the repository in development, app.asar when packaged; both hold
// dist/), not at __dirname: the same code then also runs unbundled as an ES module, where there is
// no __dirname (the glue's tests run it under plain Node against an electron double).

/** dist/renderer/index.html in the app's folder. */
export function rendererIndexPath(): string {
  return join(app.getAppPath(), 'dist', 'renderer', 'index.html');
}

/** dist/electron/preload.cjs in the app's folder (sandboxed preloads must be CommonJS). */
export function preloadPath(): string {
  return join(app.getAppPath(), 'dist', 'electron', 'preload.cjs');
}

/** True when `url` is our own renderer page (any hash or query), the only page allowed to call the API. */
export function isTrustedPageUrl(url: string): boolean {
  const ours = pathToFileURL(rendererIndexPath());
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'file:' && u.host === ours.host && u.pathname === ours.pathname;
}

/** Opens http(s) links in the user's browser; anything else (file:, javascript:, custom schemes) is dropped. */
function openExternalSafely(url: string): void {
  try {
    const u = new URL(url);
    if (u.protocol === 'http:' || u.protocol === 'https:') void shell.openExternal(u.href);
  } catch {
    /* not a URL: nothing to open */
  }
}

/** Denies navigation, new windows, webviews and permission prompts for one page. */
export function hardenWebContents(wc: WebContents): void {
  wc.setWindowOpenHandler(({ url }) => {
    openExternalSafely(url);
    return { action: 'deny' };
  });
  // In-page (hash) navigation does not emit will-navigate; anything that would leave the page does.
  wc.on('will-navigate', (event, url) => {
    if (!isTrustedPageUrl(url)) {
      event.preventDefault();
      openExternalSafely(url);
    }
  });
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  wc.session.setPermissionCheckHandler(() => false);
}

export interface MainWindowOptions {
  /** Renderer route to open on, e.g. "alerts/mem.used" (the part after "#/"). */
  route?: string;
  /** A followed box to show instead of this machine (`?machine=` on the page; renderer/machine.ts). */
  machine?: string;
  /** Show as soon as the first paint is ready (default true). */
  show?: boolean;
}

let mainWindow: BrowserWindow | null = null;

/** Creates the Headroom window. Call setupIpc() first, so the page's first requests find their handlers. */
export function createMainWindow(opts: MainWindowOptions = {}): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Headroom',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath(),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenWebContents(win.webContents);
  if (opts.show !== false) win.once('ready-to-show', () => win.show());
  void win.loadFile(rendererIndexPath(), pageLocation(opts.route, opts.machine));
  mainWindow = win;
  // Closing destroys the window and its renderer process (Electron's default; nothing prevents it): the
  // tray alone must cost no more than the headless engine. showMainWindow() makes a new one on demand.
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  return win;
}

/** loadFile's query and hash for a route and a box; undefined (where the page already is) for neither. */
function pageLocation(route?: string, machine?: string): { hash?: string; query?: Record<string, string> } | undefined {
  if (!route && machine === undefined) return undefined;
  return { ...(route ? { hash: `/${route}` } : {}), ...(machine !== undefined ? { query: { machine } } : {}) };
}

/** Shows the Headroom window (creating it if needed), optionally on a route such as "alerts/<id>" and on a followed box. */
export function showMainWindow(route?: string, machine?: string): BrowserWindow {
  if (!mainWindow || mainWindow.isDestroyed()) return createMainWindow({ route, machine });
  const location = pageLocation(route, machine);
  if (location) void mainWindow.loadFile(rendererIndexPath(), location);
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
  return mainWindow;
}

/**
 * Opens the window on an alert (`#/alerts/<id>`: the page scrolls to it, its fixes listed under it),
 * or where it was when `alertId` is null. What the tray's alert items and a notification's click do.
 */
export function showAlert(alertId: string | null, machine?: string): BrowserWindow {
  return showMainWindow(alertId ? `alerts/${encodeURIComponent(alertId)}` : undefined, machine);
}

/** The current Headroom window, if one is open. */
export function getMainWindow(): BrowserWindow | null {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
}
