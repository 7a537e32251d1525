/**
 * The engine lock on real files, against real processes: a live holder
 * refuses, a holder killed with SIGKILL (or whose PID now belongs to another
 * process) is taken over, and a lock file that is not ours is kept aside.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { acquireEngineLock, EngineLockedError, LOCK_FILE, processStartTime, readLock } from '../../../src/main/engine/channel/lock.ts';
import { waitUntil } from '../../helpers/procs.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'headroom-lock-'));
  dirs.push(d);
  return d;
}

/** A real process with a name no real program has, to hold a lock on paper. */
function spawnHolder() {
  const c = spawn('bash', ['-c', 'exec -a "$0" sleep 600', 'headroom-lock-holder'], { stdio: 'ignore' });
  return c;
}

function lockFor(pid: number, procStart: number | null, dataDir: string, kind = 'serve') {
  return JSON.stringify({ lock: 'headroom-engine-lock', kind, pid, procStart, startedAt: Date.now() - 60000, dataDir, channel: join(dataDir, 'engine.sock') });
}

describe('engine lock', () => {
  const children: ReturnType<typeof spawn>[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('is taken on a fresh directory, names its holder, and is gone after release', async () => {
    const dir = tempDir();
    const lock = await acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: () => {} });
    const state = readLock(dir);
    assert.equal(state.kind, 'held');
    assert.equal(state.kind === 'held' && state.record.pid, process.pid);
    lock.release();
    assert.equal(readLock(dir).kind, 'none');
    lock.release(); // twice is harmless
  });

  it('refuses while a live process holds it, with one line naming that engine', async () => {
    const dir = tempDir();
    const holder = spawnHolder();
    children.push(holder);
    await waitUntil(() => processStartTime(holder.pid as number) !== null, 5000, 'the holder');
    writeFileSync(join(dir, LOCK_FILE), lockFor(holder.pid as number, processStartTime(holder.pid as number), dir));
    await assert.rejects(acquireEngineLock({ dataDir: dir, kind: 'watch', channel: 'x', log: () => {} }), (err: Error) => {
      assert.ok(err instanceof EngineLockedError);
      assert.match(err.message, new RegExp(`another Headroom engine is running on .*: serve \\(PID ${holder.pid}`));
      assert.equal(err.message.split('\n').length, 1);
      return true;
    });
  });

  it('is taken over once its holder was killed with SIGKILL', async () => {
    const dir = tempDir();
    const holder = spawnHolder();
    children.push(holder);
    const pid = holder.pid as number;
    await waitUntil(() => processStartTime(pid) !== null, 5000, 'the holder');
    writeFileSync(join(dir, LOCK_FILE), lockFor(pid, processStartTime(pid), dir));
    const gone = new Promise((r) => holder.once('exit', r));
    holder.kill('SIGKILL');
    await gone;
    const log: string[] = [];
    const lock = await acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: (l) => log.push(l) });
    assert.match(log.join('\n'), new RegExp(`took over the lock left by serve \\(PID ${pid}`));
    assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
    lock.release();
  });

  it('is taken over when its PID now belongs to another process (another start time)', async () => {
    const dir = tempDir();
    const other = spawnHolder();
    children.push(other);
    const pid = other.pid as number;
    await waitUntil(() => processStartTime(pid) !== null, 5000, 'the process');
    writeFileSync(join(dir, LOCK_FILE), lockFor(pid, (processStartTime(pid) as number) - 1000, dir));
    assert.equal(readLock(dir).kind, 'stale');
    const lock = await acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: () => {} });
    lock.release();
  });

  for (const [label, content] of [
    ['corrupt', '{"lock": "headroom-engine-lo'],
    ['foreign', '{"pid": 1, "owner": "someone else"}\n'],
    ['binary', '\u0000\u0001\u0002'],
  ] as const) {
    it(`a ${label} lock file is kept aside with a clear message when no engine answers`, async () => {
      const dir = tempDir();
      writeFileSync(join(dir, LOCK_FILE), content);
      const log: string[] = [];
      const lock = await acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: (l) => log.push(l), probe: async () => null });
      assert.match(log.join('\n'), /was not a Headroom lock .*kept it as .*engine\.lock\.unreadable-\d+/);
      const kept = readdirSync(dir).find((f) => f.startsWith(`${LOCK_FILE}.unreadable-`));
      assert.ok(kept, readdirSync(dir).join(', '));
      assert.equal(readFileSync(join(dir, kept), 'utf8'), content);
      lock.release();
    });
  }

  it('a corrupt lock file is left alone when an engine still answers on the channel', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const engine = { kind: 'desktop', pid: 4242, startedAt: Date.now(), dataDir: dir };
    await assert.rejects(acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: () => {}, probe: async () => engine }), /desktop \(PID 4242/);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), 'garbage');
  });

  it('of engines starting one after another on a stale lock, the first takes it over and the others refuse', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), lockFor(2 ** 22 + 12345, null, dir)); // a PID above pid_max: never running
    const results = await Promise.allSettled([1, 2, 3].map(() => acquireEngineLock({ dataDir: dir, kind: 'serve', channel: 'x', log: () => {} })));
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1, JSON.stringify(results.map((r) => r.status)));
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof EngineLockedError);
    (won[0] as PromiseFulfilledResult<{ release(): void }>).value.release();
  });
});
