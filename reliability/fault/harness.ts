/**
 * Shared set-up for the fault-injection tests: a real Headroom (the same
 * composition root as the app: createHeadroom, a real SQLite history file, the
 * /proc collectors) in its own data directory, with its snapshots and log
 * lines kept so a test can watch the user-visible state while it breaks
 * something underneath, and time how long the engine takes to recover.
 */

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeadroom, type Headroom } from '../../src/main/engine/create.ts';
import type { Snapshot } from '../../src/shared/model.ts';

export interface FaultHeadroom {
  h: Headroom;
  dir: string;
  /** Every snapshot the engine emitted, oldest first. */
  snaps: Snapshot[];
  /** Every log line (timestamped), oldest first. */
  logs: string[];
  /** Errors the engine emitted (a tick that threw). */
  errors: Error[];
  latest(): Snapshot | null;
  /** Stops the engine, closes history, removes the directory it created (not one it was given). */
  dispose(): Promise<void>;
}

export interface FaultHeadroomOptions {
  /** Settings written to settings.json before start (merged over fast test intervals). */
  settings?: Record<string, unknown>;
  /** Use this directory as the data dir (e.g. a tmpfs mount); default a fresh temp dir. */
  dataDir?: string;
  docker?: boolean;
  start?: boolean;
}

const FAST = { systemMs: 250, processesMs: 500, fdsMs: 5000 };

/** A real Headroom with history on, fast intervals, its log captured instead of printed. */
export function startFaultHeadroom(opts: FaultHeadroomOptions = {}): FaultHeadroom {
  const own = opts.dataDir === undefined;
  const dir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'headroom-fault-'));
  mkdirSync(dir, { recursive: true });
  const s = opts.settings ?? {};
  const settings = { version: 1, ...s, intervals: { ...FAST, ...((s.intervals as object) ?? {}) } };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  const logs: string[] = [];
  const snaps: Snapshot[] = [];
  const errors: Error[] = [];
  const h = createHeadroom({ dataDir: dir, docker: opts.docker ?? false, log: (l) => logs.push(l) });
  h.engine.on('snapshot', (snap) => snaps.push(snap));
  h.engine.on('error', (e) => errors.push(e));
  if (opts.start !== false) h.engine.start();
  let disposed = false;
  return {
    h,
    dir,
    snaps,
    logs,
    errors,
    latest: () => h.engine.latest(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await h.close();
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `done` accepts it; throws with `what` and the last value after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T, done: (v: T) => boolean, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (done(v)) return v;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(v)?.slice(0, 600)}`);
    await sleep(everyMs);
  }
}

/** Seconds since a performance.now() mark, to two decimals. */
export function secondsSince(mark: number): number {
  return Math.round((performance.now() - mark) / 10) / 100;
}

/**
 * Every raw sample of one series in [since, until] as the store answers a
 * query (file and in-memory queue alike), not downsampled.
 */
export function rawPoints(h: Headroom, series: string, sinceMs: number, untilMs?: number): { t: number[]; v: number[] } {
  if (!h.history) throw new Error('this Headroom records no history');
  const q = h.history.query({ series, sinceMs, untilMs, maxPoints: 1_000_000 });
  if (q.tier !== 'raw') throw new Error(`expected raw samples for ${series}, got tier ${q.tier}`);
  return { t: q.t, v: q.v };
}

/** Snapshot times (system ticks that were recorded) in [since, until]. */
export function tickTimes(snaps: readonly Snapshot[], sinceMs: number, untilMs = Infinity): number[] {
  return snaps.filter((s) => s.t >= sinceMs && s.t <= untilMs).map((s) => s.t);
}

/** True when `xs` is sorted ascending (ties allowed). */
export function ascending(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) return false;
  return true;
}
