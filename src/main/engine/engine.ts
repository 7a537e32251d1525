/**
 * The Headroom engine: runs the collectors on their intervals, assembles one
 * Snapshot per system tick, records it to history, feeds the detector and the
 * planner, and emits the results. Plain Node — no Electron import — so the CLI,
 * the web mode, the desktop app and the tests all run this same code.
 *
 * Data flows one way: collectors → Snapshot → history and analyzer → alerts and
 * fixes → listeners (transports, tray, notifier). Nothing here reaches back up.
 *
 * The tick is synchronous for the /proc collectors (a few ms), and Docker runs
 * on its own asynchronous schedule, so a slow or absent daemon never delays
 * system sampling.
 */

import { EventEmitter } from 'node:events';
import { availableParallelism, hostname } from 'node:os';
import type { Alert, ContainerStats, DockerState, FixProposal, HistoryStatus, LeakTrend, Snapshot } from '../../shared/model.ts';
import { SNAPSHOT_VERSION } from '../../shared/model.ts';
import type { Settings } from '../../shared/settings.ts';
import type { Collector, CollectorContext } from './collectors/collector.ts';
import type { CollectorEntry } from './collectors/entry.ts';
import type { ProcessCollector } from './collectors/processes.ts';
import { COLLECTORS } from './collectors/registry.ts';
import type { WatchedSample } from './collectors/series.ts';
import { linkFixes } from './alert-fixes.ts';
import { DecisionRecorder } from './decisions/record.ts';
import { HeapTrimmer, heapTrimIntervalFromEnv } from './heap-trim.ts';
import { intervalAt, PaceKeeper, type Pace } from './pace.ts';
import { createPlatform, type Platform } from './platform/index.ts';
import { collectSeries } from './snapshot-series.ts';

/** Where samples go; the SQLite HistoryStore implements it. */
export interface HistorySink {
  record(t: number, samples: readonly { series: string; value: number; limit: number | null }[]): void;
  recordEvent(t: number, kind: string, detail?: string): void;
  /** Whether samples reach the file (copied into each Snapshot as `history`). */
  health?(): HistoryStatus;
}

/** The leak detector and alert rules; engine/detect implements it. */
export interface SnapshotAnalyzer {
  /** `watched`: the series the collectors declare as watched on this tick (else the analyzer takes them from the Snapshot). */
  observe(s: Snapshot, watched?: readonly WatchedSample[]): { trends: LeakTrend[]; alerts: Alert[]; transitions: Alert[] };
  updateSettings(s: Settings): void;
  /**
   * The wall clock jumped by `deltaMs` (positive: forward) between the
   * previous snapshot and the one at `t`: no trend may be fitted across it.
   */
  clockJumped?(t: number, deltaMs: number): void;
}

/**
 * The engine's two clocks. Snapshots are stamped with the wall clock (history
 * and the UI show real times, and follow the user's corrections of it), while
 * everything measured as elapsed time — collection intervals, rates — uses the
 * monotonic clock, which never jumps. Tests inject a wall clock that jumps.
 */
export interface EngineClock {
  /** Wall time, epoch ms (Date.now). */
  wallMs(): number;
  /** Monotonic ms from an arbitrary origin (performance.now). */
  monotonicMs(): number;
}

export const SYSTEM_CLOCK: EngineClock = { wallMs: () => Date.now(), monotonicMs: () => performance.now() };

/**
 * Wall time may drift from monotonic time by this much between two ticks
 * before it counts as a jump (NTP slews by at most 0.5 ms/s; a stalled event
 * loop advances both clocks alike).
 */
export const CLOCK_JUMP_THRESHOLD_MS = 5000;

/** Docker, or any other container source; engine/collectors/docker implements it. */
export interface ContainerSource {
  state(): DockerState;
  containers(): ContainerStats[];
  /** Epoch ms of the latest container stats, or null before the first. */
  sampledAt(): number | null;
  start(): void;
  stop(): void | Promise<void>;
  /** New host, intervals or concurrency from the settings. */
  updateSettings?(s: Settings): void;
}

/**
 * The remediation planner; engine/remedies implements it. It reads the alerts
 * and never changes them: each proposal names the alerts it addresses
 * (`alertIds`), and the engine links them (alert-fixes.ts).
 */
export interface FixPlanner {
  plan(s: Snapshot, alerts: Alert[]): FixProposal[] | Promise<FixProposal[]>;
}

export interface EngineDeps {
  settings: () => Settings;
  log: (line: string) => void;
  history?: HistorySink | null;
  analyzer?: SnapshotAnalyzer | null;
  containers?: ContainerSource | null;
  planner?: FixPlanner | null;
  procRoot?: string;
  /** How the machine is read; defaults to /proc on Linux, systeminformation elsewhere. */
  platform?: Platform;
  /** Wall and monotonic time (default SYSTEM_CLOCK). */
  clock?: EngineClock;
  /** Wall clock only (older form of `clock`; the monotonic clock stays the system's). */
  now?: () => number;
  /** Alerts a previous run left firing, which the analyzer resumed: recorded as still firing, not fired anew. */
  resumedAlerts?: readonly Alert[];
}

export interface EngineEvents {
  snapshot: [Snapshot];
  /** Alerts whose state changed on this tick (fired or resolved). */
  transitions: [Alert[]];
  alerts: [Alert[]];
  fixes: [FixProposal[]];
  error: [Error];
}

/** One registry entry at run time: its collector and latest reading. */
interface Slot {
  entry: CollectorEntry;
  collector: Collector<unknown>;
  reading: unknown;
  /** Whether `reading` holds anything yet. */
  has: boolean;
  /** Wall time of the latest reading (what the Snapshot reports)... */
  at: number;
  /** ...and its monotonic time, which decides when the next is due. */
  mono: number;
  /** Whether it runs on the tick being assembled. */
  due: boolean;
}

export class Engine extends EventEmitter<EngineEvents> {
  private readonly deps: EngineDeps;
  private readonly clock: EngineClock;
  readonly platform: Platform;
  /** The collector registry, in run order (collectors/registry.ts). */
  private readonly slots: Slot[];
  readonly processes: ProcessCollector;
  private inited = false;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** A full GC once a minute keeps Headroom's own RSS flat (see heap-trim.ts). */
  private readonly heapTrimmer = new HeapTrimmer(heapTrimIntervalFromEnv());
  /** Both clocks at the previous tick, to notice the wall clock jumping. */
  private lastTickWall = NaN;
  private lastTickMono = NaN;
  private clockJumps = 0;
  private latestSnapshot: Snapshot | null = null;
  private latestAlerts: Alert[] = [];
  private latestTrends: LeakTrend[] = [];
  private latestFixes: FixProposal[] = [];
  private planning = false;
  /** Transitions not yet emitted: kept across ticks whose planning was skipped (one plan at a time), never dropped. */
  private pendingTransitions: Alert[] = [];
  private readonly host = { hostname: hostname(), platform: process.platform, cores: availableParallelism() };
  /** Writes the leak verdicts and alert transitions to history, for reports made later (decisions/record.ts). */
  private readonly decisions: DecisionRecorder | null;
  /** Faster under pressure, slower after a long calm (pace.ts); decided after each tick's analysis. */
  private readonly paceKeeper = new PaceKeeper();

  constructor(deps: EngineDeps) {
    super();
    this.deps = deps;
    this.clock = deps.clock ?? (deps.now ? { wallMs: deps.now, monotonicMs: SYSTEM_CLOCK.monotonicMs } : SYSTEM_CLOCK);
    const s = deps.settings();
    this.platform = deps.platform ?? createPlatform({ procRoot: deps.procRoot });
    const collectorDeps = { settings: s, platform: this.platform, containers: deps.containers ?? null };
    this.slots = COLLECTORS.map((entry) => ({ entry, collector: entry.create(collectorDeps), reading: undefined, has: false, at: 0, mono: -Infinity, due: false }));
    // The remedies read the process table, and settings changes regroup it.
    this.processes = this.slot('processes').collector as ProcessCollector;
    this.decisions = deps.history ? new DecisionRecorder(deps.history) : null;
    if (deps.resumedAlerts) this.decisions?.resume(deps.resumedAlerts);
    for (const p of this.processes.setRules(s.groups.rules)) deps.log(p);
  }

  /** Resolves when the platform has its first readings (at once on Linux). */
  ready(): Promise<void> {
    return this.platform.ready();
  }

  /** Starts sampling: one tick as soon as the platform is ready, then on the system interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.heapTrimmer.start();
    const ctx = this.ctx();
    this.initCollectors(ctx, true);
    this.deps.history?.recordEvent(ctx.now, 'engine.start', `pid ${process.pid} ${this.platform.name}`);
    this.platform.ready().then(
      () => this.loop(),
      (err: Error) => this.deps.log(`engine: platform failed to start: ${err.message}`),
    );
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.heapTrimmer.stop();
    // Every collector is disposed (Docker's timers stopped, waiting for a collect in flight); the process table is kept for the remedies.
    for (const slot of this.slots) if (slot.entry.id !== 'processes') await slot.collector.dispose();
    this.inited = false;
    const wall = this.clock.wallMs();
    // The leaks' latest figures, for reports made while no engine runs.
    this.decisions?.flush(wall, this.latestTrends);
    this.deps.history?.recordEvent(wall, 'engine.stop', `pid ${process.pid}`);
  }

  /** Takes one full sample now (all collectors), without history or timers: for `headroom snapshot`. */
  sampleNow(): Snapshot {
    // Collectors on their own schedule (Docker) are not started by a one-shot sample: they report what they have.
    if (!this.inited) this.initCollectors(this.ctx(), false);
    return this.tick(true);
  }

  latest(): Snapshot | null {
    return this.latestSnapshot;
  }
  alerts(): Alert[] {
    return this.latestAlerts;
  }
  trends(): LeakTrend[] {
    return this.latestTrends;
  }
  fixes(): FixProposal[] {
    return this.latestFixes;
  }
  /** The sampling pace the next tick follows (pace.ts). */
  pace(): Pace {
    return this.paceKeeper.pace();
  }
  /** Wall-clock jumps noticed since start (each also logged and recorded as a `clock.jump` history event). */
  get clockJumpCount(): number {
    return this.clockJumps;
  }

  /** The planner is attached after construction because it reads the engine's own process table. */
  setPlanner(planner: FixPlanner): void {
    this.deps.planner = planner;
  }

  /** Applies new settings to the running collectors and analyzer. */
  settingsChanged(): void {
    const s = this.deps.settings();
    for (const p of this.processes.setRules(s.groups.rules)) this.deps.log(p);
    this.deps.analyzer?.updateSettings(s);
    this.deps.containers?.updateSettings?.(s);
  }

  private slot(id: string): Slot {
    const slot = this.slots.find((x) => x.entry.id === id);
    if (!slot) throw new Error(`no collector ${id} in the registry`);
    return slot;
  }

  /** Runs every collector's init (the synchronous ones complete at once; `withOwn` also starts those with their own schedule). */
  private initCollectors(ctx: CollectorContext, withOwn: boolean): void {
    this.inited = true;
    for (const slot of this.slots) {
      if (slot.entry.schedule.kind === 'own' && !withOwn) continue;
      const r = slot.collector.init(ctx);
      if (r instanceof Promise) r.catch((err: Error) => this.deps.log(`engine: ${slot.entry.id} failed to start: ${err.message}`));
    }
  }

  /** Decides which collectors run on this tick: due times on the monotonic clock, shortened under pressure. */
  private markDue(prev: Snapshot | null, mono: number, forceAll: boolean): void {
    for (const slot of this.slots) {
      const sch = slot.entry.schedule;
      if (forceAll || sch.kind === 'own' || !slot.has) slot.due = true;
      else if (sch.interval === null) slot.due = true;
      else slot.due = mono - slot.mono >= this.intervalFor(sch.interval) - 50;
    }
    // A collector scheduled `with` another runs only on that one's ticks (the fd pass with a process scan).
    for (const slot of this.slots) {
      const sch = slot.entry.schedule;
      if (sch.kind === 'with' && !forceAll) slot.due = slot.due && this.slot(sch.entry).due;
    }
  }

  private ctx(): CollectorContext {
    return { now: this.clock.wallMs(), monotonic: this.clock.monotonicMs(), log: this.deps.log };
  }

  /**
   * Notices the wall clock jumping between two ticks (a manual change, an NTP
   * step, a resume whose clock was corrected): logs it, records it in history
   * so reports can explain the discontinuity, and tells the analyzer, which
   * must not fit a trend across it. Suspend and resume advance both clocks
   * alike on Linux (CLOCK_MONOTONIC stops, but so do we), so a sleep is not a jump.
   */
  private noteClockJump(wall: number, mono: number): void {
    const prevWall = this.lastTickWall;
    const prevMono = this.lastTickMono;
    this.lastTickWall = wall;
    this.lastTickMono = mono;
    if (Number.isNaN(prevWall)) return;
    const delta = wall - prevWall - (mono - prevMono);
    if (Math.abs(delta) < CLOCK_JUMP_THRESHOLD_MS) return;
    this.clockJumps++;
    const detail = `the wall clock jumped ${delta > 0 ? 'forward' : 'back'} by ${formatJump(Math.abs(delta))}`;
    this.deps.log(`engine: ${detail}; history keeps wall-clock times, intervals follow the monotonic clock, and leak trends start over`);
    try {
      this.deps.history?.recordEvent(wall, 'clock.jump', `${detail} (${Math.round(delta)} ms)`);
    } catch {
      /* the history sink never throws; this is only a guard for other sinks */
    }
    // Ages measured on the wall clock (how long a zombie has been seen) would gain or lose the jump: move their origins with it.
    for (const e of this.processes.table.entries.values()) {
      e.firstSeen += delta;
      if (e.zombieSince > 0) e.zombieSince += delta;
    }
    this.deps.analyzer?.clockJumped?.(wall, delta);
  }

  private loop(): void {
    if (!this.running) return;
    let delay = this.deps.settings().intervals.systemMs;
    try {
      this.tick(false);
      delay = this.intervalFor('systemMs');
    } catch (err) {
      // The monitor must never crash: report and keep sampling.
      this.deps.log(`engine: tick failed: ${(err as Error).message}`);
      this.emit('error', err as Error);
    }
    // Not unref'd: a running engine is what keeps `watch` and `serve` alive; stop() clears it.
    this.timer = setTimeout(() => this.loop(), delay);
  }

  /** An interval at the current pace: faster under memory pressure, slower after a long calm (pace.ts). */
  private intervalFor(key: keyof Settings['intervals']): number {
    const settings = this.deps.settings();
    return intervalAt(settings.intervals[key], this.paceKeeper.pace(), settings);
  }

  /** Decides the pace for the next tick from this one's facts, and says when it changes. */
  private updatePace(snap: Snapshot, mono: number, alertChanges: number): void {
    const settings = this.deps.settings();
    const before = this.paceKeeper.pace();
    const facts = {
      usedPercent: snap.memory.totalBytes > 0 ? (snap.memory.usedBytes / snap.memory.totalBytes) * 100 : 0,
      psiSome10: snap.pressure?.someAvg10 ?? null,
      alertChanges,
      trends: this.latestTrends,
    };
    const now = this.paceKeeper.update(mono, facts, settings);
    if (now === before) return;
    const every = (key: 'systemMs' | 'processesMs') => {
      const ms = intervalAt(settings.intervals[key], now, settings);
      return ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`;
    };
    const why = now === 'calm' ? `nothing has moved for ${formatJump(settings.intervals.calmAfterSeconds * 1000)}` : now === 'pressure' ? 'memory pressure' : before === 'calm' ? 'something moved' : 'pressure is over';
    this.deps.log(`engine: ${now} pace (${why}): system every ${every('systemMs')}, processes every ${every('processesMs')}`);
  }

  private tick(forceAll: boolean): Snapshot {
    const ctx = this.ctx();
    const now = ctx.now;
    const mono = ctx.monotonic as number;
    if (!forceAll) this.noteClockJump(now, mono);
    const prev = this.latestSnapshot;
    // Due times on the monotonic clock: a wall clock set back by an hour must not freeze the process list for an hour.
    this.markDue(prev, mono, forceAll);
    for (const slot of this.slots) {
      if (!slot.due) continue;
      slot.reading = slot.collector.collect(ctx);
      slot.has = true;
      slot.at = now;
      slot.mono = mono;
    }
    // Every part of a Snapshot belongs to one registry entry, and every entry merges its latest reading:
    // the registry covers the whole model, so the object is complete once the loop is done.
    const snap = { version: SNAPSHOT_VERSION, t: now, host: this.host, sampledAt: { system: now, processes: 0, containers: null } } as unknown as Snapshot;
    for (const slot of this.slots) if (slot.has) slot.entry.merge(snap, slot.reading, slot.at);
    this.latestSnapshot = snap;
    if (forceAll) return snap;

    const series = collectSeries(snap, {
      topN: this.deps.settings().groups.topN,
      fresh: { processes: this.slot('processes').due, containers: snap.sampledAt.containers !== null && snap.sampledAt.containers !== (prev?.sampledAt.containers ?? null) },
    });
    const history = this.deps.history;
    if (history) {
      try {
        history.record(now, series.recorded);
      } catch (err) {
        this.deps.log(`engine: history write failed: ${(err as Error).message}`);
      }
      snap.history = historyStatus(history);
    }
    let alertChanges = 0;
    if (this.deps.analyzer) {
      const out = this.deps.analyzer.observe(snap, series.watched);
      alertChanges = out.transitions.length;
      this.latestTrends = out.trends;
      this.latestAlerts = out.alerts;
      for (const t of out.transitions) this.pendingTransitions.push(t);
      this.decisions?.trends(now, out.trends);
    }
    this.updatePace(snap, mono, alertChanges);
    this.emit('snapshot', snap);
    this.plan(snap);
    return snap;
  }

  /** Plans fixes after the snapshot is out; the planner may be async (Docker), so one plan at a time. */
  private plan(snap: Snapshot): void {
    const planner = this.deps.planner;
    if (!planner) {
      this.afterPlan([], snap);
      return;
    }
    if (this.planning) return;
    this.planning = true;
    Promise.resolve()
      .then(() => planner.plan(snap, this.latestAlerts))
      .then(
        (fixes) => this.afterPlan(fixes, snap),
        (err: Error) => this.deps.log(`engine: planning failed: ${err.message}`),
      )
      .finally(() => {
        this.planning = false;
      });
  }

  private afterPlan(fixes: FixProposal[], _snap: Snapshot): void {
    this.latestFixes = fixes;
    // One-way: the rules' alerts and the planner's proposals meet here, in new objects, and every
    // listener (window, tray, notifications, /metrics) gets these same linked alerts.
    this.latestAlerts = linkFixes(this.latestAlerts, fixes);
    const transitions = linkFixes(this.pendingTransitions, fixes);
    this.pendingTransitions = [];
    if (transitions.length > 0) this.decisions?.transitions(this.clock.wallMs(), transitions, fixes);
    this.emit('alerts', this.latestAlerts);
    if (transitions.length > 0) this.emit('transitions', transitions);
    this.emit('fixes', fixes);
  }
}

/** The sink's state for the Snapshot; a sink without health() (or whose health() fails) says so. */
function historyStatus(sink: HistorySink): HistoryStatus {
  if (!sink.health) return { ok: true, message: null, queued: 0 };
  try {
    const h = sink.health();
    const out: HistoryStatus = { ok: h.ok, message: h.message, queued: h.queued };
    if (h.lastReset) out.lastReset = { ...h.lastReset };
    return out;
  } catch (err) {
    return { ok: false, message: `history state unknown: ${(err as Error).message}`, queued: 0 };
  }
}

/** "1 h 0 min", "42 s": a duration for a log line (a clock jump, the quiet before calm). */
function formatJump(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
