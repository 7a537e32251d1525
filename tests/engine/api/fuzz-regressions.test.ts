/**
 * Bugs the reliability fuzzing (reliability/fuzz/api-handlers.test.ts) found in
 * the handler table, each pinned here on a real Headroom.
 */

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createApi, type Api } from '../../../src/main/engine/api/handlers.ts';
import { startTestHeadroom, type TestHeadroom } from './fixture.ts';

describe('handler table: fuzzing regressions', () => {
  let t: TestHeadroom;
  let api: Api;
  before(() => {
    t = startTestHeadroom({}, { start: false });
    api = createApi({ ...t.h, log: t.h.log });
  });
  after(async () => {
    await t.dispose();
  });

  test('report:export with a period starting in the future is a bad request, not an internal error', async () => {
    for (const sinceMs of [Date.now() + 86_400_000, 1e15]) {
      const r = await api.dispatch('report:export', { sinceMs, format: 'md' });
      assert.equal(r.ok, false);
      assert.equal(r.ok ? null : r.error.code, 'bad-request');
      assert.match(r.ok ? '' : r.error.message, /sinceMs must be in the past/);
    }
    const past = await api.dispatch('report:export', { sinceMs: Date.now() - 3_600_000, format: 'html' });
    assert.equal(past.ok, true, past.ok ? '' : past.error.message);
  });

  test('an open-ended number above its maximum says "at most", not "at least"', async () => {
    const r = await api.dispatch('history:query', { series: 'system.mem.used', sinceMs: 0, maxPoints: 1e300 });
    assert.equal(r.ok ? null : r.error.code, 'bad-request');
    assert.match(r.ok ? '' : r.error.message, /^maxPoints must be at most \d+$/);
  });

  test('settings:set names an inherited property name as an unknown setting, and changes nothing', async () => {
    const before = JSON.stringify(t.h.settings.get());
    for (const [patch, named] of [
      [{ valueOf: 5 }, 'valueOf'],
      [{ toString: { a: 1 } }, 'toString'],
      [{ alerts: { hasOwnProperty: 1 } }, 'alerts.hasOwnProperty'],
    ] as const) {
      const r = await api.dispatch('settings:set', patch);
      assert.equal(r.ok ? null : r.error.code, 'bad-request');
      assert.match(r.ok ? '' : r.error.message, new RegExp(`unknown setting "${named.replace('.', '\\.')}"`));
    }
    assert.equal(JSON.stringify(t.h.settings.get()), before);
  });

  test('settings:set refuses to change the schema version (the next start would discard the file as "newer")', async () => {
    const r = await api.dispatch('settings:set', { version: 2 });
    assert.equal(r.ok ? null : r.error.code, 'bad-request');
    assert.match(r.ok ? '' : r.error.message, /version/);
    assert.equal(t.h.settings.get().version, 1);
    const same = await api.dispatch('settings:set', { version: 1, alerts: { cooldownSeconds: 99 } });
    assert.equal(same.ok, true, 'sending the current version back with a change is fine');
  });
});
