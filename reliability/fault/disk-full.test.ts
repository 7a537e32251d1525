/**
 * Fault: the disk holding the history fills up while the real engine records.
 *
 * The data directory is a small tmpfs (3 MB) mounted for this test; the
 * engine (createHeadroom: settings, a real SQLite history file) lives on it.
 * A filler file takes every free byte; later it is deleted.
 *   (a) while full, Snapshot.history says not ok (SQLITE_FULL) with the number
 *       of samples waiting, and one log line says so; sampling goes on;
 *   (b) once space is freed, the next write flushes the queue: timed;
 *   (c) nothing is lost: samples from before the disk filled are still there,
 *       and every tick of the full spell was queued in memory and then
 *       written, in order. The queue's bound is DEFAULT_MAX_QUEUED_SAMPLES
 *       (15,000 samples, about 10 minutes at the default intervals); past it
 *       the oldest queued samples go first. This spell stays well inside it.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_QUEUED_SAMPLES } from '../../src/main/engine/history/store.ts';
import { PROFILE, recordFigure, sized } from '../support/profile.ts';
import { ascending, rawPoints, secondsSince, sleep, startFaultHeadroom, tickTimes, until, type FaultHeadroom } from './harness.ts';

const TMPFS_SIZE = '3m';
const HOLD_MS = sized(3000, 20_000);
const isRoot = process.getuid?.() === 0;
let f: FaultHeadroom | null = null;
let mnt: string | null = null;

after(async () => {
  await f?.dispose();
  if (mnt) {
    // libsql releases its files when its statements are garbage-collected: detach lazily.
    spawnSync('umount', ['-l', mnt]);
    rmdirSync(mnt);
    rmdirSync(join(mnt, '..'));
  }
});

/** Writes zeros to `path` until the filesystem says ENOSPC; returns the bytes written. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(64 * 1024);
  let total = 0;
  try {
    for (;;) {
      try {
        total += writeSync(fd, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
        throw err;
      }
    }
    // The last partial block, byte by byte in small pieces: the disk must be truly full.
    for (const size of [4096, 512, 1]) {
      try {
        for (;;) total += writeSync(fd, chunk, 0, size);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

test(`disk full under the history directory: queued while full, written once space is freed (${PROFILE})`, async (t) => {
  if (!isRoot) {
    t.skip('mounting a tmpfs needs root');
    return;
  }
  const parent = mkdtempSync(join(tmpdir(), 'headroom-fault-disk-'));
  const dir = join(parent, 'data');
  mkdirSync(dir);
  const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${TMPFS_SIZE}`, 'tmpfs', dir], { encoding: 'utf8' });
  assert.equal(mount.status, 0, `mount a ${TMPFS_SIZE} tmpfs: ${mount.stderr}`);
  mnt = dir;

  f = startFaultHeadroom({ dataDir: dir });
  const x = f;
  await until('ten recorded ticks', () => x.snaps.length, (n) => n >= 10);
  const t0 = x.snaps[0].t;
  const preFault = rawPoints(x.h, 'system.mem.used', t0);

  const filler = join(dir, 'filler');
  const filled = fill(filler);
  const fullWall = Date.now();
  const fullAt = performance.now();

  // (a) the state while the disk is full.
  const down = await until('history not ok (disk full) in the snapshot', x.latest, (s) => s!.t > fullWall && s!.history?.ok === false && s!.history.queued > 0, 30_000);
  const shownAfter = secondsSince(fullAt);
  assert.match(down!.history!.message ?? '', /SQLITE_FULL|disk is full|ENOSPC/i);
  assert.equal(x.logs.filter((l) => /history: cannot (write to|open) .*keeping up to \d+ samples in memory/.test(l)).length, 1, x.logs.join('\n'));
  await sleep(HOLD_MS);
  const held = x.latest()!.history!;
  assert.equal(held.ok, false);
  assert.ok(held.queued > down!.history!.queued && held.queued <= DEFAULT_MAX_QUEUED_SAMPLES, `queued ${held.queued}, growing and bounded`);
  assert.ok(tickTimes(x.snaps, fullWall).length >= HOLD_MS / 250 / 3, 'sampling went on while the disk was full');

  // (b) space freed: the next write flushes everything.
  rmSync(filler);
  const freedWall = Date.now();
  const freedAt = performance.now();
  await until('history ok again', x.latest, (s) => s!.t > freedWall && s!.history?.ok === true && s!.history.queued === 0, 10_000);
  const recovery = secondsSince(freedAt);
  const flushed = x.logs.find((l) => /history: writing to .*history\.db again; flushed (\d+) queued samples$/.test(l));
  assert.ok(flushed, `the queue was written with nothing dropped:\n${x.logs.slice(-5).join('\n')}`);
  const queuedCount = Number(/flushed (\d+)/.exec(flushed)![1]);

  recordFigure({ area: 'fault', name: `disk full (${TMPFS_SIZE} tmpfs, ${Math.round(filled / 1024)} KiB filler) → "not ok" shown`, value: shownAfter, unit: 's', bound: '≤ 5 s', ok: shownAfter <= 5 });
  recordFigure({ area: 'fault', name: 'disk space freed → queue written, history ok', value: recovery, unit: 's', bound: '≤ 2 s (the next tick, on a loaded machine)', ok: recovery <= 2 });
  recordFigure({
    area: 'fault',
    name: `disk full ${HOLD_MS / 1000} s: samples queued, then written`,
    value: queuedCount,
    unit: 'samples',
    bound: `≤ ${DEFAULT_MAX_QUEUED_SAMPLES} held (oldest dropped beyond), none lost within it`,
    ok: queuedCount > 0 && queuedCount <= DEFAULT_MAX_QUEUED_SAMPLES,
  });
  assert.ok(recovery <= 2, `recovered in ${recovery} s`);

  // (c) nothing lost: before, during and after, every tick is in the file, in order.
  await sleep(500);
  const all = rawPoints(x.h, 'system.mem.used', t0);
  assert.ok(ascending(all.t));
  const have = new Set(all.t);
  for (const tt of preFault.t) assert.ok(have.has(tt), `pre-fault sample at ${tt} still there`);
  const ticks = tickTimes(x.snaps, t0, Date.now() - 300);
  const missing = ticks.filter((tt) => !have.has(tt));
  assert.deepEqual(missing, [], `${missing.length} of ${ticks.length} ticks missing`);
  // And they are on disk, not only in memory: the store says the queue is empty.
  assert.deepEqual(x.h.history!.health().queued, 0);
  assert.deepEqual(x.errors, []);
});
