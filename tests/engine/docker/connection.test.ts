/**
 * Finding the engine and naming what is wrong when it cannot be reached:
 * the resolution rules on described machines, and the real outcomes on this
 * one (a real daemon, a missing socket, a stale socket nobody listens on).
 */

import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  classifyDockerError,
  createDockerConnection,
  parseDockerHost,
  resolveEndpoints,
  socketCandidates,
  systemResolveEnv,
  type ResolveEnv,
} from '../../../src/main/engine/collectors/docker/connection.ts';
import { DOCKER_SOCKET, requireEngine } from './engine-helper.ts';

function machine(opts: { env?: Record<string, string>; platform?: NodeJS.Platform; sockets?: string[]; binaries?: string[] }): ResolveEnv {
  const sockets = new Set(opts.sockets ?? []);
  const bins = new Set(opts.binaries ?? []);
  return { env: opts.env ?? {}, platform: opts.platform ?? 'linux', home: '/home/dev', exists: (p) => sockets.has(p), installed: (b) => bins.has(b) };
}

test('candidate sockets on Linux: system, Docker Desktop, rootless, Podman — in that order', () => {
  const paths = socketCandidates({ env: { XDG_RUNTIME_DIR: '/run/user/1000' }, platform: 'linux', home: '/home/dev' }).map((c) => c.path);
  assert.deepEqual(paths, [
    '/var/run/docker.sock',
    '/home/dev/.docker/run/docker.sock',
    '/home/dev/.docker/desktop/docker.sock',
    '/run/user/1000/docker.sock',
    '/run/user/1000/podman/podman.sock',
    '/run/podman/podman.sock',
  ]);
  assert.equal(socketCandidates({ env: {}, platform: 'win32', home: 'C:/Users/dev' })[0].path, '//./pipe/docker_engine');
});

test('DOCKER_HOST is honoured alone, and the settings host wins over it', () => {
  const m = machine({ env: { DOCKER_HOST: 'unix:///tmp/custom.sock' }, sockets: ['/var/run/docker.sock'] });
  assert.deepEqual(resolveEndpoints('', m), { ok: true, endpoints: [{ kind: 'socket', path: '/tmp/custom.sock', via: 'DOCKER_HOST' }] });
  const fromSettings = resolveEndpoints('tcp://10.0.0.5:2375', m);
  assert.deepEqual(fromSettings, { ok: true, endpoints: [{ kind: 'tcp', host: '10.0.0.5', port: 2375, protocol: 'http', via: 'settings' }] });
});

test('DOCKER_HOST forms: unix, npipe, tcp with TLS port, ssh; garbage is a clear error state', () => {
  assert.deepEqual(parseDockerHost('npipe:////./pipe/docker_engine', 'x'), { kind: 'socket', path: '//./pipe/docker_engine', via: 'x' });
  assert.equal((parseDockerHost('tcp://h:2376', 'x') as { protocol: string }).protocol, 'https');
  assert.equal((parseDockerHost('tcp://h:2375', 'x', { DOCKER_TLS_VERIFY: '1' }) as { protocol: string }).protocol, 'https');
  assert.deepEqual(parseDockerHost('ssh://me@box', 'x'), { kind: 'tcp', host: 'box', port: 22, protocol: 'ssh', username: 'me', via: 'x' });
  const bad = resolveEndpoints('', machine({ env: { DOCKER_HOST: 'ftp://nope' } }));
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.status, 'error');
  assert.match(!bad.ok ? bad.message : '', /unsupported scheme "ftp"/);
});

test('every present socket is tried in order; none present → not-running if an engine is installed, else not-installed', () => {
  const both = resolveEndpoints('', machine({ sockets: ['/home/dev/.docker/run/docker.sock', '/var/run/docker.sock'] }));
  assert.deepEqual(both.ok && both.endpoints.map((e) => (e.kind === 'socket' ? e.path : '')), ['/var/run/docker.sock', '/home/dev/.docker/run/docker.sock']);
  const stopped = resolveEndpoints('', machine({ binaries: ['docker'] }));
  assert.equal(!stopped.ok && stopped.status, 'not-running');
  const podmanOnly = resolveEndpoints('', machine({ binaries: ['podman'] }));
  assert.equal(!podmanOnly.ok && podmanOnly.status, 'not-running');
  const nothing = resolveEndpoints('', machine({}));
  assert.equal(!nothing.ok && nothing.status, 'not-installed');
});

test('errors map to states with reasons a user can act on', () => {
  const sock = { kind: 'socket', path: '/var/run/docker.sock', via: 't' } as const;
  const err = (code: string) => Object.assign(new Error(code), { code });
  assert.equal(classifyDockerError(err('ECONNREFUSED'), sock).status, 'not-running');
  assert.equal(classifyDockerError(err('ENOENT'), sock).status, 'not-running');
  const perm = classifyDockerError(err('EACCES'), sock);
  assert.equal(perm.status, 'error');
  assert.match(perm.message, /docker" group/);
  const http = classifyDockerError(Object.assign(new Error('(HTTP code 500) server error'), { statusCode: 500, json: { message: 'boom' } }), sock);
  assert.equal(http.status, 'error');
  assert.match(http.message, /HTTP 500\): boom/);
});

// ─── Against this machine ────────────────────────────────────────────────────

let dir: string;
before(async () => {
  await requireEngine();
  dir = mkdtempSync(join(tmpdir(), 'hr-conn-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('the real daemon: resolved from the usual sockets and connected', async () => {
  const logs: string[] = [];
  const env = systemResolveEnv({ ...process.env, DOCKER_HOST: '' });
  const conn = createDockerConnection({ host: '', log: (l) => logs.push(l), resolveEnv: env });
  const client = await conn.ensure();
  assert.ok(client, `not connected: ${JSON.stringify(conn.state())}`);
  assert.deepEqual(conn.state(), { status: 'ok', message: null });
  assert.equal(client.endpoint.kind === 'socket' && client.endpoint.path, DOCKER_SOCKET);
  const v = await client.version();
  assert.match(v.ApiVersion, /^1\.\d+$/);
});

test('a socket path that does not exist: not-running, retried later with backoff, never a throw', async () => {
  let now = 1_000_000;
  const missing = join(dir, 'nope.sock');
  const conn = createDockerConnection({ host: `unix://${missing}`, log: () => {}, now: () => now, minBackoffMs: 1000 });
  assert.equal(await conn.ensure(), null);
  assert.equal(conn.state().status, 'not-running');
  assert.match(conn.state().message ?? '', /nope\.sock/);
  assert.equal(conn.retryInMs(), 1000);
  // Within the backoff no new attempt is made; after it, one is, and the backoff doubles.
  assert.equal(await conn.ensure(), null);
  now += 1000;
  assert.equal(await conn.ensure(), null);
  assert.equal(conn.retryInMs(), 2000);
});

test('a stale socket nobody listens on: connection refused → not-running; the real socket set later connects', async () => {
  const live = join(dir, 'live.sock');
  const stale = join(dir, 'stale.sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(live, r));
  linkSync(live, stale); // the link outlives the listener: a socket file with no one behind it
  await new Promise<void>((r) => server.close(() => r()));
  let now = 5_000_000;
  const conn = createDockerConnection({ host: `unix://${stale}`, log: () => {}, now: () => now });
  assert.equal(await conn.ensure(), null);
  assert.deepEqual(conn.state().status, 'not-running');
  assert.match(conn.state().message ?? '', /connection refused/);
  conn.setHost(`unix://${DOCKER_SOCKET}`);
  assert.ok(await conn.ensure());
  assert.equal(conn.state().status, 'ok');
});
