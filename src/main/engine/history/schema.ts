/**
 * The history database's schema, and the check that a file on disk really is
 * a Headroom history database of a version this build understands. Table
 * names are specific (samples_*, rollup_*, series*) so the remediation audit
 * log can add its own tables to the same file without clashing; tables that
 * are not ours are ignored once the file is marked as Headroom's.
 */

import type Database from 'libsql';

/** PRAGMA application_id marking a file as Headroom's ("HDR0"). */
export const APPLICATION_ID = 0x48445230;
/** PRAGMA user_version of the schema below. */
export const SCHEMA_VERSION = 1;

/**
 * Columns of every table, in order.
 *
 * Layout, chosen for write volume: a commit appends every page it dirtied to
 * the WAL, and one tick writes ~100 series. Keyed by series first, a tick
 * dirties one page per series per table (measured: ~470 KiB per tick, 20 GB
 * a day). So everything written per tick is keyed by time first and lands on
 * the tail pages: `samples_recent` (the last minutes of raw samples) and the
 * two rollups. Every ten minutes `samples_recent` is moved in one go into
 * `samples_raw`, keyed by series for fast per-series reads. Rollup reads seek
 * (bucket, series) once per bucket instead of using a per-series index, which
 * would again be written all over the file at every bucket change.
 */
export const TABLE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  series: ['id', 'name', 'last_limit', 'last_t'],
  series_limits: ['series_id', 't', 'lim'],
  samples_recent: ['t', 'series_id', 'value'],
  samples_raw: ['series_id', 't', 'value'],
  rollup_m1: ['bucket', 'series_id', 'n', 'vsum', 'vmin', 'vmax'],
  rollup_m15: ['bucket', 'series_id', 'n', 'vsum', 'vmin', 'vmax'],
  events: ['id', 't', 'kind', 'detail'],
};

const rollupTable = (name: string) => `
CREATE TABLE IF NOT EXISTS ${name} (
  bucket INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  n INTEGER NOT NULL,
  vsum REAL NOT NULL,
  vmin REAL NOT NULL,
  vmax REAL NOT NULL,
  PRIMARY KEY (bucket, series_id)
) WITHOUT ROWID;`;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  last_limit REAL,
  -- Latest sample time, updated when samples_recent is moved (not per sample).
  last_t INTEGER
);
-- Limits change rarely (a container's limit, swap turned on), so they are kept
-- as a change log instead of a column on every sample.
CREATE TABLE IF NOT EXISTS series_limits (
  series_id INTEGER NOT NULL,
  t INTEGER NOT NULL,
  lim REAL,
  PRIMARY KEY (series_id, t)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples_recent (
  t INTEGER NOT NULL,
  series_id INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (t, series_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS samples_raw (
  series_id INTEGER NOT NULL,
  t INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (series_id, t)
) WITHOUT ROWID;
${rollupTable('rollup_m1')}
${rollupTable('rollup_m15')}
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY,
  t INTEGER NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS events_t ON events (t);
PRAGMA application_id = ${APPLICATION_ID};
PRAGMA user_version = ${SCHEMA_VERSION};
`;

export interface SchemaState {
  /** Why this file is not a usable history database, or null. */
  problem: string | null;
  /** True when some of our tables are missing (a new file): run SCHEMA_SQL. */
  needsCreate: boolean;
}

function pragmaNumber(db: Database.Database, name: string): number {
  const row = db.prepare(`PRAGMA ${name}`).raw().get() as unknown[] | undefined;
  return Number(row?.[0] ?? 0);
}

/** Reads the file's identity and table layout without writing anything. */
export function inspectSchema(db: Database.Database): SchemaState {
  const appId = pragmaNumber(db, 'application_id');
  const version = pragmaNumber(db, 'user_version');
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").raw().all() as unknown[][]).map(
    (r) => String(r[0]),
  );
  if (appId === 0) {
    if (tables.length === 0) return { problem: null, needsCreate: true };
    return { problem: `it holds another program's tables (${tables.slice(0, 5).join(', ')})`, needsCreate: false };
  }
  if (appId !== APPLICATION_ID) return { problem: `application_id ${appId} is not Headroom's`, needsCreate: false };
  if (version > SCHEMA_VERSION) {
    return { problem: `schema version ${version} is newer than this Headroom understands (${SCHEMA_VERSION})`, needsCreate: false };
  }
  let needsCreate = false;
  for (const [table, expected] of Object.entries(TABLE_COLUMNS)) {
    if (!tables.includes(table)) {
      needsCreate = true;
      continue;
    }
    const cols = (db.prepare(`PRAGMA table_info(${table})`).raw().all() as unknown[][]).map((r) => String(r[1]));
    if (cols.join(',') !== expected.join(',')) {
      return { problem: `table ${table} has columns (${cols.join(', ')}) instead of (${expected.join(', ')})`, needsCreate: false };
    }
  }
  return { problem: null, needsCreate };
}
