/**
 * One open history database: the libsql handle, the identity of the file it
 * opened (to notice the file being deleted or replaced under it), and every
 * prepared statement, created once per connection.
 *
 * libsql notes, verified against node_modules/libsql 0.5:
 * - `get()` without `raw()` adds a `_metadata` key to the row, and `pluck()`
 *   only affects `all()`, so every read here uses `raw()` rows (arrays).
 * - A call with exactly one argument that is an object (null included) is
 *   taken as named parameters; a Buffer there aborts the process. Every
 *   single-parameter statement below therefore only ever gets a string or a
 *   number.
 * - `close()` releases the file only once the connection's statements are
 *   garbage-collected.
 * - SQLite opens a file it cannot write read-only, and while such a
 *   connection is alive (see above: until GC), every new connection to that
 *   file in this process is read-only too. So a file that is not writable is
 *   not opened at all (see `assertWritable`).
 */

import { accessSync, closeSync, constants, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';
import { PRIVATE_FILE_MODE, restrictFile } from '../paths.ts';
import { SCHEMA_SQL, inspectSchema } from './schema.ts';
import { MINUTE_MS, QUARTER_MS } from './tiers.ts';

/** The file is not a usable history database: move it aside and start anew. */
export class UnusableDatabaseError extends Error {}

/**
 * Throws the fs error when the file (or, for a new file, its folder) cannot
 * be written, so the store waits instead of opening a read-only connection.
 */
export function assertWritable(path: string): void {
  try {
    accessSync(path, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    accessSync(dirname(path), constants.W_OK);
    return;
  }
  try {
    accessSync(`${path}-wal`, constants.W_OK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** SQLite says the file is damaged or not a database at all. */
export function isCorruptionError(err: unknown): boolean {
  if (err instanceof UnusableDatabaseError) return true;
  const e = err as { code?: unknown; rawCode?: unknown } | null;
  if (typeof e?.code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test(e.code)) return true;
  const raw = typeof e?.rawCode === 'number' ? e.rawCode & 0xff : -1;
  return raw === 11 || raw === 26;
}

/** SQLite opened the file read-only (or the file became so): only a fresh connection can write again. */
export function isReadonlyError(err: unknown): boolean {
  const e = err as { code?: unknown; rawCode?: unknown } | null;
  if (typeof e?.code === 'string' && e.code.startsWith('SQLITE_READONLY')) return true;
  return typeof e?.rawCode === 'number' && (e.rawCode & 0xff) === 8;
}

/** An error in one short line: SQLite's code and message, or the Node error. */
export function errorText(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(err);
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = code && !message.includes(code) ? `${code}: ${message}` : message;
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

type Stmt = Database.Statement;

/** Page size of new files (existing files keep theirs: WAL mode fixes it). */
const PAGE_SIZE = 1024;

function statements(db: Database.Database) {
  const p = (sql: string): Stmt => db.prepare(sql);
  const rollup = (table: string, widthMs: number) => ({
    upsert: p(
      `INSERT INTO ${table} (bucket, series_id, n, vsum, vmin, vmax) VALUES (?, ?, 1, ?, ?, ?)
       ON CONFLICT (bucket, series_id) DO UPDATE SET
         n = n + 1, vsum = vsum + excluded.vsum, vmin = min(vmin, excluded.vmin), vmax = max(vmax, excluded.vmax)`,
    ),
    /** First and last stored bucket (each an O(log n) lookup), to bound the seeks below. */
    extent: p(`SELECT (SELECT min(bucket) FROM ${table}), (SELECT max(bucket) FROM ${table})`).raw(),
    /** One primary-key seek per bucket from ?1 to ?2 for series ?3: (bucket, n, avg, min, max). */
    buckets: p(
      `WITH RECURSIVE b(x) AS (SELECT ? UNION ALL SELECT x + ${widthMs} FROM b WHERE x + ${widthMs} <= ?)
       SELECT r.bucket, r.n, r.vsum / r.n, r.vmin, r.vmax FROM b CROSS JOIN ${table} r ON r.bucket = b.x AND r.series_id = ?
       ORDER BY b.x`,
    ).raw(),
    prune: p(`DELETE FROM ${table} WHERE bucket <= ?`),
  });
  return {
    begin: p('BEGIN'),
    commit: p('COMMIT'),
    rollback: p('ROLLBACK'),
    seriesInsert: p('INSERT INTO series (name, last_limit) VALUES (?, ?) ON CONFLICT (name) DO NOTHING'),
    seriesGet: p('SELECT id, last_limit FROM series WHERE name = ?').raw(),
    seriesSetLimit: p('UPDATE series SET last_limit = ? WHERE id = ?'),
    seriesSetLastT: p('UPDATE series SET last_t = ? WHERE id = ? AND (last_t IS NULL OR last_t < ?)'),
    seriesAll: p('SELECT id, name FROM series ORDER BY name').raw(),
    seriesStale: p('SELECT id FROM series WHERE last_t < ?').raw(),
    seriesDelete: p('DELETE FROM series WHERE id = ?'),
    limitInsert: p('INSERT INTO series_limits (series_id, t, lim) VALUES (?, ?, ?) ON CONFLICT (series_id, t) DO UPDATE SET lim = excluded.lim'),
    limitsUntil: p('SELECT t, lim FROM series_limits WHERE series_id = ? AND t <= ? ORDER BY t').raw(),
    limitsPrune: p(
      `DELETE FROM series_limits WHERE series_id = ?
         AND t < (SELECT max(t) FROM series_limits WHERE series_id = ? AND t <= ?)`,
    ),
    limitsDeleteAll: p('DELETE FROM series_limits WHERE series_id = ?'),
    recentInsert: p('INSERT INTO samples_recent (t, series_id, value) VALUES (?, ?, ?) ON CONFLICT (t, series_id) DO NOTHING'),
    recentRange: p('SELECT t, value FROM samples_recent WHERE t >= ? AND t <= ? AND series_id = ? ORDER BY t').raw(),
    recentLatestPerSeries: p('SELECT series_id, max(t) FROM samples_recent GROUP BY series_id').raw(),
    // "WHERE true" tells SQLite's parser the ON CONFLICT belongs to the INSERT, not a join.
    recentMove: p(
      `INSERT INTO samples_raw (series_id, t, value) SELECT series_id, t, value FROM samples_recent WHERE true
       ORDER BY series_id, t ON CONFLICT (series_id, t) DO NOTHING`,
    ),
    recentClear: p('DELETE FROM samples_recent'),
    recentPrune: p('DELETE FROM samples_recent WHERE t < ?'),
    rawRange: p('SELECT t, value FROM samples_raw WHERE series_id = ? AND t >= ? AND t <= ? ORDER BY t').raw(),
    rawPrune: p('DELETE FROM samples_raw WHERE series_id = ? AND t < ?'),
    rawDeleteAll: p('DELETE FROM samples_raw WHERE series_id = ?'),
    m1: rollup('rollup_m1', MINUTE_MS),
    m15: rollup('rollup_m15', QUARTER_MS),
    eventInsert: p('INSERT INTO events (t, kind, detail) VALUES (?, ?, ?)'),
    eventsRange: p('SELECT t, kind, detail FROM events WHERE t >= ? AND t <= ? ORDER BY t, id').raw(),
    eventsPrune: p('DELETE FROM events WHERE t < ?'),
  };
}

export type Statements = ReturnType<typeof statements>;

export class Connection {
  readonly statements: Statements;

  private constructor(
    readonly db: Database.Database,
    /** Identity of the file this connection opened; null for an in-memory stand-in. */
    readonly file: { dev: number; ino: number } | null,
  ) {
    this.statements = statements(db);
  }

  /**
   * Opens (creating when missing) the history database at `path`, checks it
   * and prepares every statement. Throws UnusableDatabaseError when the file
   * is damaged, not a database, or not ours; other errors (not writable, a
   * missing folder) are thrown as they come.
   *
   * @param quickCheck run PRAGMA quick_check (a full read of the file: done
   *   at start-up and after a replacement, not on every retry).
   */
  static open(path: string, quickCheck: boolean): Connection {
    assertWritable(path);
    if (path !== ':memory:') {
      // Created 0600 before SQLite opens it (SQLite gives the -wal and -shm files the database's mode),
      // and an older 0644 file is tightened: the history names the user's processes and holds the fix audit log.
      closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
      for (const file of [path, `${path}-wal`, `${path}-shm`]) restrictFile(file);
    }
    let db: Database.Database;
    try {
      db = new Database(path);
    } catch (err) {
      if (isCorruptionError(err)) throw new UnusableDatabaseError(errorText(err));
      throw err;
    }
    try {
      if (quickCheck) {
        const rows = db.prepare('PRAGMA quick_check').raw().all() as unknown[][];
        const first = String(rows[0]?.[0] ?? 'no answer');
        if (first !== 'ok') throw new UnusableDatabaseError(`quick_check: ${first.replace(/\s+/g, ' ').trim().slice(0, 200)}`);
      }
      const schema = inspectSchema(db);
      if (schema.problem) throw new UnusableDatabaseError(schema.problem);
      db.exec('PRAGMA busy_timeout = 2000');
      // Small pages for a new file: each commit appends every page it dirtied to
      // the WAL, and a tick dirties a few tail pages. Measured with 86 series at
      // 2 s ticks: 18 KiB written per tick with 1 KiB pages, 34 KiB with 4 KiB.
      if (schema.needsCreate) db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
      try {
        // WAL: readers (the CLI, the UI) never block the sampler's writes.
        db.prepare('PRAGMA journal_mode = WAL').raw().all();
        db.exec('PRAGMA synchronous = NORMAL; PRAGMA journal_size_limit = 8388608');
      } catch (err) {
        // Switching modes needs a moment alone with the file; if another
        // process holds it longer than busy_timeout, the file still works in
        // its current mode and a later open switches it.
        if (isCorruptionError(err)) throw err;
      }
      if (schema.needsCreate) db.exec(`BEGIN; ${SCHEMA_SQL} COMMIT;`);
      const st = path === ':memory:' ? undefined : statSync(path, { throwIfNoEntry: false });
      return new Connection(db, st ? { dev: st.dev, ino: st.ino } : null);
    } catch (err) {
      try {
        if (db.inTransaction) db.exec('ROLLBACK');
      } catch {
        /* already failing */
      }
      try {
        db.close();
      } catch {
        /* already failing */
      }
      if (isCorruptionError(err)) throw err instanceof UnusableDatabaseError ? err : new UnusableDatabaseError(errorText(err));
      throw err;
    }
  }

  /** An empty in-memory history database: answers queries while the file cannot be opened. */
  static memory(): Connection {
    const db = new Database(':memory:');
    db.exec(SCHEMA_SQL);
    return new Connection(db, null);
  }

  close(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } catch {
      /* closing anyway */
    }
    try {
      this.db.close();
    } catch {
      /* closing anyway */
    }
  }
}
