/**
 * A followed box's alert opens the window on that box: the notification's
 * click and the tray's item pass the box on, and the page is loaded with
 * `?machine=` (renderer/machine.ts reads it), still a page main trusts. Run
 * under plain Node against the recording electron double (Electron cannot
 * run here); the box itself over real SSH is tests/engine/remote/remote.test.ts.
 */

import './use-electron-double.ts';
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { double } from './electron-double.ts';

const { showAlert } = await import('../../src/main/windows.ts');
const { createElectronNotifier } = await import('../../src/main/notifications.ts');
const { isTrustedPageUrl } = await import('../../src/main/windows.ts');

describe('electron double: the window on a followed box', () => {
  after(() => {
    for (const w of double.windows) w.destroy();
  });

  test("electron double: a box notification's click opens the window on that box's alert", async () => {
    const opened: [string | null, string | undefined][] = [];
    const notifier = createElectronNotifier({ openAlert: (id, machine) => (opened.push([id, machine]), showAlert(id, machine)), platform: 'linux' });
    await notifier.notify({ tag: 'dev-box:instances:claude', alertId: 'instances:claude', machine: 'dev-box', title: 'dev-box: claude ×16', body: 'b', urgency: 'normal', silent: false, action: null });
    const note = double.notifications.at(-1);
    assert.ok(note);
    note.click();
    assert.deepEqual(opened, [['instances:claude', 'dev-box']]);
    const win = double.windows.at(-1);
    assert.ok(win);
    const url = new URL(win.webContents.url);
    assert.equal(url.searchParams.get('machine'), 'dev-box');
    assert.equal(win.route(), 'alerts/instances:claude');
    assert.ok(isTrustedPageUrl(url.href), 'the page on a box is still our page (IPC and navigation allow it)');
  });

  test('electron double: an alert of this machine afterwards loads the page without the box', () => {
    showAlert('mem.used');
    const win = double.windows.at(-1);
    assert.ok(win);
    const url = new URL(win.webContents.url);
    assert.equal(url.search, '');
    assert.equal(win.route(), 'alerts/mem.used');
    // Opening the window without an alert leaves it where it was (on whichever machine).
    const loads = win.loads.length;
    showAlert(null);
    assert.equal(win.loads.length, loads);
  });
});
