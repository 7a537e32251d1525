/**
 * The renderer's web transport and state, under Node, against the real web
 * server and a real running Headroom (the `ws` package stands in for the
 * browser's WebSocket class): calls, errors as ApiError, pushes, the page's
 * state store, history asked for early, and losing and regaining the server.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createApi } from '../../src/main/engine/api/handlers.ts';
import { startWebServer, type WebServer } from '../../src/main/engine/server/server.ts';
import { DEFAULT_RANGE, OVERVIEW_SERIES, requestEarlyHistory } from '../../src/renderer/history.ts';
import { Store, type StateKey } from '../../src/renderer/state.ts';
import { toApiError } from '../../src/renderer/transport/errors.ts';
import { createWsApi, socketUrlFor, type ConnectionStatus, type SocketClass, type WsApi } from '../../src/renderer/transport/ws.ts';
import type { Snapshot } from '../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';
import { startTestHeadroom, type TestHeadroom } from '../engine/api/fixture.ts';
import { waitUntil } from '../helpers/procs.ts';

const Socket = WebSocket as unknown as SocketClass;

describe('socketUrlFor and toApiError', () => {
  test('the socket sits at /<token>/ws next to the page, whatever the page’s path, query or route', () => {
    assert.equal(socketUrlFor('http://127.0.0.1:4000/abc/'), 'ws://127.0.0.1:4000/abc/ws');
    assert.equal(socketUrlFor('http://127.0.0.1:4000/abc/index.html?x=1#/alerts/mem'), 'ws://127.0.0.1:4000/abc/ws');
    assert.equal(socketUrlFor('https://box.example/abc/'), 'wss://box.example/abc/ws');
  });

  test('any rejection becomes { code, message }', () => {
    assert.deepEqual(toApiError({ code: 'stale', message: 'old' }), { code: 'stale', message: 'old' });
    assert.deepEqual(toApiError({ code: 'weird', message: 'x' }), { code: 'internal', message: 'x' });
    assert.deepEqual(toApiError(new Error('Error invoking remote method: boom')), { code: 'internal', message: 'Error invoking remote method: boom' });
    assert.deepEqual(toApiError('text'), { code: 'internal', message: 'text' });
    assert.deepEqual(toApiError(null), { code: 'internal', message: 'request failed' });
    assert.deepEqual(toApiError({ code: 'refused' }), { code: 'refused', message: 'request failed' });
  });
});

describe('the web transport against the real server', () => {
  let t: TestHeadroom;
  let server: WebServer;
  let rendererDir: string;
  const apis: WsApi[] = [];
  const open = (url = socketUrlFor(server.url)) => {
    const api = createWsApi(url, Socket);
    apis.push(api);
    return api;
  };

  before(async () => {
    t = startTestHeadroom();
    rendererDir = mkdtempSync(join(tmpdir(), 'headroom-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>test</title>');
    server = await startWebServer({ api: createApi({ ...t.h, log: t.h.log }), pushes: t.h.engine, rendererDir, log: t.h.log });
    await t.nextSnapshot();
  });
  after(async () => {
    for (const a of apis) a.close();
    await server.close();
    await t.dispose();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  test('a call made before the socket opens waits for it; statuses go connecting → open', async () => {
    const api = open();
    const seen: ConnectionStatus[] = [];
    api.onStatus((s) => seen.push(s));
    const settings = await api.invoke('settings:get', undefined);
    assert.deepEqual(settings.history, DEFAULT_SETTINGS.history);
    assert.deepEqual(seen, ['connecting', 'open']);
  });

  test('a refused call rejects with the handler table’s ApiError', async () => {
    const api = open();
    const err = await api.invoke('history:query', { series: '', sinceMs: 0 }).then(
      () => null,
      (e: unknown) => toApiError(e),
    );
    assert.equal(err?.code, 'bad-request');
    assert.match(err?.message ?? '', /series/);
  });

  test('pushes reach the page’s state store, and refresh() reads everything', async () => {
    const api = open();
    const store = new Store(api);
    const keys: StateKey[] = [];
    const off = store.subscribe((k) => keys.push(k));
    await store.refresh();
    assert.ok(store.state.snapshot, 'snapshot');
    assert.deepEqual(store.state.settings?.history, DEFAULT_SETTINGS.history);
    assert.ok(Array.isArray(store.state.alerts) && Array.isArray(store.state.fixes) && Array.isArray(store.state.trends));
    for (const k of ['snapshot', 'alerts', 'fixes', 'settings', 'trends'] as const) assert.ok(keys.includes(k), k);
    const before = store.state.snapshot!.t;
    await waitUntil(() => store.state.snapshot!.t > before, 5000, 'a snapshot push');
    off();
    const n = keys.length;
    store.set('fixes', []);
    assert.equal(keys.length, n, 'unsubscribed');
  });

  test('one broken listener does not keep the others from their update', () => {
    const store = new Store(open());
    const got: StateKey[] = [];
    const logged: unknown[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args[0]);
    try {
      store.subscribe(() => {
        throw new Error('view bug');
      });
      store.subscribe((k) => got.push(k));
      store.set('alerts', []);
    } finally {
      console.error = consoleError;
    }
    assert.deepEqual(got, ['alerts']);
    assert.deepEqual(logged, ['view update for alerts failed']);
  });

  test('history asked for early is what the overview would have asked: its series, the default range, live', async () => {
    const api = open();
    const now = Date.now();
    const early = requestEarlyHistory(api, OVERVIEW_SERIES, DEFAULT_RANGE.ms, now);
    const results = await early.results;
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? r.value.series : r.reason)),
      [...OVERVIEW_SERIES],
    );
    const mem = results[0].status === 'fulfilled' ? results[0].value : null;
    assert.ok(mem && mem.t.length > 0, 'the running engine has recorded memory');
    assert.equal(mem.tier, 'raw');
    assert.ok(mem.t.every((x) => x >= now - DEFAULT_RANGE.ms));
    const direct = t.h.history!.query({ series: 'system.mem.used', sinceMs: now - DEFAULT_RANGE.ms });
    assert.deepEqual(mem.t, direct.t.slice(0, mem.t.length), 'the same samples the store holds');
  });

  test('a lost server fails the calls in flight, a call made meanwhile waits, and it goes on once the server is back', async () => {
    const api = open();
    await api.invoke('settings:get', undefined);
    const seen: ConnectionStatus[] = [];
    api.onStatus((s) => seen.push(s));
    const port = server.port;
    const token = server.token;
    await server.close();
    await waitUntil(() => seen.includes('closed'), 5000, 'the client to notice');
    const during = api.invoke('alerts:list', undefined);
    server = await startWebServer({ api: createApi({ ...t.h, log: t.h.log }), pushes: t.h.engine, rendererDir, log: t.h.log, port, token });
    assert.ok(Array.isArray(await during));
    assert.equal(seen.at(-1), 'open');
  });

  test('close() is for good: waiting and later calls fail, and it does not reconnect', async () => {
    const api = createWsApi(`ws://127.0.0.1:${server.port}/not-the-token/ws`, Socket);
    const waitingCall = api.invoke('alerts:list', undefined).then(
      () => 'answered',
      (e: unknown) => toApiError(e).message,
    );
    api.close();
    assert.match(await waitingCall, /closed/);
    await assert.rejects(api.invoke('alerts:list', undefined), (e: unknown) => /closed/.test(toApiError(e).message));
    const seen: ConnectionStatus[] = [];
    api.onStatus((s) => seen.push(s));
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(seen, ['closed']);
  });
});
