/**
 * The handler table over a real Headroom: one good call per channel, and the
 * bad calls each validator must refuse with a clear ApiError, never a throw.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { INVOKE_CHANNELS, type HistorySeries } from '../../../src/shared/contract.ts';
import type { FixProposal, FixResult, Snapshot } from '../../../src/shared/model.ts';
import type { Settings } from '../../../src/shared/settings.ts';
import { MAX_POINTS, createApi, type Api, type DispatchResult } from '../../../src/main/engine/api/handlers.ts';
import { ProcessSwarm, isAlive, waitUntil } from '../../helpers/procs.ts';
import { startTestHeadroom, type TestHeadroom } from './fixture.ts';

function ok<T>(r: DispatchResult): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

function refused(r: DispatchResult, code: string, message?: RegExp): void {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r).slice(0, 200)}`);
  if (r.ok) return;
  assert.equal(r.error.code, code, r.error.message);
  assert.equal(typeof r.error.message, 'string');
  assert.ok(r.error.message.length > 0);
  if (message) assert.match(r.error.message, message);
}

describe('dispatch: the handler table', () => {
  let t: TestHeadroom;
  let api: Api;
  const swarm = new ProcessSwarm();

  before(async () => {
    t = startTestHeadroom();
    api = createApi({ ...t.h, log: t.h.log });
    await t.nextSnapshot();
  });
  after(async () => {
    swarm.cleanup();
    await t.dispose();
  });

  test('every contract channel has a handler', async () => {
    for (const ch of INVOKE_CHANNELS) {
      const r = await api.dispatch(ch, undefined);
      if (!r.ok) assert.doesNotMatch(r.error.message, /unknown channel/, ch);
    }
  });

  test('snapshot:get returns the latest snapshot', async () => {
    const s = ok<Snapshot>(await api.dispatch('snapshot:get', undefined));
    assert.ok(s.memory.totalBytes > 0);
    assert.ok(s.groups.length > 0);
    refused(await api.dispatch('snapshot:get', { x: 1 }), 'bad-request', /no argument/);
  });

  test('alerts:list, trends:list, fixes:list return arrays; null counts as no argument (JSON has no undefined)', async () => {
    for (const ch of ['alerts:list', 'trends:list', 'fixes:list'] as const) {
      assert.ok(Array.isArray(ok(await api.dispatch(ch, null))), ch);
      refused(await api.dispatch(ch, 'x'), 'bad-request');
    }
  });

  test('history:query answers from the store and caps maxPoints', async () => {
    const now = Date.now();
    const hist = t.h.history;
    assert.ok(hist);
    // 3000 samples of a series of our own, one per second, so the cap has something to cap.
    for (let i = 0; i < 3000; i++) hist.record(now - (3000 - i) * 1000, [{ series: 'process.group.apitest.rss', value: i, limit: null }]);
    const s = ok<HistorySeries>(await api.dispatch('history:query', { series: 'process.group.apitest.rss', sinceMs: now - 4000_000, maxPoints: 1e9 }));
    assert.equal(s.t.length, MAX_POINTS);
    const few = ok<HistorySeries>(await api.dispatch('history:query', { series: 'process.group.apitest.rss', sinceMs: now - 4000_000, untilMs: now, maxPoints: 50 }));
    assert.ok(few.t.length <= 50 && few.t.length > 0);
    const names = ok<string[]>(await api.dispatch('history:series', undefined));
    assert.ok(names.includes('process.group.apitest.rss'));
  });

  test('history:query refuses malformed queries with a clear message', async () => {
    const now = Date.now();
    const cases: [unknown, RegExp][] = [
      [undefined, /object/],
      [{ sinceMs: now }, /missing key "series"/],
      [{ series: 'system.mem.used' }, /missing key "sinceMs"/],
      [{ series: 42, sinceMs: now }, /series must be a string/],
      [{ series: '', sinceMs: now }, /series must be 1 to 300/],
      [{ series: 'x'.repeat(301), sinceMs: now }, /series must be 1 to 300/],
      [{ series: 'a\u0000b', sinceMs: now }, /invalid format/],
      [{ series: 'system.mem.used', sinceMs: 'yesterday' }, /sinceMs must be a finite number/],
      [{ series: 'system.mem.used', sinceMs: -1 }, /sinceMs must be between/],
      [{ series: 'system.mem.used', sinceMs: now, untilMs: now - 1 }, /untilMs must not be before/],
      [{ series: 'system.mem.used', sinceMs: now, maxPoints: 1.5 }, /maxPoints must be an integer/],
      [{ series: 'system.mem.used', sinceMs: now, maxPoints: 0 }, /maxPoints must be at least 2/],
      [{ series: 'system.mem.used', sinceMs: now, extra: 1 }, /unknown key "extra"/],
      [[1, 2], /object/],
    ];
    for (const [arg, msg] of cases) refused(await api.dispatch('history:query', arg), 'bad-request', msg);
  });

  test('unknown and malformed channels are refused', async () => {
    refused(await api.dispatch('shell:exec', 'ls'), 'bad-request', /unknown channel "shell:exec"/);
    refused(await api.dispatch('__proto__', undefined), 'bad-request', /unknown channel/);
    refused(await api.dispatch('toString', undefined), 'bad-request', /unknown channel/);
    refused(await api.dispatch(42, undefined), 'bad-request', /unknown channel number/);
    refused(await api.dispatch(null, undefined), 'bad-request', /unknown channel/);
  });

  test('fix:preview and fix:run take a well-formed id only, and unknown ids are not-found', async () => {
    const bad: [unknown, RegExp][] = [
      [undefined, /object/],
      [{}, /missing key "id"/],
      [{ id: 12 }, /id must be a string/],
      [{ id: '../../etc/passwd' }, /invalid format/],
      [{ id: 'fx-0123456789', pid: 1 }, /unknown key "pid"/],
      [{ id: 'x'.repeat(10000) }, /longer than|1 to 40/],
      ['fx-0123456789', /object/],
    ];
    for (const ch of ['fix:preview', 'fix:run'] as const) {
      for (const [arg, msg] of bad) refused(await api.dispatch(ch, arg), 'bad-request', msg);
      refused(await api.dispatch(ch, { id: 'fx-0123456789' }), 'not-found', /unknown or stale fix id/);
    }
  });

  test('a real proposal previews by id, and an id whose targets changed is stale', async () => {
    // 12 real processes named like an agent, over a limit of 4 set through settings:set.
    const pids = await swarm.spawnNamed('apitestagent', 12);
    ok(await api.dispatch('settings:set', { alerts: { maxInstances: { apitestagent: 4 } }, remedies: { keepInstances: 2 } }));
    let fix: FixProposal | undefined;
    await waitUntil(
      () => {
        fix = t.h.remedies.list().find((f) => f.targets.some((x) => x.kind === 'process' && pids.includes(x.pid)));
        return fix !== undefined;
      },
      15000,
      'a fix proposal for the apitestagent swarm',
    );
    const target = fix as FixProposal;
    const preview = ok<FixResult>(await api.dispatch('fix:preview', { id: target.id }));
    assert.equal(preview.dryRun, true);
    assert.equal(preview.fixId, target.id);
    assert.ok(pids.every(isAlive), 'a preview stops nothing');

    // One target exits: the next plan has a different id, and the old one is stale.
    const victim = target.targets.find((x) => x.kind === 'process');
    assert.ok(victim && victim.kind === 'process');
    process.kill(victim.pid, 'SIGKILL');
    await waitUntil(() => !t.h.remedies.list().some((f) => f.id === target.id), 15000, 'a new plan without the old id');
    refused(await api.dispatch('fix:run', { id: target.id }), 'stale', /stale/);
    assert.ok(pids.filter((p) => p !== victim.pid).every(isAlive), 'a stale id runs nothing');
  });

  test('settings:get and settings:set: a good patch is saved and applied to the running engine', async () => {
    const before = ok<Settings>(await api.dispatch('settings:get', undefined));
    assert.equal(typeof before.alerts.memWarnPercent, 'number');
    const next = ok<Settings>(
      await api.dispatch('settings:set', {
        alerts: { memWarnPercent: 61 },
        groups: { rules: [{ name: 'api-sleepers', kind: 'other', exe: ['apitestsleeper'] }] },
      }),
    );
    assert.equal(next.alerts.memWarnPercent, 61);
    const onDisk = JSON.parse(readFileSync(join(t.dir, 'settings.json'), 'utf8')) as Settings;
    assert.equal(onDisk.alerts.memWarnPercent, 61);
    // engine.settingsChanged() ran: the new group rule names real processes on the next scan.
    await swarm.spawnNamed('apitestsleeper', 2);
    await waitUntil(() => t.h.engine.latest()?.groups.some((g) => g.name === 'api-sleepers' && g.count === 2) ?? false, 10000, 'the new group rule to apply');
  });

  test('settings:set refuses a bad patch and changes nothing', async () => {
    const before = structuredClone(t.h.settings.get());
    const cases: [unknown, RegExp][] = [
      [{ alerts: { memWarnPercent: 50, memCritPercent: 'high' } }, /alerts\.memCritPercent/],
      [{ alerts: { memWarnPercent: 90, memCritPercent: 80 } }, /memCritPercent/],
      [{ alerts: { nope: 1 } }, /unknown setting "alerts\.nope"/],
      [{ nope: {} }, /unknown setting "nope"/],
      [JSON.parse('{"__proto__": {"polluted": true}}'), /forbidden key "__proto__"/],
      [{ alerts: JSON.parse('{"__proto__": {"polluted": true}}') }, /forbidden key "__proto__"/],
      [{ constructor: { prototype: { polluted: true } } }, /forbidden key "constructor"/],
      [{ groups: { rules: [{ name: 'x'.repeat(5000), kind: 'other' }] } }, /longer than 4096/],
      [{ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } }, /nested too deeply/],
      [{ alerts: { memWarnPercent: Number.NaN } }, /finite number/],
      ['alerts.memWarnPercent=1', /must be an object/],
      [[], /must be an object/],
      [null, /must be an object/],
      [{ when: new Date() }, /plain object/],
    ];
    for (const [arg, msg] of cases) refused(await api.dispatch('settings:set', arg), 'bad-request', msg);
    assert.deepEqual(t.h.settings.get(), before, 'no bad patch was half-applied');
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was polluted');
  });

  test('report:export makes the report of a past period, and refuses malformed requests', async () => {
    const now = Date.now();
    const md = ok<{ text: string; fileName: string }>(await api.dispatch('report:export', { sinceMs: now - 3600_000, format: 'md' }));
    assert.match(md.fileName, /\.md$/);
    assert.ok(md.text.length > 0);
    const html = ok<{ text: string; fileName: string }>(await api.dispatch('report:export', { sinceMs: now - 3600_000, format: 'html' }));
    assert.match(html.fileName, /\.html$/);
    assert.match(html.text, /<html/i);
    const bad: [unknown, RegExp][] = [
      [undefined, /object/],
      [{ sinceMs: now - 1000 }, /missing key "format"/],
      [{ sinceMs: now - 1000, format: 'pdf' }, /format has an invalid format/],
      [{ sinceMs: 'yesterday', format: 'md' }, /sinceMs must be a finite number/],
      [{ sinceMs: now - 1000, format: 'md', path: '/etc/passwd' }, /unknown key "path"/],
    ];
    for (const [arg, msg] of bad) refused(await api.dispatch('report:export', arg), 'bad-request', msg);
  });

  test('values that cannot be inspected are refused, not thrown', async () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
        getPrototypeOf() {
          throw new Error('boom');
        },
      },
    );
    const getter = Object.defineProperty({}, 'id', { enumerable: true, get: () => 'fx-0123456789' });
    refused(await api.dispatch('settings:set', hostile), 'bad-request');
    refused(await api.dispatch('fix:run', getter), 'bad-request', /data property/);
    refused(await api.dispatch('history:query', { series: 'system.mem.used', sinceMs: 10n }), 'bad-request', /unsupported type/);
    refused(await api.dispatch('fix:run', { id: Symbol('x') }), 'bad-request');
  });
});

describe('dispatch: failures inside a part', () => {
  test('history off → refused; a throwing part → internal, logged, never thrown', async () => {
    const t = startTestHeadroom({}, { start: false });
    try {
      const logged: string[] = [];
      const noHistory = createApi({ ...t.h, history: null, log: (l) => logged.push(l) });
      refused(await noHistory.dispatch('history:query', { series: 'system.mem.used', sinceMs: 0 }), 'refused', /history recording is off/);
      refused(await noHistory.dispatch('history:series', undefined), 'refused');
      // A closed history store throws from query(): the caller gets 'internal' with its message.
      await t.h.close();
      const closed = createApi({ ...t.h, log: (l) => logged.push(l) });
      const r = await closed.dispatch('history:query', { series: 'system.mem.used', sinceMs: 0 });
      refused(r, 'internal');
      assert.ok(logged.some((l) => l.startsWith('api: history:query failed')), logged.join('\n'));
    } finally {
      await t.dispose();
    }
  });
});
