/**
 * The desktop app's glue (app.ts → tray.ts, notifications.ts, windows.ts,
 * ipc.ts) run under plain Node against the recording electron double, on a
 * real engine with real processes, as on macOS (the one platform whose
 * notifications have action buttons; the glue takes the platform as a
 * parameter). index.test.ts runs the real entry point as on Linux.
 *
 * Two swarms of idle processes, each with a name no real program has and a
 * grouping rule of its own, exceed their instance maximum: one is fixed from
 * the tray menu, the other from its notification's button.
 */

import './use-electron-double.ts';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createHeadroom, type Headroom } from '../../src/main/engine/create.ts';
import { isAlive, ProcessSwarm } from '../helpers/procs.ts';
import { double, type NotificationDouble } from './electron-double.ts';
import { appHome, settle, stopExcessFix, SWARM_KEEP, targetPids, testLifecycle, uniqueName, waitFor } from './support.ts';

// After use-electron-double.ts: the glue's `electron` is the double.
const { startApp } = await import('../../src/main/app.ts');

const SWARM_SIZE = 4;

describe('electron double: the app on macOS', () => {
  const viaTray = uniqueName('tray');
  const viaButton = uniqueName('button');
  const home = appHome([viaTray, viaButton]);
  const swarm = new ProcessSwarm();
  const lifecycle = testLifecycle();
  const logs: string[] = [];
  let headroom: Headroom;
  let trayPids: number[] = [];
  let buttonPids: number[] = [];

  before(async () => {
    trayPids = await swarm.spawnNamed(viaTray, SWARM_SIZE);
    buttonPids = await swarm.spawnNamed(viaButton, SWARM_SIZE);
    headroom = createHeadroom({ dataDir: home.dir, history: true, docker: false, log: (l) => logs.push(l) });
    assert.equal(headroom.settings.notice, null, 'the test settings were accepted');
    startApp(lifecycle, { headroom, platform: 'darwin' });
  });
  after(async () => {
    await lifecycle.shutdown();
    for (const w of double.windows) w.destroy();
    swarm.cleanup();
    home.dispose();
  });

  const tray = () => {
    assert.equal(double.trays.length, 1, 'one tray icon');
    return double.trays[0];
  };
  /** The menu item of the current menu that runs `fixTitle`. */
  const fixItem = (fixTitle: string) => tray().contextMenu?.find((i) => i.label.includes(fixTitle));
  const resultOf = (fixTitle: string, since: number): NotificationDouble | undefined =>
    double.notifications.slice(since).find((n) => n.body.includes(fixTitle) || n.title.includes(fixTitle));

  test('electron double: tray fix item → confirmation dialog (declined, then confirmed) → fix → result notification', async () => {
    const fix = await waitFor(() => stopExcessFix(headroom.engine.fixes(), viaTray), `a fix for ${viaTray}`);
    const item = await waitFor(() => fixItem(fix.title), `"${fix.title}" in the tray menu`);
    assert.ok(fix.destructive);
    assert.match(item.label, /…/, 'a destructive fix says it asks first');
    const stopped = targetPids(fix);
    assert.equal(stopped.length, SWARM_SIZE - SWARM_KEEP);
    assert.ok(stopped.every((p) => trayPids.includes(p)), 'the fix touches only the test swarm');

    // Declined: the dialog lists every process it would stop, and nothing runs.
    double.answerMessageBox = (o) => o.cancelId ?? 1;
    item.click();
    const asked = await waitFor(() => double.messageBoxes[0], 'the confirmation dialog');
    for (const pid of stopped) assert.match(asked.options.detail ?? '', new RegExp(`\\b${pid}\\b`), `PID ${pid} listed in the dialog`);
    assert.equal(asked.options.buttons?.[asked.options.cancelId ?? -1], 'Cancel');
    await settle();
    assert.ok(trayPids.every(isAlive), 'declined: every process still runs');
    assert.equal(headroom.remedies.auditLog().filter((e) => e.fixId === fix.id).length, 0, 'declined: nothing in the audit log');

    // Confirmed: the fix runs through remedies (re-checked), and its result comes back as a quiet notification.
    double.answerMessageBox = () => 0;
    const shownBefore = double.notifications.length;
    const again = await waitFor(() => fixItem(fix.title), 'the fix still offered');
    again.click();
    const result = await waitFor(() => resultOf(fix.title, shownBefore), 'the fix result notification');
    assert.equal(double.messageBoxes.length, 2, 'asked once per click');
    assert.match(result.title, /stopped/i);
    assert.equal(result.silent, true, 'a result is a quiet notification');
    assert.deepEqual(result.actions, []);
    for (const pid of stopped) assert.ok(!isAlive(pid), `PID ${pid} stopped`);
    assert.equal(trayPids.filter(isAlive).length, SWARM_KEEP, 'the kept instance still runs');
    const [entry] = headroom.remedies.auditLog().filter((e) => e.fixId === fix.id);
    assert.ok(entry?.ok, 'the run is in the audit log');
  });

  test('electron double: notification action button → the fix runs at once → second notification and audit log', async () => {
    const note = await waitFor(
      () => double.notifications.find((n) => n.title.includes(viaButton) && n.actions.length > 0),
      `the alert notification for ${viaButton} with an action button (needs alerts that carry their fixIds on transitions)`,
    );
    const fix = stopExcessFix(headroom.engine.fixes(), viaButton);
    assert.ok(fix);
    assert.equal(note.actions.length, 1);
    assert.equal(note.actions[0].type, 'button');
    assert.ok(note.actions[0].text?.includes(fix.title), `the button says what will happen: "${note.actions[0].text}"`);
    const stopped = targetPids(fix);

    const asked = double.messageBoxes.length;
    const shownBefore = double.notifications.length;
    note.pressAction(0);
    const result = await waitFor(() => resultOf(fix.title, shownBefore), 'the fix result notification');
    assert.equal(double.messageBoxes.length, asked, 'no dialog: pressing the button was the confirmation');
    assert.match(result.title, /stopped/i);
    for (const pid of stopped) assert.ok(!isAlive(pid), `PID ${pid} stopped`);
    assert.equal(buttonPids.filter(isAlive).length, SWARM_KEEP);
    const entry = await waitFor(() => headroom.remedies.auditLog().find((e) => e.title === fix.title), 'the audit log entry');
    assert.equal(entry.ok, true);
    assert.equal(entry.dryRun, false);
    assert.deepEqual(targetPids({ targets: entry.targets.map((t) => t.target) }), stopped);
  });

  test('electron double: notification click → the window opens on that alert', async () => {
    const note = await waitFor(() => double.notifications.find((n) => n.title.includes(viaButton)), `the alert notification for ${viaButton}`);
    assert.equal(double.windows.length, 0, 'started at login: no window yet');
    note.click();
    const win = await waitFor(() => double.windows[0], 'the window');
    assert.equal(win.route(), `alerts/instances:${viaButton}`);
    assert.match(win.loads[0].filePath, /dist[/\\]renderer[/\\]index\.html$/);
    const prefs = win.options.webPreferences ?? {};
    assert.deepEqual([prefs.sandbox, prefs.contextIsolation, prefs.nodeIntegration], [true, true, false]);
    await waitFor(() => win.isVisible(), 'the window shown once painted');
  });
});
