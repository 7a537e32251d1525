/**
 * The history store on real SQLite files: round trips, rollups and tier
 * selection, LTTB through queries, retention, restarts, events and CSV export.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PRUNE_EVERY_MS } from '../../../src/main/engine/history/store.ts';
import { MINUTE_MS, QUARTER_MS } from '../../../src/main/engine/history/tiers.ts';
import { D, H, openStore, rawCount, removeTempDirs, sample, tempDir } from './helpers.ts';
import { TRACES_DIR } from '../../helpers/shared.ts';

after(removeTempDirs);

/** A 15-minute boundary (hence also a minute boundary), so bucket edges are known. */
const B = Math.floor(1_750_000_000_000 / QUARTER_MS) * QUARTER_MS;
const GiB = 1024 ** 3;

describe('HistoryStore: record and query', () => {
  test('round trip of several series, with the latest limit per series', () => {
    const { store, logs } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    for (let i = 0; i < 100; i++) {
      store.record(B + i * 2000, [sample('system.mem.used', 5e9 + i * 1000, 16 * GiB), sample('system.cpu', i % 10, 100), sample('self.rss', 1e8 + i, null)]);
    }
    const q = store.query({ series: 'system.mem.used', sinceMs: B });
    assert.equal(q.tier, 'raw');
    assert.equal(q.t.length, 100);
    assert.deepEqual(q.t.slice(0, 3), [B, B + 2000, B + 4000]);
    assert.deepEqual(q.v.slice(-2), [5e9 + 98_000, 5e9 + 99_000]);
    assert.equal(q.limit, 16 * GiB);
    assert.equal(store.latestLimit('self.rss'), null);
    assert.equal(store.latestLimit('nope'), null);
    assert.deepEqual(store.seriesNames(), ['self.rss', 'system.cpu', 'system.mem.used']);

    const window = store.query({ series: 'system.cpu', sinceMs: B + 10_000, untilMs: B + 20_000 });
    assert.deepEqual(window.t, [B + 10_000, B + 12_000, B + 14_000, B + 16_000, B + 18_000, B + 20_000]);
    assert.deepEqual(window.v, [5, 6, 7, 8, 9, 0]);

    const none = store.query({ series: 'container.x.mem', sinceMs: B });
    assert.deepEqual([none.t, none.v, none.limit], [[], [], null]);
    assert.deepEqual(store.health(), { ok: true, message: null, queued: 0, path: store.path });
    assert.deepEqual(logs, []);
    store.close();
  });

  test('a limit change is kept, and latestLimit follows it', () => {
    const { store } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    store.record(B, [sample('container.db.mem', 100, 512)]);
    store.record(B + 1000, [sample('container.db.mem', 110, 1024)]);
    assert.equal(store.latestLimit('container.db.mem'), 1024);
    store.record(B + 2000, [sample('container.db.mem', 120, null)]);
    assert.equal(store.query({ series: 'container.db.mem', sinceMs: B }).limit, null);
    store.close();
  });

  test('rollups hold count, avg, min and max per bucket across minute and quarter boundaries', () => {
    const { store, clock } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    const s = 'process.group.claude.rss';
    store.record(B - 30_000, [sample(s, 10)]);
    store.record(B - 10_000, [sample(s, 20)]);
    store.record(B, [sample(s, 30)]);
    store.record(B + 50_000, [sample(s, 40)]);
    store.record(B + 50_000, [sample(s, 999)]); // same instant again: ignored everywhere
    store.record(B + 61_000, [sample(s, 50)]);

    assert.deepEqual(store.rollups(s, 'm1', B - QUARTER_MS), [
      { t: B - MINUTE_MS, count: 2, avg: 15, min: 10, max: 20 },
      { t: B, count: 2, avg: 35, min: 30, max: 40 },
      { t: B + MINUTE_MS, count: 1, avg: 50, min: 50, max: 50 },
    ]);
    assert.deepEqual(store.rollups(s, 'm15', B - QUARTER_MS), [
      { t: B - QUARTER_MS, count: 2, avg: 15, min: 10, max: 20 },
      { t: B, count: 3, avg: 40, min: 30, max: 50 },
    ]);
    assert.deepEqual(store.query({ series: s, sinceMs: B - MINUTE_MS }).v, [10, 20, 30, 40, 50]);

    // Two days later the same range is older than raw retention: the 1-minute rollup answers.
    clock.now = B + 2 * D;
    const m1 = store.query({ series: s, sinceMs: B - MINUTE_MS, untilMs: B + 2 * MINUTE_MS });
    assert.equal(m1.tier, 'm1');
    assert.deepEqual(m1.t, [B - MINUTE_MS, B, B + MINUTE_MS]);
    assert.deepEqual(m1.v, [15, 35, 50]);

    // Three weeks later only the 15-minute rollup reaches that far back.
    clock.now = B + 21 * D;
    const m15 = store.query({ series: s, sinceMs: B - QUARTER_MS });
    assert.equal(m15.tier, 'm15');
    assert.deepEqual(m15.t, [B - QUARTER_MS, B]);
    assert.deepEqual(m15.v, [15, 40]);
    store.close();
  });

  test('queries downsample with LTTB: at most N points, ends kept, the spike kept', () => {
    const { store } = openStore(join(tempDir(), 'h.db'), {}, B + D);
    const n = 3000;
    const spike = 2345;
    for (let i = 0; i < n; i++) {
      const v = i === spike ? 15 * GiB : 6 * GiB + (i % 17) * 1e6;
      store.record(B + i * 2000, [sample('system.mem.used', v, 16 * GiB)]);
    }
    const q = store.query({ series: 'system.mem.used', sinceMs: B, maxPoints: 300 });
    assert.ok(q.t.length <= 300 && q.t.length > 250, `${q.t.length} points`);
    assert.equal(q.t[0], B);
    assert.equal(q.t[q.t.length - 1], B + (n - 1) * 2000);
    assert.ok(q.t.includes(B + spike * 2000));
    assert.equal(Math.max(...q.v), 15 * GiB);
    assert.equal(store.query({ series: 'system.mem.used', sinceMs: B }).t.length, 2000, 'default is 2000 points');
    store.close();
  });

  test('malformed queries get clear errors', () => {
    const { store } = openStore(join(tempDir(), 'h.db'));
    assert.throws(() => store.query({ series: '', sinceMs: 0 }), /series must be a non-empty string/);
    assert.throws(() => store.query({ series: 'a', sinceMs: Number.NaN }), /sinceMs/);
    assert.throws(() => store.query({ series: 'a', sinceMs: 0, maxPoints: 1 }), /maxPoints/);
    assert.throws(() => store.query({ series: 'a', sinceMs: 0, maxPoints: 2.5 }), /maxPoints/);
    store.close();
    assert.throws(() => store.query({ series: 'a', sinceMs: 0 }), /closed/);
  });

  test('bad samples are skipped with one log line and never throw', () => {
    const { store, logs } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    const bad = [
      sample('ok', 1, 10),
      { series: 'nan', value: Number.NaN, limit: null },
      { series: '', value: 1, limit: null },
      { series: 'badlimit', value: 2, limit: Number.POSITIVE_INFINITY },
      null,
    ] as never;
    store.record(B, bad);
    store.record(B + 1000, bad);
    store.record(Number.NaN, [sample('ok', 3)]);
    store.record(B + 2000, 'not an array' as never);
    assert.deepEqual(store.seriesNames(), ['badlimit', 'ok']);
    assert.equal(store.latestLimit('badlimit'), null, 'an unusable limit is stored as unknown');
    assert.equal(logs.length, 1, logs.join('\n'));
    assert.match(logs[0], /^history: skipped samples such as/);
    store.close();
  });
});

describe('HistoryStore: retention', () => {
  test('prune(now) deletes each tier past its retention, then empty series and old events', () => {
    const now = B + 400 * D;
    const { store, clock } = openStore(join(tempDir(), 'h.db'), {}, now);
    const ages = { fresh: H, day2: 2 * D, day20: 20 * D, day370: 370 * D };
    // The store's own first prune runs with its clock far in the past, so nothing goes before prune(now).
    clock.now = B;
    for (const [name, age] of Object.entries(ages)) store.record(now - age, [sample(`s.${name}`, 1), sample('all', age)]);
    store.recordEvent(now - 370 * D, 'engine.start');
    store.recordEvent(now - 2 * D, 'engine.stop');
    assert.equal(rawCount(store), 8);

    assert.deepEqual(store.prune(now), { raw: 6, m1: 4, m15: 2, events: 1, series: 1 });
    assert.equal(rawCount(store, 'all'), 1, 'only the last day is raw');
    assert.deepEqual(
      store.rollups('all', 'm1', 0).map((b) => b.avg),
      [2 * D, H],
    );
    assert.deepEqual(
      store.rollups('all', 'm15', 0).map((b) => b.avg),
      [20 * D, 2 * D, H],
    );
    assert.deepEqual(store.seriesNames(), ['all', 's.day2', 's.day20', 's.fresh']);
    assert.deepEqual(
      store.events(0).map((e) => e.kind),
      ['engine.stop'],
    );
    assert.deepEqual(store.prune(now), { raw: 0, m1: 0, m15: 0, events: 0, series: 0 }, 'nothing more to delete');
    store.close();
  });

  test('record() prunes by itself at most every ten minutes, with the current retention', () => {
    const start = B + 30 * D;
    const { store, clock } = openStore(join(tempDir(), 'h.db'), {}, start);
    store.record(start - 2 * D, [sample('a', 1)]); // first record: pruned right away
    assert.equal(rawCount(store), 0);
    clock.now = start + PRUNE_EVERY_MS - 1;
    store.record(start - 2 * D, [sample('a', 1)]);
    assert.equal(rawCount(store), 1, 'no prune within ten minutes');
    clock.now = start + PRUNE_EVERY_MS;
    store.record(clock.now, [sample('a', 2)]);
    assert.equal(rawCount(store), 1, 'the old sample went, the new one stays');

    clock.now += 60_000;
    store.record(clock.now - 2 * H, [sample('a', 3)]);
    assert.equal(rawCount(store), 2);
    store.setRetention({ rawHours: 1, minuteDays: 14, quarterDays: 365 });
    store.record(clock.now, [sample('a', 4)]);
    assert.equal(rawCount(store), 2, 'new retention applied on the next record');
    assert.deepEqual(store.query({ series: 'a', sinceMs: clock.now - 30 * MINUTE_MS }).v, [2, 4]);
    assert.throws(() => store.setRetention({ rawHours: -1, minuteDays: 1, quarterDays: 1 }), /rawHours/);
    store.close();
  });
});

describe('HistoryStore: compaction', () => {
  test('recent samples move to the per-series table; reads see one ordered series throughout', () => {
    const { store } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    for (let i = 0; i < 10; i++) store.record(B + i * 1000, [sample('a', i), sample('b', -i)]);
    const recent = () => (store.db.prepare('SELECT count(*) FROM samples_recent').raw().get() as number[])[0];
    assert.equal(recent(), 18, 'the first record() ran maintenance, which moved its own two samples');
    assert.equal(store.compact(), 18);
    assert.equal(recent(), 0);
    assert.equal(rawCount(store), 20);
    for (let i = 10; i < 15; i++) store.record(B + i * 1000, [sample('a', i)]);
    assert.deepEqual(store.query({ series: 'a', sinceMs: B }).v, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    // A clock that stepped back: a recent sample older than compacted ones still reads in order.
    store.record(B + 4500, [sample('a', 4.5)]);
    const q = store.query({ series: 'a', sinceMs: B + 4000, untilMs: B + 6000 });
    assert.deepEqual(q.t, [B + 4000, B + 4500, B + 5000, B + 6000]);
    assert.deepEqual(q.v, [4, 4.5, 5, 6]);
    assert.equal(store.exportCsv('b', B).split('\n').length, 12);
    store.close();
  });
});

describe('HistoryStore: restart, events, size', () => {
  test('close and reopen the same file: everything is still there and writing goes on', () => {
    const path = join(tempDir(), 'h.db');
    const first = openStore(path, {}, B + H);
    for (let i = 0; i < 50; i++) first.store.record(B + i * 1000, [sample('system.mem.used', i, 8 * GiB), sample('x', -i)]);
    first.store.recordEvent(B, 'engine.start', 'pid 1');
    first.store.recordEvent(B + 50_000, 'engine.stop', 'pid 1');
    first.store.close();
    first.store.close(); // twice is fine

    const second = openStore(path, {}, B + H);
    assert.equal(second.store.query({ series: 'system.mem.used', sinceMs: B }).t.length, 50);
    assert.equal(second.store.latestLimit('system.mem.used'), 8 * GiB);
    assert.deepEqual(second.store.seriesNames(), ['system.mem.used', 'x']);
    second.store.recordEvent(B + 60_000, 'engine.start', 'pid 2');
    second.store.record(B + 60_000, [sample('system.mem.used', 99, 8 * GiB)]);
    assert.deepEqual(
      second.store.events(B).map((e) => [e.kind, e.detail]),
      [
        ['engine.start', 'pid 1'],
        ['engine.stop', 'pid 1'],
        ['engine.start', 'pid 2'],
      ],
    );
    assert.deepEqual(
      second.store.events(B + 1, B + 59_999).map((e) => e.t),
      [B + 50_000],
    );
    assert.deepEqual(second.store.rollups('system.mem.used', 'm1', B).map((b) => b.count), [50, 1]);
    assert.ok(second.store.sizeBytes() > 4096);
    assert.deepEqual(second.logs, []);
    second.store.close();
  });

  test('exposes the database handle, and onOpen hands it over for extra tables', () => {
    const path = join(tempDir(), 'h.db');
    const { store } = openStore(path);
    const seen: unknown[] = [];
    const off = store.onOpen((db) => {
      db.exec('CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, what TEXT)');
      seen.push(db);
    });
    assert.deepEqual(seen, [store.db]);
    store.db.prepare('INSERT INTO audit (what) VALUES (?)').run('killed 3');
    off();
    store.close();
    const again = openStore(path);
    assert.deepEqual(again.store.db.prepare('SELECT what FROM audit').raw().all(), [['killed 3']]);
    assert.deepEqual(again.logs, [], 'an extra table does not make the file foreign');
    again.store.close();
  });
});

describe('HistoryStore: exportCsv', () => {
  test('writes the trace format from raw samples: seconds from the first sample, integers, empty unknown limits', () => {
    const { store } = openStore(join(tempDir(), 'h.db'), {}, B + H);
    store.record(B - 5000, [sample('system.mem.used', 1, 2)]); // before the range: not exported
    store.record(B, [sample('system.mem.used', 5260980022, 16106127360)]);
    store.record(B + 1500, [sample('system.mem.used', 5263645543, 16106127360)]);
    store.record(B + 10_000, [sample('system.mem.used', 5263645000.25, null)]);
    store.record(B + 12_000, [sample('system.mem.used', 7, 17179869184)]);
    assert.equal(
      store.exportCsv('system.mem.used', B),
      [
        't,series,value,limit',
        '0,system.mem.used,5260980022,16106127360',
        '1.5,system.mem.used,5263645543,16106127360',
        '10,system.mem.used,5263645000.25,',
        '12,system.mem.used,7,17179869184',
        '',
      ].join('\n'),
    );
    assert.equal(store.exportCsv('system.mem.used', B, B + 1500).split('\n').length, 4);
    assert.equal(store.exportCsv('unknown', B), 't,series,value,limit\n');
    store.record(B + 20_000, [sample('process.group.a,b.rss', 1)]);
    assert.match(store.exportCsv('process.group.a,b.rss', B), /\n0,"process\.group\.a,b\.rss",1,\n$/);
    store.close();
  });

  test('falls back to rollup averages when the range starts before raw retention', () => {
    const { store } = openStore(join(tempDir(), 'h.db'), {}, B + 3 * D);
    store.record(B, [sample('s', 10, 100)]);
    store.record(B + 30_000, [sample('s', 20, 100)]);
    store.record(B + 60_000, [sample('s', 40, 200)]);
    assert.equal(store.exportCsv('s', B - 2 * D), 't,series,value,limit\n0,s,15,100\n60,s,40,200\n');
    store.close();
  });

  test('a shared replay trace survives record + export line for line', (t) => {
    const traces = TRACES_DIR;
    if (!existsSync(traces)) {
      t.skip(`no traces at ${traces}`);
      return;
    }
    const file = readdirSync(traces).find((f) => f === 'sys_fast_leak.csv') ?? readdirSync(traces).find((f) => f.endsWith('.csv'));
    assert.ok(file, 'a trace file');
    // The shared files use CRLF; the export writes plain LF lines.
    const text = readFileSync(join(traces, file), 'utf8').replace(/\r\n/g, '\n');
    const rows = text.trim().split('\n').slice(1).map((l) => l.split(','));
    const t0 = B;
    const { store } = openStore(join(tempDir(), 'h.db'), {}, t0 + Number(rows[rows.length - 1][0]) * 1000 + 1000);
    for (const [t, series, value, limit] of rows) store.record(t0 + Number(t) * 1000, [sample(series, Number(value), limit === '' ? null : Number(limit))]);
    assert.equal(store.exportCsv(rows[0][1], t0), text.endsWith('\n') ? text : `${text}\n`);
    store.close();
  });
});
