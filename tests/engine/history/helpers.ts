/** Shared set-up for the history store tests: temp folders, a store with captured log lines, file tricks. */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistoryStore, type HistorySample } from '../../../src/main/engine/history/store.ts';
import type { HistoryOptions } from '../../../src/main/engine/history/types.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

export const H = 3_600_000;
export const D = 24 * H;

const dirs: string[] = [];

/** A fresh folder under the system temp dir, removed by `removeTempDirs()`. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'headroom-history-'));
  dirs.push(d);
  return d;
}

export function removeTempDirs(): void {
  for (const d of dirs.splice(0)) {
    spawnSync('chattr', ['-R', '-i', d], { stdio: 'ignore' });
    rmSync(d, { recursive: true, force: true });
  }
}

export interface TestStore {
  store: HistoryStore;
  logs: string[];
  clock: { now: number };
}

/** Opens a store whose log lines are collected and whose clock the test moves. */
export function openStore(path: string, opts: Partial<HistoryOptions> & { now?: () => number } = {}, startAt = Date.now()): TestStore {
  const logs: string[] = [];
  const clock = { now: startAt };
  const store = HistoryStore.open({
    path,
    retention: DEFAULT_SETTINGS.history,
    log: (l) => logs.push(l),
    now: () => clock.now,
    ...opts,
  });
  return { store, logs, clock };
}

export const sample = (series: string, value: number, limit: number | null = null): HistorySample => ({ series, value, limit });

/** Root can set the immutable flag (a file that refuses writes even through open handles). */
export const isRoot = process.getuid?.() === 0;

export function chattr(flag: '+i' | '-i', ...files: string[]): void {
  const r = spawnSync('chattr', [flag, ...files], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chattr ${flag} failed: ${r.stderr || r.error?.message}`);
}

/** Raw-tier row count (recent and compacted), read straight from the file, tier selection aside. */
export function rawCount(store: HistoryStore, series?: string): number {
  let total = 0;
  for (const table of ['samples_raw', 'samples_recent']) {
    const sql = series
      ? `SELECT count(*) FROM ${table} JOIN series ON series.id = ${table}.series_id WHERE series.name = ?`
      : `SELECT count(*) FROM ${table}`;
    const stmt = store.db.prepare(sql).raw();
    const row = (series ? stmt.get(series) : stmt.get()) as number[];
    total += row[0];
  }
  return total;
}
