/**
 * The history store when its file goes wrong, for real: damaged or foreign
 * files are moved aside with one log line, and a file that cannot be written
 * (read-only, immutable, deleted, disk full) never makes record() throw and
 * loses nothing while the queue has room.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'libsql';
import { H, chattr, isRoot, openStore, removeTempDirs, sample, tempDir } from './helpers.ts';

after(removeTempDirs);

const RECOVERY_LINE = /^history: (.+) is not a usable database \((.+)\); moved it to (.+) and started a new one$/;

/** Checks the one recovery log line and returns the aside path. */
function expectMovedAside(logs: string[], path: string): { aside: string; reason: string } {
  assert.equal(logs.length, 1, `exactly one log line, got:\n${logs.join('\n')}`);
  const m = RECOVERY_LINE.exec(logs[0]);
  assert.ok(m, `unexpected log line: ${logs[0]}`);
  assert.equal(m[1], path);
  assert.match(m[3], /history\.db\.corrupt-\d{13}$/);
  assert.ok(existsSync(m[3]), 'the damaged file is kept aside');
  return { aside: m[3], reason: m[2] };
}

/** The store works after recovery: write, read back, healthy. */
function expectWorking(store: ReturnType<typeof openStore>['store']): void {
  const t = Date.now();
  store.record(t, [sample('system.mem.used', 42, 100)]);
  assert.deepEqual(store.query({ series: 'system.mem.used', sinceMs: t - 1 }).v, [42]);
  assert.equal(store.health().ok, true, JSON.stringify(store.health()));
}

/** A real history file with some data, closed. */
function writtenDatabase(path: string, samples = 50): void {
  const { store } = openStore(path);
  const t0 = Date.now() - H;
  for (let i = 0; i < samples; i++) store.record(t0 + i * 1000, [sample('system.mem.used', 1e9 + i, 8e9), sample('process.group.node.rss', i, null)]);
  store.close();
}

/** Overwrites `length` bytes at `offset` in place (same inode, as a failing disk would). */
function scribble(path: string, offset: number, length: number, byte = 0xa5): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(length, byte), 0, length, offset);
  closeSync(fd);
}

describe('unusable files at open are moved aside and replaced', () => {
  test('garbage over the header of a real database file', () => {
    const path = join(tempDir(), 'history.db');
    writtenDatabase(path);
    scribble(path, 0, 100);
    const { store, logs } = openStore(path);
    const { aside, reason } = expectMovedAside(logs, path);
    assert.match(reason, /not a database|NOTADB/i);
    assert.deepEqual(readFileSync(aside).subarray(0, 100), Buffer.alloc(100, 0xa5), 'the aside file is the damaged one');
    assert.deepEqual(store.seriesNames(), [], 'the new database starts empty');
    expectWorking(store);
    store.close();
  });

  test('a plain text file', () => {
    const path = join(tempDir(), 'history.db');
    const text = 'these are my notes, not a database\n'.repeat(200);
    writeFileSync(path, text);
    const { store, logs } = openStore(path);
    const { aside } = expectMovedAside(logs, path);
    assert.equal(readFileSync(aside, 'utf8'), text);
    expectWorking(store);
    store.close();
  });

  test("another program's SQLite database", () => {
    const path = join(tempDir(), 'history.db');
    const other = new Database(path);
    other.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (9.5)');
    other.close();
    const { store, logs } = openStore(path);
    const { reason } = expectMovedAside(logs, path);
    assert.match(reason, /another program's tables \(invoices\)/);
    expectWorking(store);
    store.close();
  });

  test('damaged pages inside an intact header (caught by quick_check)', () => {
    const path = join(tempDir(), 'history.db');
    writtenDatabase(path, 3000);
    const size = statSync(path).size;
    assert.ok(size > 64 * 1024, `a database of ${size} bytes`);
    scribble(path, 16 * 1024, size - 20 * 1024, 0x00);
    scribble(path, 20 * 1024, 8 * 1024, 0x7f);
    const { store, logs } = openStore(path);
    expectMovedAside(logs, path);
    expectWorking(store);
    store.close();
  });

  test('a file that is fine is not touched, and a second open of a replaced file logs nothing', () => {
    const path = join(tempDir(), 'history.db');
    writeFileSync(path, 'junk');
    openStore(path).store.close();
    const again = openStore(path);
    assert.deepEqual(again.logs, []);
    again.store.close();
  });
});

describe('corruption found while writing', () => {
  test('the file overwritten under an open store is moved aside at the next record, which is kept', () => {
    const path = join(tempDir(), 'history.db');
    const { store, logs } = openStore(path);
    const handles: unknown[] = [];
    store.onOpen((db) => {
      db.exec('CREATE TABLE IF NOT EXISTS audit (what TEXT)');
      handles.push(db);
    });
    const t0 = Date.now();
    for (let i = 0; i < 20; i++) store.record(t0 + i, [sample('a', i)]);
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    // Another program (or a failing disk) overwrites the file and the WAL index in place.
    writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a));
    scribble(`${path}-shm`, 0, statSync(`${path}-shm`).size, 0x5a);

    assert.doesNotThrow(() => store.record(t0 + 100, [sample('a', 100, 7)]));
    const { reason } = expectMovedAside(logs, path);
    assert.match(reason, /SQLITE_NOTADB|SQLITE_CORRUPT|not a database|malformed/);
    assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [100], 'the sample of that record() went to the new file');
    assert.equal(store.latestLimit('a'), 7);
    assert.equal(store.health().ok, true);
    assert.equal(handles.length, 2, 'onOpen listeners hear about the new file');
    assert.equal(handles[1], store.db);
    assert.deepEqual(store.db.prepare('SELECT count(*) FROM audit').raw().get(), [0], 'and re-created their table in it');

    // Going bad again right away: no second aside copy within a minute; samples wait in memory.
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a));
    scribble(`${path}-shm`, 0, statSync(`${path}-shm`).size, 0x5a);
    assert.doesNotThrow(() => store.record(t0 + 200, [sample('a', 200)]));
    assert.equal(logs.filter((l) => RECOVERY_LINE.test(l)).length, 1);
    const h = store.health();
    assert.equal(h.ok, false);
    assert.match(h.message ?? '', /already replaced less than a minute ago/);
    assert.equal(h.queued, 1);
    store.close();
  });
});

describe('write failures never throw and lose nothing while the queue has room', () => {
  test('the file deleted while open is recreated at the next record', () => {
    const path = join(tempDir(), 'history.db');
    const { store, logs } = openStore(path);
    const t0 = Date.now();
    store.record(t0, [sample('a', 1)]);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    assert.doesNotThrow(() => store.record(t0 + 1000, [sample('a', 2)]));
    assert.deepEqual(logs, [`history: ${path} was deleted or replaced while open; starting a new database there`]);
    assert.ok(existsSync(path));
    assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [2]);
    store.close();
    const again = openStore(path);
    assert.deepEqual(again.store.query({ series: 'a', sinceMs: t0 }).v, [2], 'the samples after the deletion are on disk');
    again.store.close();
  });

  test('the whole data folder deleted while open is recreated too', () => {
    const dir = join(tempDir(), 'data');
    const path = join(dir, 'history.db');
    const { store } = openStore(path);
    const t0 = Date.now();
    store.record(t0, [sample('a', 1)]);
    rmSync(dir, { recursive: true, force: true });
    assert.doesNotThrow(() => store.record(t0 + 1000, [sample('a', 2)]));
    assert.ok(existsSync(path));
    assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [2]);
    assert.equal(store.health().ok, true);
    store.close();
  });

  test('a path that cannot be opened at all: the store still starts, queues, and catches up later', () => {
    const path = join(tempDir(), 'history.db');
    mkdirSync(path); // a folder where the file should be
    const { store, logs } = openStore(path);
    const t0 = Date.now();
    assert.doesNotThrow(() => store.record(t0, [sample('a', 1)]));
    store.recordEvent(t0, 'engine.start');
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0], /^history: cannot open .*history\.db: /);
    assert.deepEqual(store.health(), { ok: false, message: store.health().message, queued: 1, path });
    assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [1]);
    assert.deepEqual(store.db.prepare('SELECT 1 + 1').raw().get(), [2], 'the handle works (an in-memory stand-in)');
    rmSync(path, { recursive: true });
    store.record(t0 + 1000, [sample('a', 2)]);
    assert.equal(store.health().ok, true);
    assert.match(logs[1], /flushed 1 queued samples/);
    assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [1, 2]);
    assert.deepEqual(
      store.events(t0).map((e) => e.kind),
      ['engine.start'],
    );
    store.close();
  });

  test('a file that is not writable: samples queue up (bounded), then flush once it is writable again', () => {
    const path = join(tempDir(), 'history.db');
    writtenDatabase(path, 3);
    // Root ignores permission bits; the immutable flag stops even root.
    if (isRoot) chattr('+i', path);
    else chmodSync(path, 0o444);
    const { store, logs } = openStore(path, { maxQueuedSamples: 10 });
    const t0 = Date.now();
    try {
      for (let i = 0; i < 8; i++) assert.doesNotThrow(() => store.record(t0 + i * 1000, [sample('q', i, 5), sample('r', -i)]));
      const h = store.health();
      assert.equal(h.ok, false);
      assert.match(h.message ?? '', /cannot open .*history\.db: (EACCES|EPERM)/);
      assert.equal(h.queued, 10, 'bounded: the oldest batches made room');
      assert.equal(logs.length, 2, logs.join('\n'));
      assert.match(logs[0], /^history: cannot open .*; keeping up to 10 samples in memory and retrying on every write$/);
      assert.match(logs[1], /^history: the in-memory queue is full \(10 samples\); dropping the oldest/);
      // Queued samples still show in charts.
      assert.deepEqual(store.query({ series: 'q', sinceMs: t0 }).v, [3, 4, 5, 6, 7]);
      assert.deepEqual(store.seriesNames(), ['q', 'r'], 'the file is not opened read-only, so only queued series show');
    } finally {
      if (isRoot) chattr('-i', path);
      else chmodSync(path, 0o644);
    }
    store.record(t0 + 8000, [sample('q', 8, 5)]);
    assert.deepEqual(store.health(), { ok: true, message: null, queued: 0, path });
    assert.match(logs[2], /^history: writing to .*history\.db again; flushed 10 queued samples \(6 older samples were dropped while the queue was full\)$/);
    store.close();
    const again = openStore(path);
    assert.deepEqual(again.store.query({ series: 'q', sinceMs: t0 }).v, [3, 4, 5, 6, 7, 8]);
    assert.deepEqual(again.store.query({ series: 'r', sinceMs: t0 }).v, [-3, -4, -5, -6, -7]);
    again.store.close();
  });

  test('a file made immutable while open (root only): nothing lost, one log line per episode', (t) => {
    if (!isRoot) {
      t.skip('chattr +i needs root');
      return;
    }
    const path = join(tempDir(), 'history.db');
    const { store, logs } = openStore(path);
    const t0 = Date.now();
    store.record(t0, [sample('a', 0)]);
    chattr('+i', path, `${path}-wal`);
    try {
      for (let i = 1; i <= 30; i++) assert.doesNotThrow(() => store.record(t0 + i * 1000, [sample('a', i), sample('b', i * 2)]));
      store.recordEvent(t0 + 30_500, 'engine.stop', 'while immutable');
      assert.equal(store.health().queued, 60);
      assert.equal(logs.length, 1, logs.join('\n'));
      assert.match(logs[0], /cannot write to .*SQLITE_IOERR/);
    } finally {
      chattr('-i', path, `${path}-wal`);
    }
    store.record(t0 + 31_000, [sample('a', 31)]);
    assert.equal(store.health().ok, true);
    assert.equal(logs.length, 2);
    assert.deepEqual(
      store.query({ series: 'a', sinceMs: t0 }).v,
      Array.from({ length: 32 }, (_, i) => i),
    );
    assert.deepEqual(
      store.events(t0).map((e) => e.detail),
      ['while immutable'],
    );
    store.close();
  });

  test('disk full (root only: a tiny tmpfs)', (t) => {
    if (!isRoot) {
      t.skip('mounting a tmpfs needs root');
      return;
    }
    const mnt = join(tempDir(), 'mnt');
    mkdirSync(mnt);
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (mount.status !== 0) {
      t.skip(`cannot mount a tmpfs here: ${mount.stderr.trim()}`);
      return;
    }
    try {
      const path = join(mnt, 'history.db');
      const { store, logs } = openStore(path);
      const t0 = Date.now();
      store.record(t0, [sample('a', 0)]);
      const filler = join(mnt, 'filler');
      try {
        writeFileSync(filler, Buffer.alloc(1024 * 1024));
      } catch (err) {
        assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      const names = Array.from({ length: 40 }, (_, i) => `process.group.g${i}.rss`);
      for (let i = 1; i <= 20; i++) assert.doesNotThrow(() => store.record(t0 + i * 1000, names.map((n) => sample(n, i * 1e6))));
      assert.equal(store.health().ok, false);
      assert.ok(store.health().queued > 0);
      assert.match(logs.join('\n'), /SQLITE_FULL|disk is full/);
      rmSync(filler);
      store.record(t0 + 21_000, [sample('a', 21)]);
      assert.equal(store.health().ok, true, JSON.stringify(store.health()));
      assert.equal(store.query({ series: names[39], sinceMs: t0 }).t.length, 20, 'every queued sample was written');
      store.close();
    } finally {
      // libsql releases files at garbage collection: detach lazily.
      spawnSync('umount', ['-l', mnt]);
    }
  });
});
