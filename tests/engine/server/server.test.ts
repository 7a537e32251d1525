/**
 * The web mode's server over a real Headroom: the token on every HTTP and
 * WebSocket request, Host and Origin checks against DNS rebinding, loopback by
 * default, security headers, pushes, and clients that vanish or stop reading.
 */

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { createApi } from '../../../src/main/engine/api/handlers.ts';
import { ServerOptionError, startWebServer, type WebServer } from '../../../src/main/engine/server/server.ts';
import { startTestHeadroom, type TestHeadroom } from '../api/fixture.ts';
import { waitUntil } from '../../helpers/procs.ts';

interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers, setHost: !('Host' in headers) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    if ('Host' in headers) req.setHeader('Host', headers.Host);
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket; resolves with it when open, or with the HTTP status of the refusal. */
function openWs(url: string, opts: WebSocket.ClientOptions = {}): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, opts);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
    });
    ws.once('error', (err) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(err);
    });
  });
}

/** Sends one request over an open socket and waits for its reply. */
function call(ws: WebSocket, id: number, channel: unknown, arg?: unknown): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as Record<string, unknown>;
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, channel, arg }));
  });
}

/** A raw TCP WebSocket handshake, so the test controls reading (or not reading) the socket. */
async function rawWsClient(port: number, path: string): Promise<Socket> {
  const sock = netConnect(port, '127.0.0.1');
  await new Promise<void>((r, j) => sock.once('connect', r).once('error', j));
  const key = randomBytes(16).toString('base64');
  sock.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const head = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString('latin1');
      if (buf.includes('\r\n\r\n')) {
        sock.off('data', onData);
        resolve(buf);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
  });
  assert.match(head, /^HTTP\/1\.1 101/);
  sock.on('error', () => {});
  return sock;
}

describe('web server', () => {
  let t: TestHeadroom;
  let server: WebServer;
  let rendererDir: string;
  let base: string;

  before(async () => {
    t = startTestHeadroom();
    rendererDir = mkdtempSync(join(tmpdir(), 'headroom-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Headroom test page</title><script defer src="./main.js"></script>');
    writeFileSync(join(rendererDir, 'main.js'), 'console.log("headroom")');
    server = await startWebServer({ api: createApi({ ...t.h, log: t.h.log }), pushes: t.h.engine, rendererDir, log: t.h.log });
    base = `/${server.token}`;
  });
  after(async () => {
    await server.close();
    await t.dispose();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  test('binds loopback by default, on a port the system picked, and prints a token URL', () => {
    assert.equal(server.host, '127.0.0.1');
    assert.ok(server.port > 0);
    assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(server.url, `http://127.0.0.1:${server.port}/${server.token}/`);
  });

  test('is not reachable through the machine’s other addresses', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    const target = external?.address ?? '127.0.0.2';
    // 127.0.0.2 is loopback but not the bound address: refused just the same when no other interface exists.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = netConnect(server.port, target);
        s.once('connect', () => {
          s.destroy();
          resolve(null);
        });
        s.once('error', reject);
      }),
      /ECONNREFUSED/,
    );
  });

  test('a public address needs allowRemote', async () => {
    await assert.rejects(startWebServer({ api: createApi(t.h), rendererDir, host: '0.0.0.0' }), ServerOptionError);
  });

  test('HTTP without the right token is refused with 401', async () => {
    for (const path of ['/', '/index.html', '/main.js', '/ws', `/${'A'.repeat(43)}/`, `/${server.token.slice(0, -1)}/`, `/${server.token}x/`, `/x${base}/`]) {
      const r = await get(server.port, path);
      assert.equal(r.status, 401, path);
      assert.doesNotMatch(r.body, /Headroom test page/);
      assert.equal(r.headers['cache-control'], 'no-store');
    }
  });

  test('HTTP with the token serves the page with security headers', async () => {
    const r = await get(server.port, `${base}/`);
    assert.equal(r.status, 200);
    assert.match(r.body, /Headroom test page/);
    assert.match(String(r.headers['content-type']), /^text\/html/);
    assert.match(String(r.headers['content-security-policy']), /default-src 'self'/);
    assert.match(String(r.headers['content-security-policy']), /script-src 'self'(;|$)/);
    assert.match(String(r.headers['content-security-policy']), /frame-ancestors 'none'/);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['cache-control'], 'no-store');
    const js = await get(server.port, `${base}/main.js`);
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /^text\/javascript/);
    assert.equal((await get(server.port, base)).status, 308);
    assert.equal((await get(server.port, `${base}/nope.js`)).status, 404);
    assert.equal((await get(server.port, `${base}/../../etc/passwd`)).status, 404);
    assert.equal((await get(server.port, `${base}/%2e%2e/%2e%2e/etc/passwd`)).status, 404);
    assert.equal((await get(server.port, `${base}/`, {}, 'POST')).status, 405);
  });

  test('a foreign Host header is refused even with the token (DNS rebinding)', async () => {
    for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1.nip.io:${server.port}`, `127.0.0.1:${server.port + 1}`, `10.0.0.5:${server.port}`, '']) {
      const r = await get(server.port, `${base}/`, { Host: host });
      assert.equal(r.status, 403, `Host: ${host}`);
      assert.doesNotMatch(r.body, /Headroom test page/);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      assert.equal((await get(server.port, `${base}/`, { Host: host })).status, 200, `Host: ${host}`);
    }
  });

  test('a cross-origin request is refused', async () => {
    const r = await get(server.port, `${base}/`, { Origin: 'http://evil.example' });
    assert.equal(r.status, 403);
    assert.equal((await get(server.port, `${base}/`, { Origin: `http://127.0.0.1:${server.port}` })).status, 200);
  });

  test('WebSocket without the token, with a foreign Host or Origin is refused', async () => {
    const p = server.port;
    assert.deepEqual(await openWs(`ws://127.0.0.1:${p}/ws`), { status: 401 });
    assert.deepEqual(await openWs(`ws://127.0.0.1:${p}/${'B'.repeat(43)}/ws`), { status: 401 });
    assert.deepEqual(await openWs(`ws://127.0.0.1:${p}${base}/ws`, { origin: 'http://evil.example' }), { status: 403 });
    assert.deepEqual(await openWs(`ws://127.0.0.1:${p}${base}/ws`, { headers: { Host: `evil.example:${p}` } }), { status: 403 });
    assert.deepEqual(await openWs(`ws://127.0.0.1:${p}${base}/nope`), { status: 404 });
  });

  test('WebSocket with the token answers calls and receives pushes', async () => {
    const opened = await openWs(`ws://127.0.0.1:${server.port}${base}/ws`, { origin: `http://127.0.0.1:${server.port}` });
    assert.ok('ws' in opened);
    const ws = opened.ws;
    try {
      const push = new Promise<Record<string, unknown>>((resolve) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString()) as Record<string, unknown>;
          if (m.push === 'snapshot:push') resolve(m);
        });
      });
      const snap = await call(ws, 1, 'snapshot:get', null);
      assert.equal(snap.ok, true);
      assert.ok(((snap.value as { memory: { totalBytes: number } }).memory.totalBytes) > 0);
      const bad = await call(ws, 2, 'fix:run', { id: '; rm -rf /' });
      assert.equal(bad.ok, false);
      assert.equal((bad.error as { code: string }).code, 'bad-request');
      const unknown = await call(ws, 3, 'shell:exec', 'ls');
      assert.equal((unknown.error as { code: string }).code, 'bad-request');
      const p = (await push) as { payload: { memory: { totalBytes: number } } };
      assert.ok(p.payload.memory.totalBytes > 0);
      // Garbage frames get an error reply and leave the connection usable.
      const garbage = new Promise<Record<string, unknown>>((resolve) => {
        ws.on('message', (d) => {
          const m = JSON.parse(d.toString()) as Record<string, unknown>;
          if (m.id === null) resolve(m);
        });
      });
      ws.send('not json {');
      assert.equal(((await garbage).error as { code: string }).code, 'bad-request');
      assert.equal((await call(ws, 4, 'settings:get')).ok, true);
    } finally {
      ws.close();
    }
  });

  test('clients vanishing mid-push never take the server down', async () => {
    const big = { blob: 'x'.repeat(512 * 1024) };
    const socks = await Promise.all(Array.from({ length: 6 }, () => rawWsClient(server.port, `${base}/ws`)));
    // Push while the clients go away under the server's feet, some abruptly.
    for (let i = 0; i < 30; i++) {
      server.broadcast('alerts:push', big);
      const s = socks[i % socks.length];
      if (i % 5 === 0) s.resetAndDestroy();
      else s.destroy();
      await new Promise((r) => setImmediate(r));
    }
    await waitUntil(() => server.clients.size === 0, 5000, 'the vanished clients to be forgotten');
    const opened = await openWs(`ws://127.0.0.1:${server.port}${base}/ws`);
    assert.ok('ws' in opened, 'the server still accepts clients');
    assert.equal((await call(opened.ws, 1, 'settings:get')).ok, true);
    opened.ws.close();
  });
});

describe('web server: slow clients', () => {
  test('a client that stops reading is dropped instead of buffered without bound, and others keep receiving', async () => {
    const t = startTestHeadroom({}, { start: false });
    const dir = mkdtempSync(join(tmpdir(), 'headroom-renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const server = await startWebServer({ api: createApi(t.h), rendererDir: dir, limits: { maxBufferedBytes: 2 * 1024 * 1024 } });
    try {
      const slow = await rawWsClient(server.port, `/${server.token}/ws`);
      slow.pause(); // reads nothing from now on
      let slowClosed = false;
      slow.on('close', () => (slowClosed = true));
      const fast = await openWs(`ws://127.0.0.1:${server.port}/${server.token}/ws`);
      assert.ok('ws' in fast);
      let received = 0;
      fast.ws.on('message', () => received++);
      const payload = { blob: 'y'.repeat(256 * 1024) };
      for (let i = 0; i < 400 && server.clients.droppedCount === 0; i++) {
        server.broadcast('fixes:push', payload);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.equal(server.clients.droppedCount, 1, 'the slow client was dropped');
      // Reading again, it finds what was sent before the drop, then the end of the connection.
      slow.resume();
      await waitUntil(() => slowClosed, 5000, 'the slow client’s socket to be closed');
      const before = received;
      server.broadcast('fixes:push', { small: true });
      await waitUntil(() => received > before, 5000, 'the fast client to keep receiving');
      assert.equal(server.clients.size, 1);
      fast.ws.close();
    } finally {
      await server.close();
      await t.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
