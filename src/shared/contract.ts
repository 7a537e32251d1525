/**
 * The one typed API contract between main, preload and renderer, served by two
 * transports (Electron IPC and the web mode's WebSocket). Channel names are
 * `domain:action`. Types on both ends derive from these maps; main validates
 * every argument at run time anyway, because a type is not a guarantee across
 * a process boundary.
 */

import type { MachineStatus } from './machines.ts';
import type { Alert, FixProposal, FixResult, FixTarget, LeakTrend, Severity, Snapshot } from './model.ts';
import type { Settings, SettingsPatch } from './settings.ts';

/** A downsampled series: parallel arrays keep the payload small and chart-ready. */
export interface HistorySeries {
  series: string;
  /** Epoch milliseconds. */
  t: number[];
  v: number[];
  /** Latest known limit for the series (RAM, container limit), or null. */
  limit: number | null;
  /** Which storage tier answered: raw samples or a rollup. */
  tier: 'raw' | 'm1' | 'm15';
}

export interface HistoryQuery {
  series: string;
  sinceMs: number;
  untilMs?: number;
  maxPoints?: number;
}

/** Request/response channels: argument and result of each. */
export interface InvokeChannels {
  'snapshot:get': { req: void; res: Snapshot | null };
  'history:query': { req: HistoryQuery; res: HistorySeries };
  'history:series': { req: void; res: string[] };
  'alerts:list': { req: void; res: Alert[] };
  'trends:list': { req: void; res: LeakTrend[] };
  'fixes:list': { req: void; res: FixProposal[] };
  'fix:preview': { req: { id: string }; res: FixResult };
  'fix:run': { req: { id: string }; res: FixResult };
  'settings:get': { req: void; res: Settings };
  'settings:set': { req: SettingsPatch; res: Settings };
  /** An analysis report of the history since `sinceMs` ("Export report…"), and a file name to save it under. */
  'report:export': { req: { sinceMs: number; format: 'md' | 'html'; timeZone?: string; live?: boolean }; res: { text: string; fileName: string } };
  /** One series since `sinceMs` in the replay trace format (`headroom history --csv` attached to an engine). */
  'history:export': { req: { series: string; sinceMs: number }; res: string };
  /** The audit log of fixes run, most recent first (`headroom log` attached to an engine). */
  'audit:list': { req: { limit: number }; res: AuditLogEntry[] };
  /** The processes of one application, from the engine's process table (the window's drill-down). */
  'group:processes': { req: { group: string }; res: ProcessRow[] };
  /** The last log lines of a container the engine lists, read on demand (bounded). */
  'container:logs': { req: { id: string; lines?: number }; res: ContainerLogs };
  /** The remote boxes this engine follows (settings.machines), for the window's machine switcher. */
  'machines:list': { req: void; res: MachineSummary[] };
  /**
   * One call on a followed box's engine, answered by that engine (a fix runs
   * there, through its own re-check and audit log). `res` is the box channel's
   * `Res`; machineApi (renderer/transport/machine-api.ts) restores the type.
   */
  'machine:invoke': { req: MachineCall; res: unknown };
}

/**
 * The channels a window may call on a followed box. The box's settings are
 * changed on the box: a laptop's window reads them but cannot write them.
 */
export type MachineChannel = Exclude<InvokeChannel, 'settings:set' | 'machines:list' | 'machine:invoke'>;

export interface MachineCall {
  machine: string;
  channel: MachineChannel;
  arg?: unknown;
}

/** One followed box as the machine switcher shows it. */
export interface MachineSummary {
  status: MachineStatus;
  /** Firing alerts on the box, and the worst of their severities (null: none, or no live data). */
  firing: number;
  worst: Severity | null;
}

/** A box's own push (its snapshot, alerts or fixes), tagged with the box. */
export type MachinePush = { [C in 'snapshot:push' | 'alerts:push' | 'fixes:push']: { machine: string; channel: C; payload: PushChannels[C] } }['snapshot:push' | 'alerts:push' | 'fixes:push'];

/** One process of an application, as the drill-down shows it. */
export interface ProcessRow {
  pid: number;
  ppid: number;
  /** The parent's name, when the parent is in the process table. */
  parentName: string | null;
  name: string;
  /** Kernel state letter: R running, S sleeping, D disk wait, Z zombie, T stopped, … */
  state: string;
  /** Epoch ms the process started (its kernel start time). */
  startedAt: number;
  rssBytes: number;
  cpuPercent: number;
  threads: number;
  /** null until the fd pass has counted them, or when unreadable. */
  fds: number | null;
  cmdline: string;
  /** Ids of the planner's current fixes that act on this process (its own fixes), best first. */
  fixIds: string[];
}

export interface ContainerLogs {
  id: string;
  name: string;
  /** Oldest first. */
  lines: string[];
  /** True when the engine sent more than is kept (the oldest part was dropped). */
  truncated: boolean;
}

/** One row of the fix audit log (stored in the history database; remedies' AuditEntry is this type). */
export interface AuditLogEntry {
  id: number;
  t: number;
  fixId: string;
  kind: string;
  title: string;
  dryRun: boolean;
  ok: boolean;
  summary: string;
  targets: { target: FixTarget; outcome: string; detail: string }[];
  /** System memory used (total − available) right before and right after acting. */
  memBefore: number;
  memAfter: number;
  /** RSS of the fix's targets right before acting, and of those still running right after. */
  targetsRssBefore?: number;
  targetsRssAfter?: number;
  undo: Record<string, unknown> | null;
}

/** Push channels: main → renderer. */
export interface PushChannels {
  'snapshot:push': Snapshot;
  'alerts:push': Alert[];
  'fixes:push': FixProposal[];
  /** The followed boxes, whenever one's state or alerts change. */
  'machines:push': MachineSummary[];
  /** What a followed box pushed (the window shows the selected box through these). */
  'machine:push': MachinePush;
}

export type InvokeChannel = keyof InvokeChannels;
export type PushChannel = keyof PushChannels;
export type Req<C extends InvokeChannel> = InvokeChannels[C]['req'];
export type Res<C extends InvokeChannel> = InvokeChannels[C]['res'];

/**
 * What a window may ask of a followed box, listed one by one: a channel added
 * later is not relayed to boxes until someone decides it should be.
 */
export const MACHINE_CHANNELS: readonly MachineChannel[] = [
  'snapshot:get',
  'history:query',
  'history:series',
  'alerts:list',
  'trends:list',
  'fixes:list',
  'fix:preview',
  'fix:run',
  'settings:get',
  'report:export',
  'history:export',
  'audit:list',
  'group:processes',
  'container:logs',
];

/** Every invoke channel, for transports that must register them all: a box's, and the three that are this engine's own. */
export const INVOKE_CHANNELS: readonly InvokeChannel[] = [...MACHINE_CHANNELS, 'settings:set', 'machines:list', 'machine:invoke'];

export const PUSH_CHANNELS: readonly PushChannel[] = ['snapshot:push', 'alerts:push', 'fixes:push', 'machines:push', 'machine:push'];

/** The API the renderer sees, whatever the transport (preload bridge or WebSocket client). */
export interface HeadroomApi {
  invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>>;
  on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void;
}

/** Error shape every transport returns for a rejected call. */
export interface ApiError {
  code: 'bad-request' | 'not-found' | 'stale' | 'refused' | 'internal';
  message: string;
}
