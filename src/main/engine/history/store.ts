/**
 * Headroom's history: named series recorded to one SQLite file (libsql), as
 * raw samples plus 1-minute and 15-minute rollups maintained at write time,
 * each tier pruned to its own retention. Queries pick the tier from the range
 * and downsample with LTTB.
 *
 * The store must never take the monitor down. A damaged or foreign file is
 * moved aside with one log line and a new one started; a file that cannot be
 * written (disk full, read-only, deleted) only delays samples: they wait in a
 * bounded in-memory queue and are written by the first `record()` that works.
 * `health()` tells the UI which state it is in.
 */

import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'libsql';
import type { HistoryQuery, HistorySeries } from '../../../shared/contract.ts';
import { Connection, UnusableDatabaseError, errorText, isCorruptionError, isReadonlyError } from './connection.ts';
import { formatTraceCsv, type TraceRow } from './csv.ts';
import { lttb } from './lttb.ts';
import { averagePoints, envelopePoints, planQuery, rangeContent } from './query-plan.ts';
import { MINUTE_MS, QUARTER_MS, TIER_WIDTH_MS, bucketStart, pickTier, retentionMs, retentionProblem, type Retention, type Tier } from './tiers.ts';
import type { HistoryEvent, HistoryHealth, HistoryOptions, HistoryReset, HistorySample, RollupBucket } from './types.ts';
import { WriteQueue } from './write-queue.ts';

export type { HistoryEvent, HistoryHealth, HistoryOptions, HistoryReset, HistorySample, RollupBucket } from './types.ts';
export type { Tier } from './tiers.ts';

/** Points per series a query returns unless it asks otherwise. */
export const DEFAULT_MAX_POINTS = 2000;
/** `record()` prunes at most this often. */
export const PRUNE_EVERY_MS = 10 * MINUTE_MS;
/** About ten minutes of samples at the default intervals (~20 series-samples a second). */
export const DEFAULT_MAX_QUEUED_SAMPLES = 15_000;
/** A file that keeps going bad right after being replaced is a disk problem: stop littering aside copies. */
const MIN_REPLACE_INTERVAL_MS = 60_000;
const MAX_SERIES_NAME = 1000;
const MAX_KIND = 200;
const MAX_DETAIL = 4000;
const END_OF_TIME = Number.MAX_SAFE_INTEGER;
const NO_SAMPLES: readonly HistorySample[] = [];

interface CachedSeries {
  id: number;
  limit: number | null;
}

/** Moves `path` (and its WAL) to `<path>.corrupt-<epochms>`; returns the new name. */
function moveAside(path: string, epochMs: number): string {
  let aside = `${path}.corrupt-${epochMs}`;
  for (let i = 2; existsSync(aside); i++) aside = `${path}.corrupt-${epochMs}-${i}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  // The WAL belongs to the old file: left in place, SQLite would replay it into the new one.
  if (existsSync(`${path}-wal`)) renameSync(`${path}-wal`, `${aside}-wal`);
  rmSync(`${path}-shm`, { force: true });
  return aside;
}

function fileSize(path: string): number {
  try {
    return statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  } catch {
    return 0;
  }
}

export class HistoryStore {
  readonly path: string;
  private retention: Retention;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly queue: WriteQueue;
  private readonly seriesCache = new Map<string, CachedSeries>();
  private readonly openListeners = new Set<(db: Database.Database) => void>();
  /** The real file's connection, or an empty in-memory stand-in while the file cannot be opened. */
  private conn!: Connection;
  private standIn: Connection | null = null;
  private connected = false;
  /** The current failure episode, in words; null while everything is on disk. */
  private failure: string | null = null;
  private droppedInEpisode = 0;
  /** The file turned read-only under the connection: only a fresh one can write again. */
  private needsReopen = false;
  private lastPruneAt = -Infinity;
  private lastReplaceAt = -Infinity;
  private lastReset: HistoryReset | null = null;
  private invalidLogged = false;
  private closed = false;
  /** This store has written samples (so close() compacts and checkpoints). */
  private wrote = false;

  private constructor(opts: HistoryOptions) {
    if (typeof opts?.path !== 'string' || opts.path === '') throw new TypeError('HistoryStore: path must be a non-empty string');
    const problem = retentionProblem(opts.retention);
    if (problem) throw new RangeError(`HistoryStore: ${problem}`);
    this.path = opts.path;
    this.retention = { ...opts.retention };
    this.now = opts.now ?? Date.now;
    this.log = (line) => {
      try {
        opts.log(line);
      } catch {
        /* a broken log sink must not break history */
      }
    };
    this.queue = new WriteQueue(Math.max(1, Math.floor(opts.maxQueuedSamples ?? DEFAULT_MAX_QUEUED_SAMPLES)));
    if (!this.connect(opts.quickCheck ?? true)) this.useStandIn();
  }

  /**
   * Opens (or creates) the history database at `opts.path`. Never throws for
   * a bad or unwritable file: a damaged one is moved aside and replaced, an
   * unopenable one leaves the store queueing in memory (see `health()`).
   * Throws only for invalid options.
   */
  static open(opts: HistoryOptions): HistoryStore {
    return new HistoryStore(opts);
  }

  /**
   * The libsql handle of the history file, for modules that keep their own
   * tables in it (the remediation audit log). The handle changes when the
   * file is replaced or reopened: use `onOpen` to (re)create tables and
   * statements. While the file cannot be opened this is an in-memory stand-in.
   */
  get db(): Database.Database {
    return this.conn.db;
  }

  /**
   * Calls `listener` with the database handle now (if the file is open) and
   * after every reopen or replacement. Returns a function that unsubscribes.
   */
  onOpen(listener: (db: Database.Database) => void): () => void {
    this.openListeners.add(listener);
    if (this.connected) this.notifyOpen(listener, this.conn.db);
    return () => this.openListeners.delete(listener);
  }

  /**
   * Records samples taken at `t` (epoch ms) in one transaction. Never throws:
   * invalid samples are skipped (logged once), and samples that cannot be
   * written wait in memory for the next call that can write.
   */
  record(t: number, samples: readonly HistorySample[]): void {
    if (this.closed) return;
    try {
      if (typeof t !== 'number' || !Number.isFinite(t)) {
        this.logInvalid(`a record() time of ${String(t)}`);
        return;
      }
      const clean = this.cleanSamples(samples);
      if (clean.length === 0 && this.queue.empty) return;
      this.write(Math.round(t), clean);
      this.maybeMaintain();
    } catch (err) {
      // write() handles every expected failure; this is the last guard for the monitor.
      this.log(`history: record failed: ${errorText(err)}`);
    }
  }

  /** Records an engine lifecycle event (start, stop...) so reports can find gaps. Never throws. */
  recordEvent(t: number, kind: string, detail?: string): void {
    if (this.closed) return;
    try {
      if (typeof t !== 'number' || !Number.isFinite(t) || typeof kind !== 'string' || kind === '') {
        this.logInvalid(`an event (${String(kind)} at ${String(t)})`);
        return;
      }
      const d = typeof detail === 'string' ? detail.slice(0, MAX_DETAIL) : null;
      this.queue.pushEvent({ t: Math.round(t), kind: kind.slice(0, MAX_KIND), detail: d });
      this.write(null, NO_SAMPLES);
    } catch (err) {
      this.log(`history: recordEvent failed: ${errorText(err)}`);
    }
  }

  /**
   * One series over a time range, downsampled with LTTB to at most
   * `maxPoints` (default 2000). The tier is the finest that reaches the range
   * start, or a coarser one when that alone fills the points (a day of 2 s
   * samples reads the 1-minute rollup); rollups answer with each bucket's
   * min/max envelope, so peaks survive, or with bucket averages when the range
   * holds no more samples than `maxPoints` (see query-plan.ts). Throws a
   * clear error for a malformed query.
   */
  query(q: HistoryQuery): HistorySeries {
    this.assertOpen();
    if (typeof q?.series !== 'string' || q.series === '') throw new TypeError('history query: series must be a non-empty string');
    if (typeof q.sinceMs !== 'number' || !Number.isFinite(q.sinceMs)) throw new TypeError('history query: sinceMs must be a finite number');
    if (q.untilMs !== undefined && (typeof q.untilMs !== 'number' || Number.isNaN(q.untilMs))) {
      throw new TypeError('history query: untilMs must be a number');
    }
    const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
    if (!Number.isInteger(maxPoints) || maxPoints < 2) throw new RangeError('history query: maxPoints must be a whole number of at least 2');
    const now = this.now();
    const until = Math.min(q.untilMs ?? END_OF_TIME, END_OF_TIME);
    // The 15-minute rollup says what the range holds (a few rows: 96 a day) before choosing what to read.
    const id = this.lookupId(q.series);
    const quarters = id === null ? [] : this.readBuckets(id, 'm15', q.sinceMs, until);
    const { tier, shape } = planQuery({ sinceMs: q.sinceMs, now, retention: this.retention, maxPoints, content: rangeContent(quarters, q.sinceMs, Math.min(until, now)) });
    let rows: { t: number[]; v: number[] };
    if (tier === 'm15') rows = shape === 'envelope' ? envelopePoints(quarters, QUARTER_MS) : averagePoints(quarters);
    else if (shape === 'envelope') rows = envelopePoints(id === null ? [] : this.readBuckets(id, tier, q.sinceMs, until), TIER_WIDTH_MS[tier]);
    else rows = this.readRows(q.series, tier, q.sinceMs, until, false);
    // Samples still queued in memory are in no rollup yet: a long-range chart shows them as they are (raw answers have them already).
    if (tier !== 'raw' && !this.queue.empty) this.mergeQueued(q.series, q.sinceMs, until, rows.t, rows.v, undefined);
    const down = rows.t.length > maxPoints ? lttb(rows.t, rows.v, maxPoints) : { t: rows.t, v: rows.v };
    return { series: q.series, t: down.t, v: down.v, limit: this.latestLimit(q.series), tier };
  }

  /** Stored rollup buckets (count, avg, min, max) of one series, for reports and checks. */
  rollups(series: string, tier: 'm1' | 'm15', sinceMs: number, untilMs = END_OF_TIME): RollupBucket[] {
    this.assertOpen();
    const id = this.lookupId(series);
    if (id === null) return [];
    return this.readBuckets(id, tier, sinceMs, untilMs).map((r) => ({ t: r[0], count: r[1], avg: r[2], min: r[3], max: r[4] }));
  }

  /** Every recorded series name, sorted. */
  seriesNames(): string[] {
    this.assertOpen();
    const names = new Set((this.conn.statements.seriesAll.all() as unknown[][]).map((r) => String(r[1])));
    for (const b of this.queue.batches) for (const s of b.samples) names.add(s.series);
    return [...names].sort();
  }

  /** The limit carried by the latest sample of `series`, or null (unknown series or no limit). */
  latestLimit(series: string): number | null {
    this.assertOpen();
    const batches = this.queue.batches;
    for (let i = batches.length - 1; i >= 0; i--) {
      const found = batches[i].samples.findLast((s) => s.series === series);
      if (found) return found.limit;
    }
    const cached = this.seriesCache.get(series);
    if (cached) return cached.limit;
    const row = this.conn.statements.seriesGet.get(series) as unknown[] | undefined;
    return row ? (row[1] as number | null) : null;
  }

  /**
   * One series as a replay trace (`t,series,value,limit`, t in seconds from
   * the first exported sample), not downsampled. Raw samples when the range
   * start is within raw retention, else the finest rollup that reaches it.
   */
  exportCsv(series: string, sinceMs: number, untilMs?: number): string {
    this.assertOpen();
    if (typeof series !== 'string' || series === '') throw new TypeError('exportCsv: series must be a non-empty string');
    if (typeof sinceMs !== 'number' || !Number.isFinite(sinceMs)) throw new TypeError('exportCsv: sinceMs must be a finite number');
    const tier = pickTier(sinceMs, this.now(), this.retention);
    const rows = this.readRows(series, tier, sinceMs, Math.min(untilMs ?? END_OF_TIME, END_OF_TIME), true);
    const out: TraceRow[] = new Array(rows.t.length);
    for (let i = 0; i < rows.t.length; i++) out[i] = { t: rows.t[i], value: rows.v[i], limit: rows.limits![i] };
    return formatTraceCsv(series, out);
  }

  /** Lifecycle events in a time range, oldest first. */
  events(sinceMs: number, untilMs = END_OF_TIME): HistoryEvent[] {
    this.assertOpen();
    const rows = this.conn.statements.eventsRange.all(sinceMs, Math.min(untilMs, END_OF_TIME)) as unknown[][];
    const out: HistoryEvent[] = rows.map((r) => ({ t: r[0] as number, kind: r[1] as string, detail: r[2] as string | null }));
    const queued = this.queue.events.filter((e) => e.t >= sinceMs && e.t <= untilMs);
    if (queued.length > 0) {
      out.push(...queued.map((e) => ({ ...e })));
      out.sort((a, b) => a.t - b.t);
    }
    return out;
  }

  /**
   * Deletes what is past retention as of `now`: raw samples, rollup buckets
   * that ended before their tier's horizon, events and limit changes older
   * than the longest horizon, and series not written for longer than that.
   * Returns the rows deleted per table. Never throws (a failure is logged).
   */
  prune(now: number): { raw: number; m1: number; m15: number; events: number; series: number } {
    const counts = { raw: 0, m1: 0, m15: 0, events: 0, series: 0 };
    if (this.closed || !this.connected) return counts;
    const keep = retentionMs(this.retention);
    const longest = Math.max(keep.raw, keep.m1, keep.m15);
    const st = this.conn.statements;
    try {
      const ids = (st.seriesAll.all() as unknown[][]).map((r) => r[0] as number);
      st.begin.run();
      this.noteLatestTimes(st);
      for (const id of ids) {
        counts.raw += st.rawPrune.run(id, now - keep.raw).changes;
        // Keep the last limit change before the horizon: it still applies after it.
        st.limitsPrune.run(id, id, now - longest);
      }
      counts.raw += st.recentPrune.run(now - keep.raw).changes;
      // A bucket goes once it lies wholly before its tier's horizon.
      counts.m1 = st.m1.prune.run(now - keep.m1 - MINUTE_MS).changes;
      counts.m15 = st.m15.prune.run(now - keep.m15 - QUARTER_MS).changes;
      for (const row of st.seriesStale.all(now - longest - QUARTER_MS) as number[][]) {
        st.rawDeleteAll.run(row[0]);
        st.limitsDeleteAll.run(row[0]);
        counts.series += st.seriesDelete.run(row[0]).changes;
      }
      counts.events = st.eventsPrune.run(now - longest).changes;
      st.commit.run();
    } catch (err) {
      this.rollbackQuietly();
      this.log(`history: pruning ${this.path} failed: ${errorText(err)}`);
      this.replaceIfDamaged(err);
    } finally {
      // Deleted series must not be written to through stale cached ids.
      this.seriesCache.clear();
    }
    return counts;
  }

  /**
   * Moves the recent raw samples (written by time, cheap to append) into the
   * per-series raw table in one transaction, and notes each series' latest
   * sample time. Runs with pruning; returns the samples moved. Never throws.
   */
  compact(): number {
    if (this.closed || !this.connected) return 0;
    const st = this.conn.statements;
    try {
      st.begin.run();
      this.noteLatestTimes(st);
      st.recentMove.run();
      const moved = st.recentClear.run().changes;
      st.commit.run();
      return moved;
    } catch (err) {
      this.rollbackQuietly();
      this.log(`history: compacting ${this.path} failed: ${errorText(err)}`);
      this.replaceIfDamaged(err);
      return 0;
    }
  }

  /** Applies new retention settings; the next `record()` prunes with them. Throws on invalid values. */
  setRetention(r: Retention): void {
    const problem = retentionProblem(r);
    if (problem) throw new RangeError(`history: ${problem}`);
    this.retention = { ...r };
    this.lastPruneAt = -Infinity;
  }

  health(): HistoryHealth {
    if (this.closed) return { ok: false, message: 'history is closed', queued: this.queue.samples, path: this.path };
    const ok = this.connected && this.failure === null && this.queue.empty;
    let message = this.failure;
    if (!ok && message === null) message = this.connected ? 'samples are waiting to be written' : `${this.path} is not open`;
    const h: HistoryHealth = { ok, message, queued: this.queue.samples, path: this.path };
    if (this.lastReset) h.lastReset = { ...this.lastReset };
    return h;
  }

  /** Bytes on disk: the database file plus its write-ahead log. */
  sizeBytes(): number {
    return fileSize(this.path) + fileSize(`${this.path}-wal`);
  }

  /** Writes what is still queued if it can, then closes the file. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    if (!this.queue.empty) {
      this.write(null, NO_SAMPLES);
      if (!this.queue.empty) this.log(`history: ${this.queue.samples} samples could not be written to ${this.path} before closing`);
    }
    if (this.wrote && this.connected) {
      // Readers that only opened the file (the CLI) leave it as they found it.
      this.compact();
      try {
        // libsql closes the file only once its statements are garbage-collected:
        // checkpoint now so the main file is complete the moment we return.
        this.conn.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      } catch {
        /* another process may hold the WAL; it checkpoints later */
      }
    }
    this.closed = true;
    this.conn.close();
    if (this.standIn !== this.conn) this.standIn?.close();
    this.connected = false;
    this.openListeners.clear();
  }

  // ---- writing -------------------------------------------------------------

  /** Writes the queue plus this batch in one transaction, or queues the batch. */
  private write(t: number | null, samples: readonly HistorySample[]): void {
    if (!this.ensureConnection()) {
      this.enqueue(t, samples);
      return;
    }
    try {
      this.writeTransaction(t, samples);
    } catch (err) {
      if (!isCorruptionError(err)) {
        if (isReadonlyError(err)) this.needsReopen = true;
        this.enqueue(t, samples);
        this.noteFailure(`cannot write to ${this.path}: ${errorText(err)}`);
        return;
      }
      if (!this.replace(errorText(err))) {
        this.enqueue(t, samples);
        return;
      }
      try {
        this.writeTransaction(t, samples);
      } catch (err2) {
        this.enqueue(t, samples);
        this.noteFailure(`cannot write to ${this.path}: ${errorText(err2)}`);
        return;
      }
    }
    this.noteSuccess();
  }

  private writeTransaction(t: number | null, samples: readonly HistorySample[]): void {
    const st = this.conn.statements;
    st.begin.run();
    try {
      for (const e of this.queue.events) st.eventInsert.run(e.t, e.kind, e.detail);
      for (const b of this.queue.batches) this.writeSamples(st, b.t, b.samples);
      if (t !== null) this.writeSamples(st, t, samples);
      st.commit.run();
      this.wrote = true;
    } catch (err) {
      this.rollbackQuietly();
      this.seriesCache.clear();
      throw err;
    }
  }

  private writeSamples(st: Connection['statements'], t: number, samples: readonly HistorySample[]): void {
    const m1 = bucketStart(t, MINUTE_MS);
    const m15 = bucketStart(t, QUARTER_MS);
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      const id = this.seriesIdFor(st, s.series, s.limit, t);
      // A second sample at the same instant is ignored, so rollups never count it twice.
      if (st.recentInsert.run(t, id, s.value).changes === 0) continue;
      st.m1.upsert.run(m1, id, s.value, s.value, s.value);
      st.m15.upsert.run(m15, id, s.value, s.value, s.value);
    }
  }

  /** The series' id, creating the series and logging a limit change as needed. */
  private seriesIdFor(st: Connection['statements'], name: string, limit: number | null, t: number): number {
    let c = this.seriesCache.get(name);
    if (!c) {
      const created = st.seriesInsert.run(name, limit).changes > 0;
      const row = st.seriesGet.get(name) as unknown[];
      c = { id: row[0] as number, limit: row[1] as number | null };
      if (created) st.limitInsert.run(c.id, t, limit);
      this.seriesCache.set(name, c);
    }
    if (c.limit !== limit) {
      st.seriesSetLimit.run(limit, c.id);
      st.limitInsert.run(c.id, t, limit);
      c.limit = limit;
    }
    return c.id;
  }

  /** Copies each series' latest recent sample time to series.last_t (what stale-series pruning reads). */
  private noteLatestTimes(st: Connection['statements']): void {
    for (const r of st.recentLatestPerSeries.all() as number[][]) st.seriesSetLastT.run(r[1], r[0], r[1]);
  }

  private rollbackQuietly(): void {
    try {
      if (this.conn.db.inTransaction) this.conn.statements.rollback.run();
    } catch {
      /* SQLite may already have rolled back (disk full); nothing more to undo */
    }
  }

  private enqueue(t: number | null, samples: readonly HistorySample[]): void {
    if (t === null || samples.length === 0) return;
    const dropped = this.queue.pushBatch(t, samples);
    if (dropped > 0) {
      if (this.droppedInEpisode === 0) {
        this.log(`history: the in-memory queue is full (${this.queue.maxSamples} samples); dropping the oldest until ${this.path} can be written again`);
      }
      this.droppedInEpisode += dropped;
    }
  }

  private noteFailure(message: string): void {
    if (this.failure === null) {
      this.log(`history: ${message}; keeping up to ${this.queue.maxSamples} samples in memory and retrying on every write`);
    }
    this.failure = message;
  }

  private noteSuccess(): void {
    const flushed = this.queue.samples;
    this.queue.clear();
    if (this.failure !== null) {
      const lost = this.droppedInEpisode > 0 ? ` (${this.droppedInEpisode} older samples were dropped while the queue was full)` : '';
      this.log(`history: writing to ${this.path} again; flushed ${flushed} queued samples${lost}`);
    }
    this.failure = null;
    this.droppedInEpisode = 0;
  }

  /** Every ten minutes: compact the recent samples, then prune. */
  private maybeMaintain(): void {
    const now = this.now();
    // A clock set back (now < lastPruneAt) would otherwise hold maintenance off until it catches up again.
    if (!this.connected || this.failure !== null || (now - this.lastPruneAt < PRUNE_EVERY_MS && now >= this.lastPruneAt)) return;
    this.lastPruneAt = now;
    this.compact();
    this.prune(now);
  }

  // ---- the file ------------------------------------------------------------

  /** Makes sure a real, current connection is open before a write; false if none can be. */
  private ensureConnection(): boolean {
    if (!this.connected) return this.connect(true);
    if (!this.fileIsStillOurs()) {
      this.log(`history: ${this.path} was deleted or replaced while open; starting a new database there`);
      this.lastReset = { at: Date.now(), reason: 'the file was deleted or replaced while open', keptAs: null };
      this.useStandIn();
      if (!existsSync(this.path)) {
        // Companions of the deleted file: SQLite would try to apply them to the new one.
        rmSync(`${this.path}-wal`, { force: true });
        rmSync(`${this.path}-shm`, { force: true });
      }
      return this.connect(true);
    }
    if (this.needsReopen) {
      this.needsReopen = false;
      if (!this.connect(false)) this.needsReopen = true;
      return !this.needsReopen;
    }
    return true;
  }

  /** False when the path now names no file or another file than the one open. */
  private fileIsStillOurs(): boolean {
    const file = this.conn.file;
    if (!file) return true;
    try {
      const st = statSync(this.path, { throwIfNoEntry: false });
      return st !== undefined && st.dev === file.dev && st.ino === file.ino;
    } catch {
      return true; // cannot tell (permissions): let the write itself report
    }
  }

  /** Opens the file (replacing it when unusable) and adopts the connection; false on failure. */
  private connect(quickCheck: boolean): boolean {
    let next: Connection;
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      try {
        next = Connection.open(this.path, quickCheck);
      } catch (err) {
        if (!(err instanceof UnusableDatabaseError)) throw err;
        if (this.connected) this.useStandIn();
        next = this.replaceFile(err.message);
      }
    } catch (err) {
      this.noteFailure(`cannot open ${this.path}: ${errorText(err)}`);
      return false;
    }
    this.adopt(next);
    return true;
  }

  /**
   * SQLite found damage outside a write (compacting, pruning: they read pages
   * a tick's write never touches): replace the file now, not at whichever
   * later write happens to reach the bad pages.
   */
  private replaceIfDamaged(err: unknown): void {
    if (this.closed || !this.connected || !isCorruptionError(err)) return;
    this.replace(errorText(err));
  }

  /** After SQLite reported corruption during a write: close, move aside, start anew. */
  private replace(reason: string): boolean {
    this.useStandIn();
    try {
      this.adopt(this.replaceFile(reason));
      return true;
    } catch (err) {
      this.noteFailure(`cannot replace ${this.path}: ${errorText(err)}`);
      return false;
    }
  }

  /** Moves the unusable file aside and opens a new one there, with the one log line that says so. */
  private replaceFile(reason: string): Connection {
    const clock = performance.now();
    if (clock - this.lastReplaceAt < MIN_REPLACE_INTERVAL_MS) {
      throw new Error(`it is not a usable database (${reason}) and was already replaced less than a minute ago`);
    }
    this.lastReplaceAt = clock;
    const at = Date.now();
    const aside = moveAside(this.path, at);
    const conn = Connection.open(this.path, false);
    const why = reason.replace(/\s+/g, ' ').trim().slice(0, 300);
    this.lastReset = { at, reason: why, keptAs: aside };
    this.log(`history: ${this.path} is not a usable database (${why}); moved it to ${aside} and started a new one`);
    return conn;
  }

  private adopt(next: Connection): void {
    if (this.conn && this.conn !== this.standIn) this.conn.close();
    this.conn = next;
    this.connected = true;
    this.needsReopen = false;
    this.seriesCache.clear();
    for (const l of this.openListeners) this.notifyOpen(l, next.db);
  }

  /** Drops the file connection (if any) for the in-memory stand-in; returns it. */
  private useStandIn(): Connection {
    if (this.conn && this.conn !== this.standIn) this.conn.close();
    this.standIn ??= Connection.memory();
    this.conn = this.standIn;
    this.connected = false;
    this.seriesCache.clear();
    return this.standIn;
  }

  private notifyOpen(listener: (db: Database.Database) => void, db: Database.Database): void {
    try {
      listener(db);
    } catch (err) {
      this.log(`history: an onOpen listener failed: ${errorText(err)}`);
    }
  }

  // ---- reading -------------------------------------------------------------

  private lookupId(series: string): number | null {
    const cached = this.seriesCache.get(series);
    if (cached) return cached.id;
    const row = this.conn.statements.seriesGet.get(series) as unknown[] | undefined;
    return row ? (row[0] as number) : null;
  }

  /** Rollup rows (bucket, n, avg, min, max) of one series whose buckets overlap [since, until]. */
  private readBuckets(id: number, tier: Tier, since: number, until: number): number[][] {
    const st = tier === 'm1' ? this.conn.statements.m1 : this.conn.statements.m15;
    const width = TIER_WIDTH_MS[tier];
    const extent = st.extent.get() as (number | null)[];
    if (extent[0] === null || extent[1] === null) return [];
    // Seek only where buckets exist: a query from 1970 must not walk 50 years of empty buckets.
    const first = Math.max(bucketStart(since, width), extent[0]);
    const last = Math.min(until, extent[1]);
    if (first > last) return [];
    return st.buckets.all(first, last, id) as number[][];
  }

  /**
   * Points of one series in [since, until] from one tier, plus (raw tier)
   * samples still queued in memory; with `withLimits`, the limit in force at
   * each point (for rollups: at the end of the bucket).
   */
  private readRows(series: string, tier: Tier, since: number, until: number, withLimits: boolean): { t: number[]; v: number[]; limits?: (number | null)[] } {
    const st = this.conn.statements;
    const id = this.lookupId(series);
    const t: number[] = [];
    const v: number[] = [];
    if (id !== null && tier === 'raw') {
      for (const r of st.rawRange.all(id, since, until) as number[][]) {
        t.push(r[0]);
        v.push(r[1]);
      }
      const compacted = t.length;
      for (const r of st.recentRange.all(since, until, id) as number[][]) {
        t.push(r[0]);
        v.push(r[1]);
      }
      // Only a clock that went back can interleave the two tables.
      if (compacted > 0 && compacted < t.length && t[compacted] < t[compacted - 1]) sortTogether(t, v);
    } else if (id !== null) {
      for (const r of this.readBuckets(id, tier, since, until)) {
        t.push(r[0]);
        v.push(r[2]);
      }
    }
    let limits: (number | null)[] | undefined;
    if (withLimits) {
      limits = new Array(t.length);
      const changes = id === null ? [] : (st.limitsUntil.all(id, Math.min(until + TIER_WIDTH_MS[tier], END_OF_TIME)) as unknown[][]);
      const width = TIER_WIDTH_MS[tier];
      let j = -1;
      for (let i = 0; i < t.length; i++) {
        const at = t[i] + width - 1;
        while (j + 1 < changes.length && (changes[j + 1][0] as number) <= at) j++;
        limits[i] = j >= 0 ? (changes[j][1] as number | null) : null;
      }
    }
    if (tier === 'raw' && !this.queue.empty) this.mergeQueued(series, since, until, t, v, limits);
    return { t, v, limits };
  }

  /** Adds samples that are still waiting in memory, so charts show no gap while the disk is unwritable. */
  private mergeQueued(series: string, since: number, until: number, t: number[], v: number[], limits: (number | null)[] | undefined): void {
    const lastStored = t.length > 0 ? t[t.length - 1] : -Infinity;
    let outOfOrder = false;
    for (const b of this.queue.batches) {
      if (b.t < since || b.t > until) continue;
      const s = b.samples.find((x) => x.series === series);
      if (!s) continue;
      if (b.t <= lastStored) outOfOrder = true;
      t.push(b.t);
      v.push(s.value);
      limits?.push(s.limit);
    }
    if (outOfOrder) sortTogether(t, v, limits);
  }

  // ---- input checks ----------------------------------------------------------

  /** The samples worth storing; the same array when all are (the common case: no copy). */
  private cleanSamples(samples: readonly HistorySample[]): readonly HistorySample[] {
    if (!Array.isArray(samples)) {
      this.logInvalid('a record() call without a sample array');
      return NO_SAMPLES;
    }
    let allGood = true;
    for (let i = 0; i < samples.length && allGood; i++) allGood = isGoodSample(samples[i]);
    if (allGood) return samples;
    const out: HistorySample[] = [];
    let first: unknown = undefined;
    for (const s of samples) {
      if (isGoodSample(s)) out.push(s);
      else if (isUsableSample(s)) out.push({ series: s.series, value: s.value, limit: null });
      else first ??= s;
    }
    if (first !== undefined) this.logInvalid(`samples such as ${safeJson(first)}`);
    return out;
  }

  private logInvalid(what: string): void {
    if (this.invalidLogged) return;
    this.invalidLogged = true;
    this.log(`history: skipped ${what}: a sample needs a series name and a finite value (logged once)`);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`history: ${this.path} is closed`);
  }
}

/** Sorts parallel arrays by time, in place. */
function sortTogether(t: number[], v: number[], limits?: (number | null)[]): void {
  const order = t.map((_, i) => i).sort((a, b) => t[a] - t[b]);
  const t2 = order.map((i) => t[i]);
  const v2 = order.map((i) => v[i]);
  const l2 = limits ? order.map((i) => limits[i]) : null;
  for (let i = 0; i < order.length; i++) {
    t[i] = t2[i];
    v[i] = v2[i];
    if (limits && l2) limits[i] = l2[i];
  }
}

/** Series and value usable (the limit may still need fixing). */
function isUsableSample(s: unknown): s is HistorySample {
  const o = s as HistorySample | null;
  return (
    typeof o === 'object' &&
    o !== null &&
    typeof o.series === 'string' &&
    o.series.length > 0 &&
    o.series.length <= MAX_SERIES_NAME &&
    typeof o.value === 'number' &&
    Number.isFinite(o.value)
  );
}

function isGoodSample(s: unknown): s is HistorySample {
  if (!isUsableSample(s)) return false;
  return s.limit === null || (typeof s.limit === 'number' && Number.isFinite(s.limit));
}

function safeJson(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 120);
  } catch {
    return String(v).slice(0, 120);
  }
}
