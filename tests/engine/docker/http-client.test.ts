/**
 * The Engine API client on node:http (collectors/docker/http-client.ts), which
 * replaced dockerode for sockets and TCP: read-only calls against the real
 * daemon, the engine's own errors as the fixes read them, and the transport's
 * failures from sockets this test serves itself (a daemon that never answers,
 * one that answers 500 in plain text). ssh:// still goes through dockerode,
 * loaded only then: checked in a fresh process.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createDockerClient, engineMessage, engineStatusCode } from '../../../src/main/engine/collectors/docker/client.ts';
import { classifyDockerError } from '../../../src/main/engine/collectors/docker/connection.ts';
import { queryString } from '../../../src/main/engine/collectors/docker/http-client.ts';
import { DOCKER_SOCKET, REPO_ROOT, requireEngine } from './engine-helper.ts';

let dir = '';
const servers: Server[] = [];
const sockets: Socket[] = [];

/** A unix socket served by `onData` (each connection), closed after the test file. */
function serve(name: string, onData: (sock: Socket, request: string) => void): Promise<string> {
  const path = join(dir, name);
  const server = createServer((sock) => {
    sockets.push(sock);
    let buf = '';
    sock.on('data', (d) => {
      buf += String(d);
      if (buf.includes('\r\n\r\n')) onData(sock, buf);
    });
    sock.on('error', () => {});
  });
  servers.push(server);
  return new Promise((resolve) => server.listen(path, () => resolve(path)));
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-http-client-'));
  await requireEngine();
});

after(() => {
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

test('read-only calls against the real daemon: ping, version, every container, system df', async () => {
  const c = createDockerClient({ kind: 'socket', path: DOCKER_SOCKET, via: 'test' });
  try {
    await c.ping();
    const v = await c.version();
    assert.match(v.ApiVersion, /^\d+\.\d+$/);
    // Containers come and go while other test files run: those the CLI lists both before and after our call must be in it.
    const cli = () => execFileSync('docker', ['ps', '-aq', '--no-trunc'], { encoding: 'utf8', env: { ...process.env, DOCKER_HOST: `unix://${DOCKER_SOCKET}` } }).split('\n').filter(Boolean);
    const before = cli();
    const list = await c.listContainers();
    const stable = cli().filter((id) => before.includes(id));
    const ours = new Set(list.map((x) => x.Id));
    for (const id of stable) assert.ok(ours.has(id), `container ${id} missing from listContainers`);
    for (const x of list) assert.ok(x.Names[0]?.startsWith('/'), `${x.Id}: names as the engine gives them`);
    const df = await c.systemDf();
    assert.ok(Array.isArray(df.Images));
  } finally {
    c.close();
  }
});

test('an engine refusal carries its status and its own message, as the fixes read them', async () => {
  const c = createDockerClient({ kind: 'socket', path: DOCKER_SOCKET, via: 'test' });
  try {
    const err = await c.inspectContainer('hr-test-no-such-container-ever').then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err, 'inspecting a missing container must reject');
    assert.equal(engineStatusCode(err), 404);
    assert.match(engineMessage(err), /^No such container: hr-test-no-such-container-ever$/);
    // A name with characters that mean something in a URL stays one path segment: the engine looks for that volume.
    const odd = await c.inspectVolume('hr-test no?such#volume&all=1').then(
      () => null,
      (e: unknown) => e,
    );
    assert.equal(engineStatusCode(odd), 404);
    assert.match(engineMessage(odd), /hr-test no\?such#volume&all=1/);
  } finally {
    c.close();
  }
});

test('a daemon that accepts and never answers: the request bound ends the call as a timeout', async () => {
  const path = await serve('silent.sock', () => {});
  const c = createDockerClient({ kind: 'socket', path, via: 'test' }, { requestTimeoutMs: 300 });
  const err = await c.listContainers().then(
    () => null,
    (e: unknown) => e,
  );
  assert.equal((err as { code?: string }).code, 'ETIMEDOUT');
  assert.deepEqual(classifyDockerError(err, c.endpoint), { status: 'error', message: `Docker did not answer in time on ${path}` });
  c.close();
});

test('a plain-text 500 and a socket nobody listens on: the status and text, or the socket error code', async () => {
  const path = await serve('plain500.sock', (sock) => sock.end('HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nengine broke'));
  const c = createDockerClient({ kind: 'socket', path, via: 'test' });
  const err = await c.systemDf().then(
    () => null,
    (e: unknown) => e,
  );
  assert.equal(engineStatusCode(err), 500);
  assert.equal(engineMessage(err), 'engine broke');
  c.close();

  const gone = createDockerClient({ kind: 'socket', path: join(dir, 'nobody.sock'), via: 'test' });
  const e2 = await gone.ping().then(
    () => null,
    (e: unknown) => e,
  );
  assert.equal((e2 as { code?: string }).code, 'ENOENT');
  assert.equal(engineStatusCode(e2), null);
});

test('query strings: booleans as true/false, JSON filters encoded, undefined left out', () => {
  assert.equal(queryString({ all: true, v: false, t: 10, skip: undefined }), '?all=true&v=false&t=10');
  assert.equal(queryString({ filters: JSON.stringify({ id: ['a b'] }) }), '?filters=%7B%22id%22%3A%5B%22a%20b%22%5D%7D');
  assert.equal(queryString({}), '');
});

test('dockerode is loaded only for an ssh:// engine, on its first call (fresh process)', () => {
  const script = `
    import Module from 'node:module';
    import { createDockerClient } from './src/main/engine/collectors/docker/client.ts';
    const loaded = () => Object.keys(Module._cache).some((k) => k.includes('/node_modules/dockerode/'));
    const http = createDockerClient({ kind: 'socket', path: ${JSON.stringify(DOCKER_SOCKET)}, via: 'test' });
    await http.ping();
    const afterSocket = loaded();
    const ssh = createDockerClient({ kind: 'tcp', host: '127.0.0.1', port: 1, protocol: 'ssh', via: 'test' }, { requestTimeoutMs: 5000 });
    const beforeCall = loaded();
    const err = await ssh.ping(5000).then(() => null, (e) => e);
    console.log(JSON.stringify({ afterSocket, beforeCall, afterSsh: loaded(), failed: err !== null }));
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop() as string), { afterSocket: false, beforeCall: false, afterSsh: true, failed: true });
});
