/**
 * The tray with followed boxes (issue 18), on fixtures: a section per box
 * naming it, its alerts and fixes carrying the box's name in their actions,
 * the icon at the worst state across machines, and the states a box can be in
 * said as such. Plus the remote notifications' transition diff.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diff, onMachine } from '../../../src/main/engine/notify/remote.ts';
import { buildTrayMenu, type TrayMenuItem } from '../../../src/main/engine/tray/menu.ts';
import { trayLevel, type TrayMachine } from '../../../src/main/engine/tray/state.ts';
import { computeTrayView } from '../../../src/main/engine/tray/view.ts';
import type { MachineStateKind } from '../../../src/shared/machines.ts';
import { alert, fix, settings, snapshot, T0, trayState } from './fixtures.ts';

function box(state: MachineStateKind, over: Partial<TrayMachine> = {}, reason: string | null = null): TrayMachine {
  return {
    status: { name: 'dev-box', destination: 'me@dev', state, reason, since: T0, engine: null, nextAttemptAt: null },
    snapshot: state === 'ok' || state === 'slow' ? snapshot({ usedPercent: 40 }) : null,
    alerts: [],
    fixes: [],
    ...over,
  };
}
const labels = (menu: TrayMenuItem[]) => menu.flatMap((i) => (i.type === 'item' || i.type === 'status' || i.type === 'checkbox' ? [i.label] : []));

describe('tray: followed boxes', () => {
  it("a connected box: its name and memory, its alert with the fix under it, both acting on that box", () => {
    const a = alert({ id: 'instances:claude', title: 'claude ×16 — 5.4 GB: 8 more instances than the maximum of 8', severity: 'warning', fixIds: ['f1'] });
    const f = fix({ id: 'f1', title: 'Stop 12 of 16 claude instances', destructive: true, expectedBytes: 4 * 1024 ** 3 });
    const menu = buildTrayMenu(trayState({ machines: [box('ok', { alerts: [a], fixes: [f] })] }));
    const ls = labels(menu);
    const at = ls.indexOf('dev-box — Memory 40% — 6.4 GB of 16.0 GB');
    assert.ok(at >= 0, ls.join('\n'));
    assert.match(ls[at + 1], /^ {4}⚠ claude ×16/);
    const fixItem = menu.find((i) => i.type === 'item' && i.action.kind === 'run-fix');
    assert.ok(fixItem?.type === 'item' && fixItem.action.kind === 'run-fix');
    assert.equal(fixItem.action.machine, 'dev-box');
    assert.equal(fixItem.action.confirm?.message, 'On dev-box: Stop 12 of 16 claude instances?');
    assert.ok(ls.indexOf('Open Headroom') > at, 'boxes come before the controls');
  });

  it('the icon is the worst across machines: a box that needs a person is amber, one that is off is not', () => {
    const calm = trayState({ snapshot: snapshot({ usedPercent: 30 }) });
    assert.equal(trayLevel(calm), 'normal');
    assert.equal(trayLevel({ ...calm, machines: [box('ok', { snapshot: snapshot({ usedPercent: 90 }) })] }), 'critical');
    assert.equal(trayLevel({ ...calm, machines: [box('host-key-changed')] }), 'warning');
    assert.equal(trayLevel({ ...calm, machines: [box('unreachable')] }), 'normal');
    // A disconnected box's last alerts do not colour the icon: they are not live.
    assert.equal(trayLevel({ ...calm, machines: [box('unreachable', { alerts: [alert({ id: 'x', title: 'x', severity: 'critical' })] })] }), 'normal');
  });

  const states: [MachineStateKind, string][] = [
    ['connecting', 'dev-box — connecting…'],
    ['unreachable', 'dev-box — unreachable'],
    ['no-engine', 'dev-box — no Headroom running there'],
    ['host-key-changed', 'dev-box — host key changed — refused'],
    ['version-mismatch', 'dev-box — another Headroom version'],
  ];
  for (const [state, label] of states) {
    it(`a box that is ${state} says so, with the reason`, () => {
      const ls = labels(buildTrayMenu(trayState({ machines: [box(state, {}, state === 'connecting' ? null : `why ${state}`)] })));
      assert.ok(ls.includes(label), ls.join('\n'));
      if (state !== 'connecting') assert.ok(ls.includes(`    why ${state}`));
    });
  }

  it('the tooltip gets a line per box', () => {
    const view = computeTrayView(trayState({ snapshot: snapshot({ usedPercent: 30 }), settings: settings(), machines: [box('ok'), { ...box('unreachable'), status: { ...box('unreachable').status, name: 'gpu' } }] }), 'linux');
    assert.match(view.tooltip, /\ndev-box: memory 40%\ngpu: unreachable$/);
  });
});

describe('remote notifications: transitions from pushed alert lists', () => {
  const w = alert({ id: 'a', title: 'A', severity: 'warning' });
  it('new, escalated and gone alerts; unchanged ones are not news', () => {
    assert.deepEqual(diff(new Map(), [w]).map((a) => a.id), ['a']);
    assert.deepEqual(diff(new Map([['a', w]]), [w]), []);
    assert.deepEqual(diff(new Map([['a', w]]), [{ ...w, severity: 'critical' }]).map((a) => a.severity), ['critical']);
    assert.deepEqual(diff(new Map([['a', w]]), []).map((a) => a.state), ['resolved']);
  });
  it("a box's notification starts with its name and has its own tag", () => {
    const n = onMachine({ tag: 'a', title: 'claude ×16', body: '', urgency: 'normal', silent: false, alertId: 'a', action: null }, 'dev-box');
    assert.equal(n.title, 'dev-box: claude ×16');
    assert.equal(n.tag, 'dev-box:a');
    assert.equal(n.machine, 'dev-box');
  });
});
