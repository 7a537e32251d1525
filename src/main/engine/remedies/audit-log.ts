/**
 * The fix audit log: one row per fix run (and per explicit dry run), in the
 * history database next to the samples, so `headroom log`, the window and a
 * support report all read the same record of what Headroom changed.
 *
 * Without a history database (one-shot modes, or a database that could not be
 * opened) the log lives in an in-memory SQLite database instead, and the caller
 * says so once in the engine log.
 */

import Database from 'libsql';
import type { FixTarget } from '../../../shared/model.ts';
import type { AuditEntry } from './types.ts';

/** The part of a better-sqlite3-style database the audit log uses (libsql's Database fits). */
export interface AuditDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): {
    run(...params: unknown[]): { lastInsertRowid: number | bigint };
    all(...params: unknown[]): unknown[];
  };
}

export interface AuditStore {
  /** True when entries survive a restart (stored in the history database). */
  readonly persistent: boolean;
  append(entry: Omit<AuditEntry, 'id'>): number;
  /** Most recent first. */
  recent(limit?: number): AuditEntry[];
  /** Entries of one kind since `sinceMs`, most recent first. */
  ofKind(kind: string, sinceMs: number, limit?: number): AuditEntry[];
}

/** Rows kept; older ones are dropped as new ones arrive. */
const MAX_ROWS = 20000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS fix_audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  t INTEGER NOT NULL,
  fix_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  ok INTEGER NOT NULL,
  summary TEXT NOT NULL,
  targets TEXT NOT NULL,
  mem_before INTEGER NOT NULL,
  mem_after INTEGER NOT NULL,
  rss_before INTEGER NOT NULL DEFAULT 0,
  rss_after INTEGER NOT NULL DEFAULT 0,
  undo TEXT
);
CREATE INDEX IF NOT EXISTS fix_audit_t ON fix_audit (t);
CREATE INDEX IF NOT EXISTS fix_audit_kind ON fix_audit (kind, t);
`;

interface Row {
  id: number;
  t: number;
  fix_id: string;
  kind: string;
  title: string;
  dry_run: number;
  ok: number;
  summary: string;
  targets: string;
  mem_before: number;
  mem_after: number;
  rss_before: number;
  rss_after: number;
  undo: string | null;
}

type Prepared = ReturnType<typeof prepare>;

function prepare(d: AuditDatabase) {
  d.exec(SCHEMA);
  return {
    insert: d.prepare(
      `INSERT INTO fix_audit (t, fix_id, kind, title, dry_run, ok, summary, targets, mem_before, mem_after, rss_before, rss_after, undo)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    trim: d.prepare('DELETE FROM fix_audit WHERE id <= ?'),
    recent: d.prepare('SELECT * FROM fix_audit ORDER BY id DESC LIMIT ?'),
    ofKind: d.prepare('SELECT * FROM fix_audit WHERE kind = ? AND t >= ? ORDER BY id DESC LIMIT ?'),
  };
}

/**
 * Opens the audit log in the history database that `source` returns (asked on
 * every call: the history store replaces its connection when it recovers from
 * a damaged file), or in a private in-memory database when `source` is null.
 * A write the history database refuses goes to the in-memory one instead, with
 * a log line: a fix that ran is never left unrecorded.
 */
export function openAuditStore(source: (() => AuditDatabase | null) | null, log: (line: string) => void = () => {}): AuditStore {
  let memory: Prepared | null = null;
  const inMemory = (): Prepared => (memory ??= prepare(new Database(':memory:') as unknown as AuditDatabase));
  let lastDb: AuditDatabase | null = null;
  let lastPrepared: Prepared | null = null;

  /** The statements for the current history database, or null (then the in-memory log is used). */
  function current(): Prepared | null {
    const db = source?.() ?? null;
    if (db === null) return null;
    if (db !== lastDb) {
      lastPrepared = prepare(db);
      lastDb = db;
    }
    return lastPrepared;
  }

  function write(p: Prepared, e: Omit<AuditEntry, 'id'>): number {
    const r = p.insert.run(
      Math.round(e.t),
      e.fixId,
      e.kind,
      e.title,
      e.dryRun ? 1 : 0,
      e.ok ? 1 : 0,
      e.summary,
      JSON.stringify(e.targets),
      Math.round(e.memBefore),
      Math.round(e.memAfter),
      Math.round(e.targetsRssBefore ?? 0),
      Math.round(e.targetsRssAfter ?? 0),
      e.undo === null ? null : JSON.stringify(e.undo),
    );
    const id = Number(r.lastInsertRowid);
    if (id > MAX_ROWS && id % 100 === 0) p.trim.run(id - MAX_ROWS);
    return id;
  }

  function read<T>(f: (p: Prepared) => T): T {
    try {
      const p = current();
      if (p !== null) return f(p);
    } catch (err) {
      log(`remedies: reading the fix audit log failed: ${(err as Error).message}`);
    }
    return f(inMemory());
  }

  return {
    get persistent() {
      return source !== null;
    },
    append(e) {
      try {
        const p = current();
        if (p !== null) return write(p, e);
      } catch (err) {
        log(`remedies: the history database refused the fix audit entry (${(err as Error).message}); kept in memory instead`);
        lastDb = null;
      }
      return write(inMemory(), e);
    },
    recent(limit = 50) {
      return read((p) => (p.recent.all(clampLimit(limit)) as Row[]).map(fromRow));
    },
    ofKind(kind, sinceMs, limit = 500) {
      return read((p) => (p.ofKind.all(kind, Math.round(sinceMs), clampLimit(limit)) as Row[]).map(fromRow));
    },
  };
}

function clampLimit(n: number): number {
  return Number.isInteger(n) && n > 0 ? Math.min(n, 100000) : 50;
}

function fromRow(r: Row): AuditEntry {
  return {
    id: Number(r.id),
    t: Number(r.t),
    fixId: r.fix_id,
    kind: r.kind,
    title: r.title,
    dryRun: r.dry_run === 1,
    ok: r.ok === 1,
    summary: r.summary,
    targets: parseJson<{ target: FixTarget; outcome: string; detail: string }[]>(r.targets, []),
    memBefore: Number(r.mem_before),
    memAfter: Number(r.mem_after),
    targetsRssBefore: Number(r.rss_before),
    targetsRssAfter: Number(r.rss_after),
    undo: r.undo === null ? null : parseJson<Record<string, unknown> | null>(r.undo, null),
  };
}

/** A damaged row must not break the log view: it reads as empty rather than throwing. */
function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
