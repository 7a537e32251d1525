import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { fixResultNotification, NotificationPolicy } from '../../../src/main/engine/notify/policy.ts';
import type { Alert } from '../../../src/shared/model.ts';
import { alert, fix, GiB, settings, T0 } from '../tray/fixtures.ts';

const MIN = 60_000;
const memAlert = (over: Partial<Alert> = {}) =>
  alert({ id: 'mem.used', title: 'Memory 88% — claude ×16 — 5.4 GB', culprit: 'claude', detail: '14 GB of 16 GB used', severity: 'warning', ...over });
const resolved = (a: Alert) => ({ ...a, state: 'resolved' as const, resolvedAt: T0 });
const stop = fix({ id: 'fx1', title: 'Stop 12 older claude processes', expectedBytes: 4.1 * GiB });

describe('NotificationPolicy', () => {
  test('a transition to firing notifies once, naming the culprit and the fix', () => {
    const p = new NotificationPolicy();
    const out = p.decide([memAlert({ fixIds: ['fx1'] })], { now: T0, settings: settings(), fixes: [stop] });
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], {
      tag: 'mem.used',
      title: 'Memory 88% — claude ×16 — 5.4 GB',
      body: '14 GB of 16 GB used\nFix: Stop 12 older claude processes (frees ~4.1 GB)',
      urgency: 'normal',
      silent: false,
      alertId: 'mem.used',
      action: { label: 'Stop 12 older claude processes (frees ~4.1 GB)', fixId: 'fx1' },
    });
  });

  test('a condition that holds never notifies twice, whatever the rules emit', () => {
    const p = new NotificationPolicy();
    const ctx = (now: number) => ({ now, settings: settings({ cooldownSeconds: 0 }), fixes: [] });
    assert.equal(p.decide([memAlert(), memAlert()], ctx(T0)).length, 1, 'a duplicate in one batch');
    for (let i = 1; i <= 50; i++) assert.equal(p.decide([memAlert()], ctx(T0 + i * MIN)).length, 0, `re-emitted firing #${i}`);
    assert.deepEqual(p.active(), ['mem.used']);
  });

  test('an escalation of the same alert is news; a step back down is not', () => {
    const p = new NotificationPolicy();
    const ctx = { now: T0, settings: settings(), fixes: [] };
    assert.equal(p.decide([memAlert()], ctx).length, 1);
    const up = p.decide([memAlert({ severity: 'critical' })], { ...ctx, now: T0 + MIN });
    assert.equal(up.length, 1);
    assert.equal(up[0].urgency, 'critical');
    assert.equal(p.decide([memAlert({ severity: 'warning' })], { ...ctx, now: T0 + 2 * MIN }).length, 0);
  });

  test('a resolved critical alert gets one quiet notice; a resolved warning gets none', () => {
    const p = new NotificationPolicy();
    const ctx = { now: T0, settings: settings(), fixes: [] };
    const crit = memAlert({ id: 'leak:process.group.claude.rss', severity: 'critical' });
    const warn = memAlert({ id: 'swap', severity: 'warning', culprit: null });
    assert.equal(p.decide([crit, warn], ctx).length, 2);
    const out = p.decide([resolved(crit), resolved(warn)], { ...ctx, now: T0 + 5 * MIN });
    assert.equal(out.length, 1);
    assert.deepEqual(out[0], {
      tag: 'leak:process.group.claude.rss',
      title: 'Resolved: Memory 88% — claude ×16 — 5.4 GB',
      body: 'claude is back under the limit.',
      urgency: 'low',
      silent: true,
      alertId: 'leak:process.group.claude.rss',
      action: null,
    });
    assert.equal(p.decide([resolved(crit)], { ...ctx, now: T0 + 6 * MIN }).length, 0, 'only one');
    // A critical alert never announced (it fired during a pause) resolves silently.
    const q = new NotificationPolicy();
    q.decide([crit], { ...ctx, settings: settings({ pausedUntil: T0 + 1 }) });
    assert.equal(q.decide([resolved(crit)], { ...ctx, now: T0 + MIN }).length, 0);
  });

  test('pause: nothing while paused; what still fires when it ends is announced then, with its fix', () => {
    const p = new NotificationPolicy();
    const paused = settings({ pausedUntil: T0 + 60 * MIN });
    const live = memAlert({ fixIds: ['fx1'] });
    assert.equal(p.decide([live], { now: T0, settings: paused, fixes: [stop], alerts: [live] }).length, 0);
    assert.equal(p.decide([], { now: T0 + 30 * MIN, settings: paused, fixes: [stop], alerts: [live] }).length, 0, 'still paused');
    const after = p.decide([], { now: T0 + 61 * MIN, settings: paused, fixes: [stop], alerts: [live] });
    assert.deepEqual(after.map((n) => [n.tag, n.action?.fixId]), [['mem.used', 'fx1']]);
    assert.equal(p.decide([], { now: T0 + 62 * MIN, settings: paused, fixes: [stop], alerts: [live] }).length, 0, 'once');
  });

  test('pause: an alert that cleared during the pause is not announced after it', () => {
    const p = new NotificationPolicy();
    const paused = settings({ pausedUntil: T0 + 60 * MIN });
    assert.equal(p.decide([memAlert()], { now: T0, settings: paused, fixes: [], alerts: [memAlert()] }).length, 0);
    assert.equal(p.decide([], { now: T0 + 61 * MIN, settings: paused, fixes: [], alerts: [] }).length, 0);
  });

  test('snooze silences one alert until its time', () => {
    const p = new NotificationPolicy();
    const s = settings({ snoozed: { 'mem.used': T0 + 30 * MIN } });
    const out = p.decide([memAlert(), memAlert({ id: 'swap', title: 'Swap storm' })], { now: T0, settings: s, fixes: [] });
    assert.deepEqual(out.map((n) => n.tag), ['swap']);
    assert.equal(p.decide([memAlert()], { now: T0 + 31 * MIN, settings: s, fixes: [] }).length, 1, 'after the snooze it may notify');
  });

  test('info alerts stay in the tray', () => {
    const p = new NotificationPolicy();
    assert.equal(p.decide([memAlert({ id: 'zombie', severity: 'info' })], { now: T0, settings: settings(), fixes: [] }).length, 0);
  });

  test('a re-fire inside the cooldown after a resolve is suppressed; after it, it notifies', () => {
    const p = new NotificationPolicy();
    const s = settings({ cooldownSeconds: 600 });
    assert.equal(p.decide([memAlert()], { now: T0, settings: s, fixes: [] }).length, 1);
    p.decide([resolved(memAlert())], { now: T0 + MIN, settings: s, fixes: [] });
    assert.equal(p.decide([memAlert()], { now: T0 + 2 * MIN, settings: s, fixes: [] }).length, 0, 'flapping is not news');
    p.decide([resolved(memAlert())], { now: T0 + 3 * MIN, settings: s, fixes: [] });
    assert.equal(p.decide([memAlert()], { now: T0 + 11 * MIN, settings: s, fixes: [] }).length, 1);
  });

  test('issue 13 #4: an alert that fires again inside the cooldown and stays is announced when the cooldown ends', () => {
    const p = new NotificationPolicy();
    const s = settings({ cooldownSeconds: 600 });
    assert.equal(p.decide([memAlert()], { now: T0, settings: s, fixes: [] }).length, 1);
    p.decide([resolved(memAlert())], { now: T0 + MIN, settings: s, fixes: [], alerts: [] });
    const back = memAlert();
    assert.equal(p.decide([back], { now: T0 + 2 * MIN, settings: s, fixes: [], alerts: [back] }).length, 0, 'inside the cooldown');
    assert.equal(p.decide([], { now: T0 + 9 * MIN, settings: s, fixes: [], alerts: [back] }).length, 0, 'still inside');
    assert.equal(p.decide([], { now: T0 + 10 * MIN + 1, settings: s, fixes: [], alerts: [back] }).length, 1, 'it stayed: announced');
  });

  test('a destructive top fix is offered by a label that says what happens (the click confirms); no fix points to the window', () => {
    const p = new NotificationPolicy();
    const hard = fix({ id: 'h', title: 'Stop all claude processes', destructive: true });
    const [n] = p.decide([memAlert({ fixIds: ['missing', 'h'] })], { now: T0, settings: settings(), fixes: [hard] });
    assert.deepEqual(n.action, { label: 'Stop all claude processes', fixId: 'h' });
    const [m] = p.decide([memAlert({ id: 'x', title: 'x', detail: '' })], { now: T0, settings: settings(), fixes: [] });
    assert.equal(m.body, 'Open Headroom for details');
    assert.equal(m.action, null);
  });

  test('fix results read as outcomes', () => {
    const ok = fixResultNotification({ ok: true, summary: 'Stopped 12 processes', freedBytes: 4.1 * GiB, fixId: 'f' }, 'Stop 12 older claude processes');
    assert.equal(ok.title, 'Stopped 12 processes, 4.1 GB freed');
    assert.equal(ok.silent, true);
    const failed = fixResultNotification({ ok: false, summary: '3 of 12 could not be stopped: permission denied', freedBytes: 0, fixId: 'f' }, 'Stop 12 older claude processes');
    assert.equal(failed.title, 'Could not finish: Stop 12 older claude processes');
    assert.equal(failed.body, '3 of 12 could not be stopped: permission denied');
  });
});
