/**
 * The local channel end to end on a real Unix socket, served by a real
 * engine (hostEngine: lock + Headroom + channel) with its own data directory.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectChannel } from '../../../src/main/engine/channel/client.ts';
import { encodeFrame, MAX_REQUEST_FRAME_BYTES } from '../../../src/main/engine/channel/frames.ts';
import { hostEngine, type HostedHeadroom } from '../../../src/main/engine/channel/host.ts';
import { EngineLockedError } from '../../../src/main/engine/channel/lock.ts';
import { channelPath, clientHello } from '../../../src/main/engine/channel/protocol.ts';
import type { Snapshot } from '../../../src/shared/model.ts';
import { waitUntil } from '../../helpers/procs.ts';

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hr-chan-'));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, intervals: { systemMs: 250, processesMs: 500, fdsMs: 5000 } }));
  return dir;
}

/** Opens a raw connection and collects the lines the engine sends until it closes. */
function rawSession(path: string, send: (write: (s: string | Buffer) => void) => void): Promise<{ lines: unknown[]; closed: boolean }> {
  return new Promise((resolve) => {
    const s = connect(path);
    let buf = '';
    const lines: unknown[] = [];
    s.on('connect', () => send((x) => s.write(x)));
    s.on('data', (d) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        lines.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
    });
    s.on('error', () => {});
    s.on('close', () => resolve({ lines, closed: true }));
    // Sessions that stay open are ended by the test once it has what it needs.
    setTimeout(() => s.end(), 1500).unref();
  });
}

describe('local channel', () => {
  let dir: string;
  let h: HostedHeadroom;
  const logLines: string[] = [];
  before(async () => {
    dir = dataDir();
    h = await hostEngine('serve', { dataDir: dir, docker: false, log: (l) => logLines.push(l) });
    h.engine.start();
    await new Promise((r) => h.engine.once('alerts', r));
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('listens on a socket in the data directory that only its owner may open', () => {
    const path = channelPath(dir);
    assert.equal(h.channel?.path, path);
    assert.ok(statSync(path).isSocket());
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it('answers the hello with who it is, then serves the contract: same snapshot and alerts as the engine', async () => {
    const c = await connectChannel(channelPath(dir), { needs: ['snapshot:get', 'alerts:list'] });
    try {
      assert.deepEqual({ kind: c.engine.kind, pid: c.engine.pid, dataDir: c.engine.dataDir }, { kind: 'serve', pid: process.pid, dataDir: dir });
      const snap = (await c.invoke('snapshot:get', undefined)) as Snapshot;
      assert.ok(snap.memory.totalBytes > 0);
      assert.ok(snap.t <= (h.engine.latest() as Snapshot).t);
      assert.deepEqual(await c.invoke('alerts:list', undefined), JSON.parse(JSON.stringify(h.engine.alerts())));
      await assert.rejects(c.invoke('history:query', { series: '\u0001', sinceMs: 0 }), (e: { code: string }) => e.code === 'bad-request');
    } finally {
      c.close();
    }
  });

  it('pushes snapshots and alerts to a client that subscribed, and nothing to one that did not', async () => {
    const sub = await connectChannel(channelPath(dir), { subscribe: ['snapshot:push', 'alerts:push'] });
    const quiet = await connectChannel(channelPath(dir));
    let quietGot = 0;
    quiet.on('snapshot:push', () => quietGot++);
    try {
      const snap = await new Promise<Snapshot>((resolve) => sub.on('snapshot:push', resolve));
      const alerts = await new Promise<unknown[]>((resolve) => sub.on('alerts:push', resolve));
      assert.ok(snap.t > 0);
      assert.ok(Array.isArray(alerts));
      assert.equal(quietGot, 0);
    } finally {
      sub.close();
      quiet.close();
    }
  });

  it('a second engine on the same data directory refuses with one line naming the first', async () => {
    await assert.rejects(hostEngine('watch', { dataDir: dir, docker: false, log: () => {} }), (err: Error) => {
      assert.ok(err instanceof EngineLockedError);
      assert.match(err.message, new RegExp(`serve \\(PID ${process.pid}`));
      assert.equal(err.message.split('\n').length, 1);
      return true;
    });
  });

  const refusals: [string, (w: (s: string | Buffer) => void) => void, RegExp][] = [
    ['a request before the hello', (w) => w(encodeFrame({ id: 1, channel: 'snapshot:get' })), /first message must be the channel hello/],
    ['another channel version', (w) => w(encodeFrame({ ...clientHello([]), version: 99 })), /channel version 99 is not spoken here/],
    ['an unknown push channel', (w) => w(encodeFrame({ ...clientHello([]), subscribe: ['secrets:push'] })), /unknown push channel/],
    ['a line longer than the bound', (w) => w(Buffer.alloc(MAX_REQUEST_FRAME_BYTES + 10, 0x61)), /longer than/],
  ];
  for (const [label, send, message] of refusals) {
    it(`${label} gets a refusal and the connection closes; the engine keeps running`, async () => {
      const r = await rawSession(channelPath(dir), send);
      assert.ok(r.closed);
      const last = r.lines.at(-1) as { error?: { message: string } };
      assert.match(last?.error?.message ?? '', message);
      const before = (h.engine.latest() as Snapshot).t;
      await waitUntil(() => (h.engine.latest() as Snapshot).t > before, 5000, 'the next tick');
    });
  }

  it('garbage after the hello gets an error reply and the connection stays usable', async () => {
    const r = await rawSession(channelPath(dir), (w) => {
      w(encodeFrame(clientHello([])));
      w('not json\n');
      w(encodeFrame({ channel: 'snapshot:get' }));
      w(encodeFrame({ id: 7, channel: 'nope:nope' }));
      w(encodeFrame({ id: 8, channel: 'settings:get', arg: null }));
    });
    const replies = r.lines.slice(1) as { id: number | null; ok: boolean; error?: { code: string; message: string } }[];
    assert.deepEqual(
      replies.map((x) => [x.id, x.ok, x.error?.code ?? null]),
      [
        [null, false, 'bad-request'],
        [null, false, 'bad-request'],
        [7, false, 'bad-request'],
        [8, true, null],
      ],
    );
  });
});

describe('leftovers of a killed engine', () => {
  it('a socket left by an engine killed with SIGKILL is removed with a message, and the new engine serves', async () => {
    const dir = dataDir();
    const path = channelPath(dir);
    // A real listener, killed the way a crash or kill -9 ends an engine: its socket file stays.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(path)})`], { stdio: 'ignore' });
    await waitUntil(() => existsSync(path), 5000, 'the socket');
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    assert.ok(existsSync(path));
    const log: string[] = [];
    const h = await hostEngine('serve', { dataDir: dir, docker: false, log: (l) => log.push(l) });
    try {
      assert.match(log.join('\n'), /removed the channel socket left by an engine that is no longer running/);
      const c = await connectChannel(path);
      assert.equal(c.engine.pid, process.pid);
      c.close();
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file that is not a socket where the socket goes is kept aside, not deleted', async () => {
    const dir = dataDir();
    writeFileSync(channelPath(dir), 'someone else’s notes');
    const log: string[] = [];
    const h = await hostEngine('serve', { dataDir: dir, docker: false, log: (l) => log.push(l) });
    try {
      assert.match(log.join('\n'), /was not a socket; kept it as/);
      assert.ok(readdirSync(dir).some((f) => f.startsWith('engine.sock.not-a-socket-')));
      assert.ok(statSync(channelPath(dir)).isSocket());
    } finally {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('after close, the lock and the socket are gone, and a new engine starts without notices', async () => {
    const dir = dataDir();
    const h1 = await hostEngine('serve', { dataDir: dir, docker: false, log: () => {} });
    await h1.close();
    assert.ok(!existsSync(join(dir, 'engine.lock')));
    assert.ok(!existsSync(channelPath(dir)));
    const log: string[] = [];
    const h2 = await hostEngine('serve', { dataDir: dir, docker: false, log: (l) => log.push(l) });
    await h2.close();
    assert.deepEqual(log.filter((l) => /lock|socket/.test(l)), []);
    rmSync(dir, { recursive: true, force: true });
  });
});
