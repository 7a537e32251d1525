/**
 * Fault: the history database file deleted, made read-only, or corrupted
 * while the real engine (createHeadroom, a real SQLite file) is recording.
 *
 * For each: (a) the state the user sees while it lasts (Snapshot.history and
 * the log), (b) recovery, timed and recorded as a figure, (c) what happens to
 * the samples:
 *   - deleted: the next tick notices (the open file's inode is checked before
 *     every write) and starts a new file; every sample from the deletion on is
 *     written to it. Samples before the deletion went with the deleted file:
 *     deleting it is how a user clears history, so it is not resurrected.
 *   - read-only: samples wait in the bounded in-memory queue (15,000 samples,
 *     ~10 minutes at the default intervals), show in queries meanwhile, and
 *     are written in order once the file is writable again: nothing lost.
 *   - corrupted: the write that meets the damage moves the file aside to
 *     history.db.corrupt-<epochms> (never deleted: kept byte for byte for the
 *     user) and starts a new one; that write and every later one land in it.
 *     Samples before the damage are in the kept file.
 *
 * "Read-only" for root: chmod 0444 does not stop root (it bypasses permission
 * bits, shown below), and a read-only remount of a filesystem is refused while
 * the engine holds the file open for writing (EBUSY). The immutable attribute
 * (chattr +i) is what makes writes fail for root here, even through the file
 * descriptors already open — the real "cannot write" case.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';
import Database from 'libsql';
import { PROFILE, recordFigure, sized } from '../support/profile.ts';
import { DEFAULT_MAX_QUEUED_SAMPLES } from '../../src/main/engine/history/store.ts';
import { ascending, rawPoints, secondsSince, sleep, startFaultHeadroom, tickTimes, until, type FaultHeadroom } from './harness.ts';

const isRoot = process.getuid?.() === 0;
/** How long each fault is held. */
const HOLD_MS = sized(2000, 15_000);
let f: FaultHeadroom | null = null;
const undo: (() => void)[] = [];

afterEach(async () => {
  for (const u of undo.splice(0).reverse()) {
    try {
      u();
    } catch {
      /* best effort: the next step may still clean up */
    }
  }
  await f?.dispose();
  f = null;
});

function chattr(flag: '+i' | '-i', ...files: string[]): void {
  const r = spawnSync('chattr', [flag, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chattr ${flag} ${files.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A running engine with some history recorded; returns the wall time of its first tick. */
async function running(): Promise<{ f: FaultHeadroom; db: string; t0: number }> {
  f = startFaultHeadroom();
  await until('ten recorded ticks', () => f!.snaps.length, (n) => n >= 10);
  return { f, db: join(f.dir, 'history.db'), t0: f.snaps[0].t };
}

/** Every tick in [since, until] is a stored raw sample of system.mem.used; returns how many. */
function assertEveryTickStored(x: FaultHeadroom, since: number, untilT: number, what: string): number {
  const ticks = tickTimes(x.snaps, since, untilT);
  const stored = rawPoints(x.h, 'system.mem.used', since, untilT);
  assert.ok(ascending(stored.t), 'history answers in time order');
  const have = new Set(stored.t);
  const missing = ticks.filter((t) => !have.has(t));
  assert.deepEqual(missing, [], `${what}: ${missing.length} of ${ticks.length} ticks missing from history`);
  return ticks.length;
}

test(`history file deleted while recording: a new file at the next tick, every later sample in it (${PROFILE})`, async () => {
  const { f: x, db } = await running();
  const deletedWall = Date.now();
  const deletedAt = performance.now();
  for (const p of [db, `${db}-wal`, `${db}-shm`]) rmSync(p, { force: true });

  const back = await until('a new history file and an ok state', x.latest, (s) => existsSync(db) && s!.t > deletedWall && s!.history?.ok === true && s!.history.lastReset !== undefined);
  const recovery = secondsSince(deletedAt);
  // (a) what the user is told: the reset, why, and that nothing was kept (the user deleted it).
  assert.deepEqual(back!.history!.lastReset, { at: back!.history!.lastReset!.at, reason: 'the file was deleted or replaced while open', keptAs: null });
  assert.ok(x.logs.some((l) => l.endsWith(`history: ${db} was deleted or replaced while open; starting a new database there`)), x.logs.join('\n'));
  recordFigure({ area: 'fault', name: 'history.db deleted → new file, writing again', value: recovery, unit: 's', bound: '≤ 2 s (the next tick, on a loaded machine)', ok: recovery <= 2 });
  assert.ok(recovery <= 2, `recovered in ${recovery} s`);

  // (c) every tick from the deletion on is in the new file, on disk (a second reader sees it).
  await sleep(HOLD_MS);
  const n = assertEveryTickStored(x, deletedWall, Date.now() - 300, 'after the deletion');
  assert.ok(n >= 4);
  const reader = new Database(db, { readonly: true });
  try {
    const onDisk = reader.prepare("SELECT count(*) FROM samples_recent r JOIN series s ON s.id = r.series_id WHERE s.name = 'system.mem.used'").raw().get() as number[];
    assert.ok(onDisk[0] >= n, `the new file holds the samples (${onDisk[0]} of ${n})`);
  } finally {
    reader.close();
  }
  assert.deepEqual(x.errors, []);
});

test(`history file read-only while recording: queued in memory (bounded), written once writable again (${PROFILE})`, async (t) => {
  if (!isRoot) {
    t.skip('chattr +i needs root');
    return;
  }
  const { f: x, db, t0 } = await running();

  // chmod does not stop root: writes go on. (Shown, so nobody mistakes it for a read-only test.)
  chmodSync(db, 0o444);
  chmodSync(`${db}-wal`, 0o444);
  chmodSync(x.dir, 0o555);
  undo.push(() => chmodSync(x.dir, 0o755), () => chmodSync(db, 0o644), () => chmodSync(`${db}-wal`, 0o644));
  const chmodAt = Date.now();
  await until('four ticks under chmod 0444', () => tickTimes(x.snaps, chmodAt).length, (n) => n >= 4);
  assert.ok(
    x.snaps.filter((s) => s.t > chmodAt).every((s) => s.history?.ok === true),
    'root writes through permission bits (chmod 0444 is no read-only test for root)',
  );
  chmodSync(x.dir, 0o755);
  chmodSync(db, 0o644);
  chmodSync(`${db}-wal`, 0o644);

  const preFault = rawPoints(x.h, 'system.mem.used', t0);
  chattr('+i', db, `${db}-wal`);
  undo.push(() => chattr('-i', db, `${db}-wal`));
  const faultWall = Date.now();
  const faultAt = performance.now();

  // (a) the state: not ok, why, and a queue that grows while the fault lasts.
  const down = await until('history not ok in the snapshot', x.latest, (s) => s!.t > faultWall && s!.history?.ok === false && s!.history.queued > 0);
  const shownAfter = secondsSince(faultAt);
  assert.match(down!.history!.message ?? '', /cannot (write to|open) .*history\.db: .*(SQLITE_IOERR|SQLITE_READONLY|EPERM|EACCES|readonly|disk I\/O)/i);
  await sleep(HOLD_MS);
  const held = x.latest()!.history!;
  assert.equal(held.ok, false);
  assert.ok(held.queued > down!.history!.queued, `the queue grows while the fault lasts (${down!.history!.queued} → ${held.queued})`);
  assert.ok(held.queued <= DEFAULT_MAX_QUEUED_SAMPLES, `the queue is bounded (${held.queued} ≤ ${DEFAULT_MAX_QUEUED_SAMPLES})`);
  // Queued samples still answer queries (charts show no gap).
  assert.ok(rawPoints(x.h, 'system.mem.used', faultWall).t.length >= 2, 'queued samples show in queries while the file is read-only');
  assert.equal(x.logs.filter((l) => /history: cannot (write to|open) .*keeping up to/.test(l)).length, 1, 'one log line for the episode');

  // (b) writable again: the queue is flushed at the next tick.
  chattr('-i', db, `${db}-wal`);
  undo.pop();
  const fixedWall = Date.now();
  const fixedAt = performance.now();
  const ok = await until('history ok again', x.latest, (s) => s!.t > fixedWall && s!.history?.ok === true && s!.history.queued === 0);
  const recovery = secondsSince(fixedAt);
  assert.ok(ok);
  const flushed = x.logs.find((l) => /history: writing to .*history\.db again; flushed (\d+) queued samples$/.test(l));
  assert.ok(flushed, `a log line says the queue was written, with nothing dropped:\n${x.logs.slice(-5).join('\n')}`);
  const queuedCount = Number(/flushed (\d+)/.exec(flushed)![1]);
  recordFigure({ area: 'fault', name: 'history.db read-only (chattr +i) → "not ok" shown', value: shownAfter, unit: 's', bound: '≤ 2 s', ok: shownAfter <= 2 });
  recordFigure({ area: 'fault', name: 'history.db writable again → queue written, ok', value: recovery, unit: 's', bound: '≤ 2 s (the next tick, on a loaded machine)', ok: recovery <= 2 });
  recordFigure({
    area: 'fault',
    name: `history.db read-only ${HOLD_MS / 1000} s: samples queued, then written`,
    value: queuedCount,
    unit: 'samples',
    bound: `≤ ${DEFAULT_MAX_QUEUED_SAMPLES} held (oldest dropped beyond), none lost within it`,
    ok: queuedCount > 0 && queuedCount <= DEFAULT_MAX_QUEUED_SAMPLES,
  });
  assert.ok(recovery <= 2);

  // (c) nothing lost: the samples before the fault, and every tick of the fault, are on disk, in order.
  for (const t of preFault.t) assert.ok(rawPoints(x.h, 'system.mem.used', t, t).t.length === 1, `pre-fault sample at ${t} still there`);
  await sleep(500);
  assertEveryTickStored(x, t0, Date.now() - 300, 'before, during and after the read-only spell');
  assert.deepEqual(x.errors, []);
});

test(`history file corrupted while recording: moved aside (kept), a fresh file, no crash (${PROFILE})`, async () => {
  const { f: x, db, t0 } = await running();
  // Another reader (the CLI, a backup tool) checkpoints: the history now lives in the main file, not the WAL.
  const other = new Database(db);
  other.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw().all();
  other.close();
  const preFault = rawPoints(x.h, 'system.mem.used', t0);
  // Garbage over half of every 2 KiB from the third page on: the tables' pages, not the header.
  const size = statSync(db).size;
  const fd = openSync(db, 'r+');
  for (let off = 2048; off < size; off += 2048) writeSync(fd, Buffer.alloc(512, 0xa5), 0, 512, off);
  closeSync(fd);
  const damaged = sha(db);
  const damagedWall = Date.now();
  const damagedAt = performance.now();

  const back = await until('the damaged file replaced, history ok', x.latest, (s) => s!.t > damagedWall && s!.history?.ok === true && s!.history.lastReset !== undefined, 20_000);
  const recovery = secondsSince(damagedAt);
  // (a) the user is told: why, and where the damaged file is kept.
  const reset = back!.history!.lastReset!;
  assert.match(reset.reason, /SQLITE_CORRUPT|SQLITE_NOTADB|malformed|not a database/);
  assert.match(reset.keptAs ?? '', /history\.db\.corrupt-\d{13}$/);
  assert.ok(x.logs.some((l) => l.includes(`history: ${db} is not a usable database (`) && l.includes(`moved it to ${reset.keptAs}`)), x.logs.join('\n'));
  recordFigure({ area: 'fault', name: 'history.db corrupted → moved aside, new file, writing again', value: recovery, unit: 's', bound: '≤ 2 s (the next tick, on a loaded machine)', ok: recovery <= 2 });
  assert.ok(recovery <= 2, `recovered in ${recovery} s`);

  // (c) the damaged file is kept exactly as it was; every tick from the damage on is in the new file.
  assert.ok(existsSync(reset.keptAs!));
  assert.equal(sha(reset.keptAs!), damaged, 'the kept file is the damaged one, byte for byte');
  await sleep(HOLD_MS);
  const n = assertEveryTickStored(x, damagedWall, Date.now() - 300, 'after the damage');
  assert.ok(n >= 4);
  // Samples before the damage are in the kept file, not in the new one (which starts at the reset).
  const fresh = rawPoints(x.h, 'system.mem.used', t0);
  assert.ok(fresh.t.every((t) => t > damagedWall - 1) && preFault.t.length > 0, 'the new file starts at the reset');
  assert.equal(x.h.history!.health().ok, true);
  assert.deepEqual(x.errors, [], 'the engine never failed a tick');
  assert.ok(x.snaps.filter((s) => s.t > damagedWall).length >= n, 'sampling went on');
});
