/**
 * HistoryStore faults found outside a plain write, and what health() tells
 * the UI about them: the reset of the file (why, and where a damaged one was
 * kept), damage met by compaction, and maintenance after the clock went back.
 */

import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { H, openStore, removeTempDirs, sample, tempDir } from './helpers.ts';

after(removeTempDirs);

function scribble(path: string, offset: number, length: number, byte = 0xa5): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.alloc(length, byte), 0, length, offset);
  closeSync(fd);
}

test('health() has no lastReset while the file has never been replaced', () => {
  const { store } = openStore(join(tempDir(), 'history.db'));
  store.record(Date.now(), [sample('a', 1)]);
  assert.equal('lastReset' in store.health(), false);
  store.close();
});

test('the file deleted while open: health() says the history was reset, with nothing kept', () => {
  const path = join(tempDir(), 'history.db');
  const { store } = openStore(path);
  const t0 = Date.now();
  store.record(t0, [sample('a', 1)]);
  for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
  store.record(t0 + 1000, [sample('a', 2)]);
  const h = store.health();
  assert.equal(h.ok, true);
  assert.equal(h.lastReset?.reason, 'the file was deleted or replaced while open');
  assert.equal(h.lastReset?.keptAs, null);
  assert.ok(Math.abs(h.lastReset!.at - Date.now()) < 5000);
  store.close();
});

test('a damaged file found at open: health() names where it was kept', () => {
  const path = join(tempDir(), 'history.db');
  writeFileSync(path, 'not a database at all\n'.repeat(100));
  const { store } = openStore(path);
  const h = store.health();
  assert.equal(h.ok, true);
  assert.match(h.lastReset?.reason ?? '', /NOTADB|not a database/i);
  assert.match(h.lastReset?.keptAs ?? '', /history\.db\.corrupt-\d{13}$/);
  assert.ok(existsSync(h.lastReset!.keptAs!));
  store.close();
});

test('damage met by compaction (not by a write) replaces the file at once, keeping the damaged one', () => {
  const path = join(tempDir(), 'history.db');
  const { store, logs } = openStore(path);
  const t0 = Date.now();
  for (let i = 0; i < 50; i++) store.record(t0 + i * 1000, [sample('a', i), sample('b', -i)]);
  store.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  // The whole file and the WAL index overwritten in place, as a failing disk or another program would.
  writeFileSync(path, Buffer.alloc(statSync(path).size, 0x5a));
  scribble(`${path}-shm`, 0, statSync(`${path}-shm`).size, 0x5a);

  assert.equal(store.compact(), 0);
  assert.match(logs.join('\n'), /history: compacting .* failed: .*(NOTADB|CORRUPT|not a database|malformed)/);
  const h = store.health();
  assert.equal(h.ok, true, JSON.stringify(h));
  assert.match(h.lastReset?.keptAs ?? '', /history\.db\.corrupt-\d{13}$/);
  assert.ok(existsSync(h.lastReset!.keptAs!), 'the damaged file is kept');
  store.record(t0 + 60_000, [sample('a', 60)]);
  assert.deepEqual(store.query({ series: 'a', sinceMs: t0 }).v, [60], 'the new file takes samples');
  store.close();
});

test('a clock set back does not hold maintenance off until it catches up', () => {
  const path = join(tempDir(), 'history.db');
  const { store, clock } = openStore(path);
  const t0 = clock.now;
  store.record(t0, [sample('a', 0)]); // first record: maintenance runs, and is next due 10 minutes later
  for (let i = 1; i <= 5; i++) store.record(t0 + i * 1000, [sample('a', i)]);
  const recent = () => (store.db.prepare('SELECT count(*) FROM samples_recent').raw().get() as number[])[0];
  assert.equal(recent(), 5, 'recent samples wait for the next compaction');
  clock.now = t0 - H;
  store.record(t0 - H + 1000, [sample('a', -1)]);
  assert.equal(recent(), 0, 'the clock went back: compaction ran now, not an hour and ten minutes later');
  assert.equal(store.query({ series: 'a', sinceMs: t0 - 2 * H }).t.length, 7);
  store.close();
});
