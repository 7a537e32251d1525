/**
 * The machine switcher's rows and banner (views/machine-switcher-model.ts), and
 * the page address that selects a box (machine.ts).
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MachineSummary } from '../../src/shared/contract.ts';
import type { MachineStateKind } from '../../src/shared/machines.ts';
import { searchFor, selectedMachine } from '../../src/renderer/machine.ts';
import { switcherModel, THIS_MACHINE } from '../../src/renderer/views/machine-switcher-model.ts';

function row(name: string, state: MachineStateKind, firing = 0, worst: MachineSummary['worst'] = null, reason: string | null = null): MachineSummary {
  return { status: { name, destination: `me@${name}`, state, reason, since: 0, engine: null, nextAttemptAt: null }, firing, worst };
}

describe('the machine switcher', () => {
  test('no boxes followed and none shown: hidden, no banner', () => {
    const m = switcherModel([], null);
    assert.equal(m.hidden, true);
    assert.equal(m.banner, null);
    assert.deepEqual(m.options, [{ value: '', label: THIS_MACHINE, selected: true }]);
  });

  test('each box with its state and firing alerts; this machine selected', () => {
    const m = switcherModel([row('dev-box', 'ok', 2, 'critical'), row('gpu', 'unreachable', 0, null, 'ssh: connect to host gpu port 22: Connection refused'), row('ci', 'slow', 1, 'warning')], null);
    assert.equal(m.hidden, false);
    assert.deepEqual(
      m.options.map((o) => [o.value, o.label, o.selected]),
      [
        ['', THIS_MACHINE, true],
        ['dev-box', 'dev-box — 2 critical alerts', false],
        ['gpu', 'gpu — unreachable', false],
        ['ci', 'ci — 1 warning alert (slow to answer)', false],
      ],
    );
    assert.equal(m.banner, null, 'this machine needs no banner');
  });

  test('a live box shown: selected, and the banner says which box and that fixes run there', () => {
    const m = switcherModel([row('dev-box', 'ok')], 'dev-box');
    assert.deepEqual(m.options.find((o) => o.selected)?.value, 'dev-box');
    assert.deepEqual(m.banner, { level: 'ok', text: 'Showing dev-box (me@dev-box, over SSH). Fixes run there.' });
  });

  test('a box without live data shown: the banner says why, and that what shows is its last data', () => {
    const m = switcherModel([row('dev-box', 'host-key-changed', 3, 'critical', 'the host key of dev-box has changed')], 'dev-box');
    assert.equal(m.banner?.level, 'stale');
    assert.equal(m.banner?.text, 'dev-box: host key changed — refused (the host key of dev-box has changed). What shows here is its last data, if any.');
    assert.equal(m.options[1].label, 'dev-box — host key changed — refused', 'a stale alert count is not shown');
  });

  test('before the first rows arrive nothing is claimed about the shown box: no banner, its name selected', () => {
    assert.deepEqual(switcherModel(null, 'dev-box'), {
      hidden: false,
      options: [
        { value: '', label: THIS_MACHINE, selected: false },
        { value: 'dev-box', label: 'dev-box', selected: true },
      ],
      banner: null,
    });
    assert.equal(switcherModel(null, null).hidden, true);
  });

  test('a box no longer in settings: still listed as selected, and the banner says so', () => {
    const m = switcherModel([], 'old-box');
    assert.equal(m.hidden, false);
    assert.deepEqual(m.options.at(-1), { value: 'old-box', label: 'old-box — not followed', selected: true });
    assert.equal(m.banner?.level, 'gone');
  });
});

describe('the page address of a box', () => {
  test('?machine= names the box; absent or blank is this machine', () => {
    assert.equal(selectedMachine('?machine=dev-box'), 'dev-box');
    assert.equal(selectedMachine('?machine=%C3%A9t%C3%A9%20box'), 'été box');
    assert.equal(selectedMachine(''), null);
    assert.equal(selectedMachine('?machine=%20'), null);
    assert.equal(selectedMachine('?other=1'), null);
  });

  test('switching keeps other parameters and drops the box for this machine', () => {
    assert.equal(searchFor('', 'dev-box'), '?machine=dev-box');
    assert.equal(searchFor('?machine=a&x=1', 'b c'), '?machine=b+c&x=1');
    assert.equal(searchFor('?machine=a&x=1', null), '?x=1');
    assert.equal(searchFor('?machine=a', null), '');
    assert.equal(selectedMachine(searchFor('', 'b c&d')), 'b c&d');
  });
});
