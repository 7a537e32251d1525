/** Where the Alerts & fixes view shows each alert and fix, and how fix errors read. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { arrangeAlerts, fixErrorText } from '../../src/renderer/views/alert-layout.ts';
import type { Alert, FixProposal } from '../../src/shared/model.ts';

const alert = (id: string, over: Partial<Alert> = {}): Alert => ({
  id,
  rule: 'r',
  severity: 'warning',
  state: 'firing',
  title: id,
  detail: '',
  culprit: null,
  since: 1000,
  resolvedAt: null,
  fixIds: [],
  ...over,
});
const fix = (id: string): FixProposal => ({
  id,
  kind: 'k',
  title: id,
  targets: [],
  expectedBytes: 0,
  risk: 'low',
  destructive: false,
  undoable: false,
  command: '',
  reason: '',
  createdAt: 0,
  alertIds: [],
});
const ids = (xs: { id: string }[]) => xs.map((x) => x.id);

describe('arrangeAlerts', () => {
  test('firing alerts only, most severe first, then the oldest first', () => {
    const { cards } = arrangeAlerts(
      [
        alert('info', { severity: 'info', since: 1 }),
        alert('warn-new', { since: 50 }),
        alert('resolved', { state: 'resolved', severity: 'critical' }),
        alert('crit', { severity: 'critical', since: 99 }),
        alert('warn-old', { since: 10 }),
      ],
      [],
    );
    assert.deepEqual(
      cards.map((c) => c.alert.id),
      ['crit', 'warn-old', 'warn-new', 'info'],
    );
  });

  test('a fix for several alerts is shown in full under the most specific one and named by the others', () => {
    const { cards, loose } = arrangeAlerts(
      [alert('memory', { severity: 'critical', fixIds: ['stop-claude', 'prune-docker'] }), alert('claude x16', { fixIds: ['stop-claude'] })],
      [fix('stop-claude'), fix('prune-docker'), fix('unrelated')],
    );
    const [memory, claude] = cards;
    assert.deepEqual([ids(memory.fixes), ids(memory.elsewhere)], [['prune-docker'], ['stop-claude']]);
    assert.deepEqual([ids(claude.fixes), ids(claude.elsewhere)], [['stop-claude'], []]);
    assert.deepEqual(ids(loose), ['unrelated']);
  });

  test('on a tie the first alert in order keeps the fix; ids with no proposal (yet) are skipped', () => {
    const { cards, loose } = arrangeAlerts([alert('b', { since: 2, fixIds: ['f', 'gone'] }), alert('a', { since: 1, fixIds: ['f', 'x'] })], [fix('f')]);
    assert.deepEqual(
      cards.map((c) => [c.alert.id, ids(c.fixes), ids(c.elsewhere)]),
      [
        ['a', ['f'], []],
        ['b', [], ['f']],
      ],
    );
    assert.deepEqual(loose, []);
  });

  test('nothing firing: every fix is loose', () => {
    assert.deepEqual(arrangeAlerts([alert('x', { state: 'resolved', fixIds: ['f'] })], [fix('f')]), { cards: [], loose: [fix('f')] });
  });
});

describe('fixErrorText', () => {
  test('stale and vanished fixes say a fresh plan is coming; other errors read as they are', () => {
    assert.match(fixErrorText({ code: 'stale', message: 'the targets changed' }), /^This fix is out of date: the targets changed\. A fresh plan/);
    assert.match(fixErrorText({ code: 'not-found', message: 'fx-1' }), /^This fix no longer exists: fx-1\./);
    assert.equal(fixErrorText({ code: 'refused', message: 'protected process' }), 'protected process');
  });
});
