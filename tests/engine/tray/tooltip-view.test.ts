import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { createHeadroom } from '../../../src/main/engine/create.ts';
import { renderTrayIcon } from '../../../src/main/engine/tray/icon.ts';
import { buildTrayTooltip, WINDOWS_TOOLTIP_MAX } from '../../../src/main/engine/tray/tooltip.ts';
import { computeTrayView, TrayRedrawGate } from '../../../src/main/engine/tray/view.ts';
import { trayLevel } from '../../../src/main/engine/tray/state.ts';
import { alert, fix, GiB, group, MiB, settings, snapshot, trayState } from './fixtures.ts';

describe('buildTrayTooltip', () => {
  test('memory used and total, swap, and the top 3 applications', () => {
    assert.equal(
      buildTrayTooltip(snapshot({ usedPercent: 62 })),
      ['Headroom', 'Memory 62%: 9.9 GB of 16.0 GB', 'Swap 512 MB of 4.0 GB', 'code ×12 2.0 GB · chrome ×30 1.5 GB · claude ×2 600 MB'].join('\n'),
    );
    assert.equal(buildTrayTooltip(null), 'Headroom — measuring…');
    const noSwap = snapshot({ usedPercent: 10, groups: [] });
    noSwap.memory.swapTotalBytes = 0;
    assert.equal(buildTrayTooltip(noSwap), 'Headroom\nMemory 10%: 1.6 GB of 16.0 GB\nSwap: none');
  });

  test('fits Windows’ 127 characters by dropping applications, never the memory line', () => {
    const long = 'an-application-with-a-very-long-name';
    const s = snapshot({ usedPercent: 50, groups: [group(long, 3, GiB), group(`${long}-2`, 2, GiB), group(`${long}-3`, 1, GiB)] });
    const full = buildTrayTooltip(s);
    assert.ok(full.length > WINDOWS_TOOLTIP_MAX);
    const short = buildTrayTooltip(s, WINDOWS_TOOLTIP_MAX);
    assert.ok(short.length <= WINDOWS_TOOLTIP_MAX, `${short.length} chars`);
    assert.ok(short.includes('Memory 50%: 8.0 GB of 16.0 GB'));
    assert.ok(short.includes(long), 'as many applications as fit are kept');
  });
});

describe('computeTrayView and TrayRedrawGate', () => {
  test('the view follows the state: level, badge, template only when calm on macOS', () => {
    const calm = computeTrayView(trayState(), 'darwin');
    assert.deepEqual({ ...calm.icon, percent: Math.round(calm.icon.percent) }, { percent: 30, level: 'normal', leak: false, template: true });
    const hot = computeTrayView(trayState({ snapshot: snapshot({ usedPercent: 90 }) }), 'darwin');
    assert.equal(hot.icon.level, 'critical');
    assert.equal(hot.icon.template, false, 'a coloured icon when it matters');
    assert.equal(computeTrayView(trayState(), 'linux').icon.template, false);
    // A critical alert colours the icon even when memory is low; an info alert does not.
    const s = { snapshot: snapshot({ usedPercent: 20 }), settings: settings() };
    assert.equal(trayLevel({ ...s, alerts: [alert({ id: 'leak:x', title: 'x', severity: 'critical' })] }), 'critical');
    assert.equal(trayLevel({ ...s, alerts: [alert({ id: 'z', title: 'z', severity: 'info' })] }), 'normal');
    assert.equal(trayLevel({ ...s, alerts: [alert({ id: 'r', title: 'r', severity: 'critical', state: 'resolved' })] }), 'normal');
  });

  test('redraws only what changed', () => {
    const gate = new TrayRedrawGate(10_000);
    const at = (usedPercent: number, extra = {}) => computeTrayView(trayState({ snapshot: snapshot({ usedPercent }), ...extra }), 'linux');
    assert.deepEqual(gate.update(at(40), 0), { icon: true, tooltip: true, menu: true }, 'everything at first');
    assert.deepEqual(gate.update(at(40), 2000), { icon: false, tooltip: false, menu: false }, 'nothing when nothing changed');
    // 40.2% → same icon; the figures in tooltip and menu move, the menu waits for its interval.
    assert.deepEqual(gate.update(at(40.4), 4000), { icon: false, tooltip: true, menu: false });
    assert.deepEqual(gate.update(at(40.4), 10_500), { icon: false, tooltip: false, menu: true }, 'status figures refresh after the interval');
    assert.deepEqual(gate.update(at(42), 11_000), { icon: true, tooltip: true, menu: false });
    // A new alert with a fix changes what can be clicked: the menu updates at once.
    const a = alert({ id: 'mem.used', title: 'Memory 75%', fixIds: ['f'] });
    const withAlert = at(42, { alerts: [a], fixes: [fix({ id: 'f', title: 'Stop it', expectedBytes: 100 * MiB })] });
    const c = gate.update(withAlert, 11_500);
    assert.equal(c.menu, true);
    assert.equal(c.icon, true, 'the icon turns amber with the warning');
    // The alert's live figures change: not worth closing an open menu for, until the interval passes.
    const reworded = at(42, { alerts: [{ ...a, title: 'Memory 76%' }], fixes: [fix({ id: 'f', title: 'Stop it', expectedBytes: 100 * MiB })] });
    assert.equal(gate.update(reworded, 12_000).menu, false);
    assert.equal(gate.update(reworded, 21_600).menu, true);
  });
});

describe('the tray on a real sample', () => {
  test('a snapshot of this machine becomes an icon, a tooltip and a menu', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-tray-'));
    const h = createHeadroom({ dataDir: dir, history: false, docker: false, log: () => {} });
    try {
      const snap = h.engine.sampleNow();
      const state = { snapshot: snap, alerts: [], trends: [], fixes: [], settings: h.settings.get(), autostart: false, now: Date.now() };
      const view = computeTrayView(state, 'linux');
      const pct = (snap.memory.usedBytes / snap.memory.totalBytes) * 100;
      assert.ok(Math.abs(view.icon.percent - pct) < 1e-9);
      const first = view.menu[0];
      assert.ok(first.type === 'status' && first.label.startsWith(`Memory ${Math.round(pct)}% — `), JSON.stringify(first));
      assert.ok(view.tooltip.includes(snap.groups[0].name), 'the largest application is in the tooltip');
      const png = PNG.sync.read(renderTrayIcon({ ...view.icon, size: 24 }));
      assert.equal(png.width, 24);
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
