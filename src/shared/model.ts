/**
 * The Snapshot model: one typed object per sample that every consumer reads —
 * the CLI, history, the detector, the planner, the tray, the window and /metrics.
 *
 * This file is imported by the renderer too, so it must stay free of Node and
 * Electron imports: types and tiny pure helpers only.
 */

/** Bumped when a field changes meaning; consumers can refuse a newer major. */
export const SNAPSHOT_VERSION = 1;

/** Whole-machine memory, in bytes. `usedBytes` is total − available, as `free` computes it. */
export interface MemoryStats {
  totalBytes: number;
  usedBytes: number;
  availableBytes: number;
  freeBytes: number;
  /** Page cache + buffers + reclaimable slab: memory the kernel can give back. */
  cachedBytes: number;
  swapTotalBytes: number;
  swapUsedBytes: number;
}

/** Linux PSI averages (percent of wall time stalled) from /proc/pressure/memory. */
export interface PressureStats {
  someAvg10: number;
  someAvg60: number;
  someAvg300: number;
  fullAvg10: number;
  fullAvg60: number;
  fullAvg300: number;
}

/** Broad class of an application group, from the rule that matched it. */
export type GroupKind =
  | 'agent'
  | 'mcp'
  | 'editor'
  | 'browser'
  | 'runtime'
  | 'container'
  | 'system'
  | 'other';

/** An application: processes gathered by the grouping rules ("claude ×16 — 5.4 GB"). */
export interface ProcessGroup {
  name: string;
  kind: GroupKind;
  count: number;
  rssBytes: number;
  cpuPercent: number;
  threads: number;
  /** Open file descriptors; null until the slower fd pass has counted them, or when unreadable. */
  fds: number | null;
  pids: number[];
}

/** A dead child its parent has not reaped. Only the parent can reap it. */
export interface Zombie {
  pid: number;
  ppid: number;
  parentName: string;
  name: string;
  /**
   * Seconds it has been a zombie: from the moment this engine saw it exit, or,
   * for a zombie already there when first seen, from its kernel start time.
   */
  sinceSeconds: number;
  /** Epoch ms the process started (its kernel start time in /proc), when known. */
  startedAt?: number;
}

/** An agent or MCP process whose launching session is gone (re-parented to PID 1 or a subreaper). */
export interface Orphan {
  pid: number;
  name: string;
  cmdline: string;
  group: string;
  /** RSS of this process and all of its descendants. */
  rssBytes: number;
  /** The orphan's descendants, which a tree fix must stop too (npx does not forward signals). */
  treePids: number[];
  /** The parent it has now (1 or a subreaper). */
  ppid: number;
  /** Epoch ms the orphan started (its kernel start time in /proc), when known. */
  startedAt?: number;
}

/** Headroom's own cost, always visible. */
export interface SelfCost {
  rssBytes: number;
  cpuPercent: number;
}

/** Docker engine reachability: a state shown to the user, never an error that stops anything. */
export type DockerStatus = 'ok' | 'not-installed' | 'not-running' | 'error' | 'disabled';

export interface ContainerStats {
  id: string;
  name: string;
  image: string;
  state: string;
  health: string | null;
  composeProject: string | null;
  restartCount: number;
  /** Increase of RestartCount within the restart-loop window (default 10 min). */
  recentRestarts: number;
  /** Usage minus inactive file cache, as `docker stats` computes it; null before the first stats call. */
  memUsageBytes: number | null;
  /** null when the container has no memory limit (a risk). */
  memLimitBytes: number | null;
  memPercent: number | null;
  cpuPercent: number | null;
  oomKilled: boolean;
  startedAt: string | null;
  /** Exit code of the last run once the container has stopped (137 after a kill); null while running or never started. */
  exitCode?: number | null;
}

export interface DockerDiskWaste {
  danglingImages: { count: number; reclaimableBytes: number };
  anonymousVolumes: { count: number; reclaimableBytes: number };
  namedUnusedVolumes: { count: number; reclaimableBytes: number; names: string[] };
  buildCache: { count: number; reclaimableBytes: number };
  stoppedContainers: { count: number; reclaimableBytes: number };
  measuredAt: number;
}

export interface DockerState {
  status: DockerStatus;
  /** Human-readable reason for a non-ok status. */
  message: string | null;
  disk: DockerDiskWaste | null;
}

/** One sample of the whole machine. */
export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  /** Milliseconds since the Unix epoch. */
  t: number;
  host: { hostname: string; platform: string; cores: number };
  memory: MemoryStats;
  /** 1, 5 and 15 minute load averages. */
  load: [number, number, number];
  /** Whole-machine CPU busy percent (0–100) since the previous sample. */
  cpuPercent: number;
  /** null where PSI is not available (older kernels, macOS, Windows). */
  pressure: PressureStats | null;
  /** Pages swapped in per second since the previous sample: the real swap-pressure signal. */
  swapInPerSec: number;
  processCount: number;
  threadCount: number;
  /** Groups sorted by RSS, largest first. */
  groups: ProcessGroup[];
  zombies: Zombie[];
  orphans: Orphan[];
  self: SelfCost;
  containers: ContainerStats[];
  docker: DockerState;
  /** When each part was last refreshed (epoch ms): parts run on their own intervals, so a consumer can tell fresh data from repeated data. */
  sampledAt: { system: number; processes: number; containers: number | null };
  /**
   * The history database's state after this sample was recorded; absent when
   * the engine records no history (one-shot commands). Not ok means samples
   * wait in memory (see `queued`) until the file can be written again.
   */
  history?: HistoryStatus;
}

/** Whether history is being written, as shown to the user: a state, never an error that stops sampling. */
export interface HistoryStatus {
  /** True when the file is open and every sample so far is on disk. */
  ok: boolean;
  /** Why not, in words ("cannot write to …/history.db: SQLITE_FULL: …"); null when ok. */
  message: string | null;
  /** Samples held in memory, waiting for the file to be writable again (bounded). */
  queued: number;
  /**
   * Present once this run had to start a new history file: the old one was
   * damaged (moved to `keptAs`, history.db.corrupt-<epochms>, never deleted)
   * or was deleted by someone else (`keptAs` null). Explains missing history.
   */
  lastReset?: { at: number; reason: string; keptAs: string | null };
}

// ─── Alerts (produced by the rules in engine/detect) ────────────────────────

export type Severity = 'info' | 'warning' | 'critical';
export type AlertState = 'firing' | 'resolved';

export interface Alert {
  /** Stable per condition, e.g. "mem.used" or "leak:process.group.claude.rss". */
  id: string;
  rule: string;
  severity: Severity;
  state: AlertState;
  /** One line that names the culprit: "claude ×16 — 5.4 GB, +1.2 GB/h, memory full in ~2 h 40 min". */
  title: string;
  detail: string;
  /** What it is about: a group name, container name, or series. */
  culprit: string | null;
  /**
   * The culprit process's PID, where the alert is about one process (the
   * parent that does not reap its zombies): fixes are linked by it, never by
   * a name two parents can share.
   */
  culpritPid?: number;
  since: number;
  resolvedAt: number | null;
  /**
   * Ids of the fix proposals that would address it, best first. Filled in by
   * one pure step after planning (engine/alert-fixes.ts) from each proposal's
   * `alertIds`; the rules always emit it empty.
   */
  fixIds: string[];
}

/** What the leak detector says about one series. */
export interface LeakTrend {
  series: string;
  leaking: boolean;
  slopePerHour: number;
  slopeLowPerHour: number;
  slopeHighPerHour: number;
  /** 0..1: how strongly the data supports a monotone trend. */
  strength: number;
  level: number;
  limit: number | null;
  /**
   * Seconds until the series reaches its limit, projected from its newest
   * sample at its recent slope; null if it never does, or while growth has
   * stopped (detect/recent-growth.ts).
   */
  etaSeconds: number | null;
  /** The trend still counts as a leak, but the series has not grown lately: surfaces say so instead of counting down. */
  growthStopped?: boolean;
  /** When the current segment (since the last restart or gap) began, in epoch ms like Alert.since. */
  segmentStart: number;
}

// ─── Fix proposals (produced by engine/remedies) ────────────────────────────

export type FixRisk = 'low' | 'medium' | 'high';

/** A process target: a PID is only the same process while its start time is the same. */
export interface ProcessTarget {
  kind: 'process';
  pid: number;
  /** Start time in clock ticks since boot, from /proc/PID/stat field 22. */
  startTime: number;
  name: string;
  rssBytes: number;
  /**
   * The application groups whose protection applies to it: its own, and the
   * group the fix acts for. Checked against the protected list again right
   * before acting, as the list may have changed since the proposal.
   */
  groups?: string[];
}

export interface ContainerTarget {
  kind: 'container';
  id: string;
  name: string;
}

export interface DockerObjectTarget {
  kind: 'docker-object';
  objectType: 'image' | 'volume' | 'build-cache' | 'container';
  id: string;
  name: string;
  bytes: number;
}

export type FixTarget = ProcessTarget | ContainerTarget | DockerObjectTarget;

export interface FixProposal {
  id: string;
  kind: string;
  title: string;
  targets: FixTarget[];
  expectedBytes: number;
  risk: FixRisk;
  destructive: boolean;
  undoable: boolean;
  /** What a curious user could type instead; never executed by Headroom. */
  command: string;
  reason: string;
  createdAt: number;
  /** Ids of the firing alerts this fix addresses, as the planner decided (the source of Alert.fixIds). */
  alertIds: string[];
}

export interface FixTargetResult {
  target: FixTarget;
  outcome: 'done' | 'skipped' | 'failed';
  detail: string;
}

export interface FixResult {
  fixId: string;
  ok: boolean;
  dryRun: boolean;
  summary: string;
  results: FixTargetResult[];
  memBefore: number;
  memAfter: number;
  freedBytes: number;
  /** Fixes this run made relevant, by id (e.g. stopping a parent that did not reap its zombies). */
  followUpFixIds?: string[];
}

/** An empty Docker state for platforms or runs without the Docker collector. */
export function dockerDisabled(message: string): DockerState {
  return { status: 'disabled', message, disk: null };
}
