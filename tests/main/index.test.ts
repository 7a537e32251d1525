/**
 * The real entry point (index.ts → lifecycle.ts → app.ts) under plain Node
 * against the recording electron double, on this machine's platform (Linux):
 * a real engine on a temporary HEADROOM_HOME, a real swarm of uniquely named
 * processes over its instance maximum, the window, IPC as the page calls it
 * (and as a foreign frame would), and quitting from the tray.
 *
 * Electron's Linux notifications have no buttons, so the way from a
 * notification to a fix is its click: the window opens on the alert, and the
 * page (asking over IPC from that window's frame) lays the fix out under it.
 */

import './use-electron-double.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { DispatchResult } from '../../src/main/engine/api/handlers.ts';
import type { Alert, FixProposal, FixResult } from '../../src/shared/model.ts';
import { parseRoute } from '../../src/renderer/routes.ts';
import { arrangeAlerts } from '../../src/renderer/views/alert-layout.ts';
import { isAlive, ProcessSwarm } from '../helpers/procs.ts';
import { hostEngine, probeEngine } from '../../src/main/engine/channel/host.ts';
import { EngineLockedError } from '../../src/main/engine/channel/lock.ts';
import { channelPath } from '../../src/main/engine/channel/protocol.ts';
import { double, frame, ipcMain, type BrowserWindowDouble } from './electron-double.ts';
import { appHome, stopExcessFix, SWARM_MAX, targetPids, uniqueName, waitFor } from './support.ts';

const name = uniqueName('agent');
const home = appHome([name]);
const swarm = new ProcessSwarm();
const pids = await swarm.spawnNamed(name, SWARM_MAX + 2);

process.env.HEADROOM_HOME = home.dir;
// After use-electron-double.ts: the glue's `electron` is the double. Importing the entry point starts the app.
await import('../../src/main/index.ts');

/** What the page's `window.headroom.invoke(channel, arg)` gets back when sent from `senderFrame`. */
const invoke = (senderFrame: ReturnType<typeof frame>, channel: string, arg: unknown) => ipcMain.invoke(senderFrame, channel, arg) as Promise<DispatchResult>;

function ok<T>(r: DispatchResult): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

function refused(r: DispatchResult, code: string): void {
  assert.equal(r.ok, false, `expected ${code}, got ${JSON.stringify(r).slice(0, 200)}`);
  if (!r.ok) assert.equal(r.error.code, code, r.error.message);
}

describe('electron double: the app from index.ts on Linux', () => {
  let win: BrowserWindowDouble;

  before(async () => {
    win = await waitFor(() => double.windows[0], 'the window a normal start opens');
    await waitFor(() => win.isVisible(), 'the window shown once painted');
  });
  after(() => {
    swarm.cleanup();
    home.dispose();
  });

  test('electron double: a normal start opens the sandboxed window on the page, and pushes reach it', async () => {
    assert.equal(win.route(), '');
    assert.ok(!double.notifications.some((n) => n.title === 'Headroom settings were reset'), 'the test settings were accepted');
    assert.match(win.loads[0].filePath, /dist[/\\]renderer[/\\]index\.html$/);
    const prefs = win.options.webPreferences ?? {};
    assert.deepEqual([prefs.sandbox, prefs.contextIsolation, prefs.nodeIntegration, prefs.webviewTag], [true, true, false, false]);
    assert.equal(win.webContents.navigate('https://example.com/'), false, 'navigation away is denied');
    assert.deepEqual(double.openedExternally, ['https://example.com/'], 'and opened in the browser instead');
    await waitFor(() => win.webContents.sent.some((m) => m.channel === 'snapshot:push'), 'a snapshot pushed to the page');
  });

  test('electron double: the app is the engine of its data folder: it holds the lock, and a second engine is refused by name', async () => {
    const running = await probeEngine(channelPath(home.dir));
    assert.equal(running?.kind, 'desktop', 'the local channel answers as the desktop app');
    assert.equal(running?.pid, process.pid);
    await assert.rejects(hostEngine('serve', { dataDir: home.dir, docker: false }), (err: Error) => err instanceof EngineLockedError && /desktop \(PID \d+/.test(err.message));
    assert.deepEqual(double.errorBoxes, []);
  });

  test('electron double: on Linux a notification has no button; its click opens the window on the alert with its fix in view', async () => {
    const note = await waitFor(() => double.notifications.find((n) => n.title.includes(name)), `the alert notification for ${name}`);
    assert.deepEqual(note.actions, [], 'no action buttons on Linux');
    note.click();
    const route = await waitFor(() => parseRoute(`#/${win.route()}`).param, 'the window on an alert');
    assert.equal(double.windows.length, 1, 'the open window is reused');
    assert.equal(route, `instances:${name}`);

    // What the page on that route shows: asked from the window's own frame, laid out as the Alerts view does.
    const top = win.webContents.topFrame();
    const alerts = ok<Alert[]>(await invoke(top, 'alerts:list', undefined));
    const fixes = ok<FixProposal[]>(await invoke(top, 'fixes:list', undefined));
    const card = arrangeAlerts(alerts, fixes).cards.find((c) => c.alert.id === route);
    assert.ok(card, `the alert ${route} is on the page`);
    const fix = stopExcessFix(card.fixes, name);
    assert.ok(fix, `its fix is under it: ${card.fixes.map((f) => f.title).join(' | ')}`);
    assert.ok(targetPids(fix).every((p) => pids.includes(p)));
  });

  test('electron double: IPC handlers validate in main: a valid call, bad payloads, untrusted frames', async () => {
    assert.ok(ipcMain.handlers.has('fix:run'), 'ipcMain.handle received the contract channels');
    const top = win.webContents.topFrame();
    const fix = await waitFor(async () => stopExcessFix(ok<FixProposal[]>(await invoke(top, 'fixes:list', undefined)), name), 'the fix');

    const preview = ok<FixResult>(await invoke(top, 'fix:preview', { id: fix.id }));
    assert.equal(preview.dryRun, true);
    assert.deepEqual(targetPids({ targets: preview.results.map((r) => r.target) }), targetPids(fix));

    // Bad payloads are refused by main's validators, before any handler: never a PID or a command from the page.
    refused(await invoke(top, 'fix:run', { id: fix.id, pid: pids[0] }), 'bad-request');
    refused(await invoke(top, 'fix:run', { id: `kill -9 ${pids[0]}` }), 'bad-request');
    refused(await invoke(top, 'fix:run', fix.id), 'bad-request');
    refused(await invoke(top, 'settings:set', { __proto__: { polluted: true }, alerts: { memWarnPercent: 'high' } }), 'bad-request');

    // A valid call from anywhere but our page's top frame is refused.
    refused(await invoke(frame(top.url, top), 'fix:run', { id: fix.id }), 'refused');
    refused(await invoke(frame('https://example.com/', null), 'fix:run', { id: fix.id }), 'refused');
    refused(await invoke(frame(pathToFileURL('/tmp/index.html').href, null), 'fix:run', { id: fix.id }), 'refused');

    assert.ok(pids.every(isAlive), 'nothing ran');
  });

  test('electron double: closing the window destroys it (renderer and all), the tray opens a new one; Quit Headroom stops the app and its children', async () => {
    win.close();
    assert.equal(win.isDestroyed(), true, 'closing destroys the window: no hidden renderer stays resident');
    assert.equal(double.quit, false, 'the app lives on in the tray');
    const open = double.trays[0].contextMenu?.find((i) => i.label === 'Open Headroom');
    assert.ok(open);
    open.click();
    const again = await waitFor(() => double.windows.find((w) => w !== win && !w.isDestroyed()), 'a new window from the tray');
    await waitFor(() => again.isVisible(), 'the new window shown once painted');
    again.close();
    assert.equal(again.isDestroyed(), true);

    const quit = double.trays[0].contextMenu?.find((i) => i.label === 'Quit Headroom');
    assert.ok(quit);
    quit.click();
    await waitFor(() => double.quit, 'the app to quit');
    assert.equal(ipcMain.handlers.size, 0, 'IPC handlers removed');
    assert.equal(double.trays[0].isDestroyed(), true, 'the tray icon removed');
    // The swarm is this process's children: a clean quit stops every child left behind (lifecycle.ts).
    assert.ok(!pids.some(isAlive), 'children left behind are stopped');
  });
});
