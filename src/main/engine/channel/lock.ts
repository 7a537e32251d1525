/**
 * One engine per data directory. The engine (the desktop app, `serve`, a
 * standalone `watch`) holds `engine.lock` in the data directory for as long as
 * it runs; a second engine on the same directory refuses with a message that
 * names the first. Without it two engines write the same history twice (with
 * duplicate timestamps) and each raises its own alerts.
 *
 * The lock is a file created with O_EXCL, holding who took it. An engine killed
 * with SIGKILL leaves it behind; it is stale once its PID is gone, or belongs
 * to another process now (same PID, another kernel start time), and is then
 * taken over. A file that is not a Headroom lock at all (corrupt, foreign) is
 * moved aside, never deleted, unless an engine still answers on the channel.
 */

import { closeSync, existsSync, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { readStartAndState } from '../platform/linux/live-process.ts';
import { describeEngine, type EngineInfo } from './protocol.ts';

export const LOCK_FILE = 'engine.lock';
const LOCK_MAGIC = 'headroom-engine-lock';
/** Longest lock file read: a real one is ~200 bytes; anything far larger is not ours. */
const MAX_LOCK_BYTES = 4096;

/** What the lock file holds. */
export interface LockRecord extends EngineInfo {
  lock: typeof LOCK_MAGIC;
  /** Kernel start time of `pid` (clock ticks since boot; Linux), so a reused PID is not taken for the engine. */
  procStart: number | null;
  /** Where the engine listens (socket path or pipe name). */
  channel: string;
}

/** Another engine holds the lock: `message` is the one line to print. */
export class EngineLockedError extends Error {
  constructor(
    message: string,
    readonly holder: EngineInfo | null,
  ) {
    super(message);
  }
}

export type LockState =
  | { kind: 'none' }
  | { kind: 'held'; record: LockRecord }
  | { kind: 'stale'; record: LockRecord }
  | { kind: 'unreadable'; reason: string };

/** The kernel start time of a process, or null where there is no /proc (or it is gone). */
export function processStartTime(pid: number): number | null {
  if (process.platform !== 'linux') return null;
  return readStartAndState(pid)?.startTime ?? null;
}

/** Is the process that wrote `r` still the one running under its PID? */
export function holderAlive(r: Pick<LockRecord, 'pid' | 'procStart'>): boolean {
  if (r.pid === process.pid) return true;
  try {
    process.kill(r.pid, 0);
  } catch (err) {
    // EPERM: it exists but belongs to someone else. Not an engine of ours, yet not provably gone either.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (r.procStart === null || process.platform !== 'linux') return true;
  const now = readStartAndState(r.pid);
  return now !== null && now.startTime === r.procStart && now.state !== 'Z' && now.state !== 'X';
}

/** Parses a lock file's text; null when it is not a Headroom lock. */
export function parseLock(text: string): LockRecord | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  const r = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  if (!r || r.lock !== LOCK_MAGIC) return null;
  if (!Number.isSafeInteger(r.pid) || (r.pid as number) <= 0 || typeof r.kind !== 'string' || typeof r.channel !== 'string') return null;
  if (typeof r.startedAt !== 'number' || typeof r.dataDir !== 'string') return null;
  if (r.procStart !== null && !Number.isSafeInteger(r.procStart)) return null;
  return r as unknown as LockRecord;
}

/** Reads the lock of `dataDir` and says whether an engine holds it. Never throws. */
export function readLock(dataDir: string): LockState {
  const path = join(dataDir, LOCK_FILE);
  let text: string;
  try {
    const buf = readFileSync(path);
    if (buf.length > MAX_LOCK_BYTES) return { kind: 'unreadable', reason: `${buf.length} bytes, far more than a Headroom lock` };
    text = buf.toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'none' };
    return { kind: 'unreadable', reason: code ?? (err as Error).message };
  }
  const record = parseLock(text);
  if (!record) return { kind: 'unreadable', reason: 'not a Headroom lock file' };
  return holderAlive(record) ? { kind: 'held', record } : { kind: 'stale', record };
}

export interface EngineLock {
  readonly record: LockRecord;
  readonly path: string;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  dataDir: string;
  kind: string;
  channel: string;
  log: (line: string) => void;
  /**
   * Asks the channel whether an engine answers there (used only when the lock
   * file cannot be read, so it cannot say). Resolves to that engine, or null.
   */
  probe?: () => Promise<EngineInfo | null>;
  now?: () => number;
}

/**
 * Takes the data directory's engine lock, taking over a stale one. Throws
 * EngineLockedError when a live engine holds it.
 */
export async function acquireEngineLock(opts: AcquireOptions): Promise<EngineLock> {
  const path = join(opts.dataDir, LOCK_FILE);
  const now = opts.now ?? Date.now;
  const record: LockRecord = {
    lock: LOCK_MAGIC,
    kind: opts.kind,
    pid: process.pid,
    procStart: processStartTime(process.pid),
    startedAt: now(),
    dataDir: opts.dataDir,
    channel: opts.channel,
  };
  const text = `${JSON.stringify(record)}\n`;
  // Three rounds: each failed round removed one obstacle (a stale or unreadable lock) or lost a race.
  for (let round = 0; round < 3; round++) {
    if (tryCreate(path, text)) return ownLock(path, record, text);
    const state = readLock(opts.dataDir);
    if (state.kind === 'none') continue; // released between our attempt and the read
    if (state.kind === 'held') {
      throw new EngineLockedError(lockedMessage(state.record, opts.dataDir), state.record);
    }
    if (state.kind === 'stale') {
      if (takeOver(path, state.record)) {
        opts.log(`engine: took over the lock left by ${describeEngine(state.record)}, which is no longer running`);
      }
      continue;
    }
    // Unreadable: it cannot say who holds it, so ask the channel before moving it.
    const answering = opts.probe ? await opts.probe() : null;
    if (answering) throw new EngineLockedError(lockedMessage(answering, opts.dataDir), answering);
    const keptAs = `${path}.unreadable-${now()}`;
    try {
      renameSync(path, keptAs);
      opts.log(`engine: ${path} was not a Headroom lock (${state.reason}) and no engine answers; kept it as ${keptAs}`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`cannot use the engine lock ${path}: ${state.reason}, and it cannot be moved aside (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
  const last = readLock(opts.dataDir);
  if (last.kind === 'held') throw new EngineLockedError(lockedMessage(last.record, opts.dataDir), last.record);
  throw new Error(`cannot take the engine lock ${path}: another process keeps replacing it`);
}

function lockedMessage(holder: Pick<EngineInfo, 'kind' | 'pid' | 'startedAt'>, dataDir: string): string {
  return `another Headroom engine is running on ${dataDir}: ${describeEngine(holder)}; stop it first, or use a command that attaches to it (watch, snapshot, fixes, …)`;
}

/** Creates the lock file atomically with its content (O_EXCL on a temporary name, then a hard link); false if one exists. */
function tryCreate(path: string, text: string): boolean {
  // Written under a private name first, so no reader ever sees a half-written lock.
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if ((err as NodeJS.ErrnoException).code === 'EPERM' || (err as NodeJS.ErrnoException).code === 'ENOSYS') {
      // File systems without hard links: O_EXCL on the lock itself.
      try {
        const lfd = openSync(path, 'wx', 0o600);
        try {
          writeSync(lfd, text);
        } finally {
          closeSync(lfd);
        }
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw e;
      }
    }
    throw err;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* already gone */
    }
  }
}

/**
 * Removes a stale lock, but only that one: it is renamed to a private name
 * first, and if what was renamed turns out to be another engine's fresh lock
 * (two engines taking over at once), it is put back.
 */
function takeOver(path: string, stale: LockRecord): boolean {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return false; // someone else moved it first
  }
  let moved: LockRecord | null = null;
  try {
    moved = parseLock(readFileSync(aside, 'utf8'));
  } catch {
    /* treated as not the stale one */
  }
  const same = moved !== null && moved.pid === stale.pid && moved.startedAt === stale.startedAt && moved.procStart === stale.procStart;
  if (!same) {
    try {
      linkSync(aside, path); // fails if yet another lock appeared meanwhile: that one stands
    } catch {
      /* the lock in place stands */
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    /* gone */
  }
  return same;
}

function ownLock(path: string, record: LockRecord, text: string): EngineLock {
  let released = false;
  return {
    record,
    path,
    release() {
      if (released) return;
      released = true;
      try {
        // Only our own lock is removed: a lock that was replaced (by hand, or after ours was moved) stays.
        if (existsSync(path) && readFileSync(path, 'utf8') === text) unlinkSync(path);
      } catch {
        /* already gone */
      }
    },
  };
}
