/**
 * The handler table: the one place where the API contract (src/shared/contract.ts)
 * meets the engine. Both transports — Electron IPC and the web mode's WebSocket —
 * call `dispatch`, so a request is validated and answered the same way whoever
 * sent it.
 *
 * `dispatch` never throws and never rejects: a bad channel, a bad argument or a
 * failing handler all come back as an ApiError, because a transport that let an
 * exception escape would take the monitor down with it.
 */

import { MACHINE_CHANNELS, type ApiError, type AuditLogEntry, type HistoryQuery, type HistorySeries, type InvokeChannel, type MachineChannel, type MachineSummary, type Req, type Res } from '../../../shared/contract.ts';
import type { Alert, FixProposal, FixResult, LeakTrend, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { DockerClient } from '../collectors/docker/client.ts';
import { MAX_LOG_LINES, readContainerLogs } from '../collectors/docker/logs.ts';
import { FIX_ID_PATTERN } from '../remedies/proposal-id.ts';
import { groupProcesses, type ProcessTableEntry } from './group-processes.ts';
import { exportReportFor } from '../report/api.ts';
import type { HistoryEvent } from '../report/types.ts';
import { FixError } from '../remedies/types.ts';
import { SettingsError } from '../settings/validate.ts';
import { BadRequest, assertPlainData, expectInteger, expectNothing, expectNumber, expectObject, expectString } from './validate.ts';

/** Most points one history:query returns per series: enough for any chart, small enough to draw fast. */
export const MAX_POINTS = 2000;

/** Series names: printable text (group names may be any language), no control characters. */
const SERIES_PATTERN = /^[^\u0000-\u001f\u007f]+$/;

/** Latest epoch-ms accepted in a query (year ~33658): bounds the arithmetic, not the use. */
const MAX_EPOCH_MS = 1e15;

/** What the handlers need from a Headroom (see createHeadroom); narrow so each part stays replaceable. */
export interface ApiDeps {
  engine: {
    latest(): Snapshot | null;
    alerts(): Alert[];
    trends(): LeakTrend[];
    settingsChanged(): void;
    /** The live process table (Engine.processes), for the drill-down; absent: group:processes is refused. */
    processes?: { table: { entries: ReadonlyMap<number, ProcessTableEntry> } };
  };
  /** The Docker monitor (for container:logs); null or absent when Docker is not watched. */
  docker?: { containers(): { id: string; name: string }[]; client(): DockerClient | null } | null;
  settings: {
    get(): Settings;
    /** Validates the whole patched result and throws SettingsError without changing anything on a bad patch. */
    set(patch: unknown): Settings;
  };
  /** null when history recording is off (one-shot commands). */
  history: {
    query(q: HistoryQuery): HistorySeries;
    seriesNames(): string[];
    /** Engine start/stop events, for the gaps a report lists (the HistoryStore has them). */
    events?(sinceMs: number, untilMs?: number): HistoryEvent[];
    /** The replay trace format (HistoryStore has it). */
    exportCsv?(series: string, sinceMs: number): string;
  } | null;
  remedies: {
    list(): FixProposal[];
    preview(id: string): Promise<FixResult>;
    run(id: string): Promise<FixResult>;
    /** The audit log, most recent first (absent: the channel is refused). */
    auditLog?(limit?: number): AuditLogEntry[];
  };
  /**
   * The remote boxes this engine follows (the desktop app and `serve`; remote/manager.ts).
   * Absent (the local channel, one-shot commands): machines:list is empty and machine:invoke refused,
   * so a box's engine never relays calls onward to boxes of its own.
   */
  machines?: {
    summaries(): MachineSummary[];
    names(): string[];
    invoke<C extends InvokeChannel>(name: string, channel: C, arg: Req<C>): Promise<Res<C>>;
  } | null;
  /** Where unexpected handler failures are logged (their message also goes back as an 'internal' error). */
  log?: (line: string) => void;
}

export type DispatchResult = { ok: true; value: unknown } | { ok: false; error: ApiError };

export interface Api {
  /** Validates and runs one request. Never throws, whatever `channel` and `arg` are. */
  dispatch(channel: unknown, arg: unknown): Promise<DispatchResult>;
}

/** One row of the table: a validator that returns the typed argument, and the handler. */
interface Route<C extends InvokeChannel> {
  parse(arg: unknown): Req<C>;
  handle(arg: Req<C>): Res<C> | Promise<Res<C>>;
}

type Table = { [C in InvokeChannel]: Route<C> };

function parseHistoryQuery(arg: unknown): HistoryQuery {
  const rec = expectObject(arg, ['series', 'sinceMs', 'untilMs', 'maxPoints'], ['series', 'sinceMs']);
  const q: HistoryQuery = {
    series: expectString(rec.series, 'series', 300, SERIES_PATTERN),
    sinceMs: expectNumber(rec.sinceMs, 'sinceMs', 0, MAX_EPOCH_MS),
  };
  if (rec.untilMs !== undefined) {
    q.untilMs = expectNumber(rec.untilMs, 'untilMs', 0, MAX_EPOCH_MS);
    if (q.untilMs < q.sinceMs) throw new BadRequest('untilMs must not be before sinceMs');
  }
  // Capped rather than refused: asking for more points than a chart can show is not an error.
  q.maxPoints = rec.maxPoints === undefined ? MAX_POINTS : Math.min(MAX_POINTS, expectInteger(rec.maxPoints, 'maxPoints', 2, Number.MAX_SAFE_INTEGER));
  return q;
}

function parseFixId(arg: unknown): { id: string } {
  const rec = expectObject(arg, ['id']);
  // Ids are issued by the planner in one fixed shape: anything else cannot be one of them.
  return { id: expectString(rec.id, 'id', 40, FIX_ID_PATTERN) };
}

function parseSettingsPatch(arg: unknown): Req<'settings:set'> {
  assertPlainData(arg, 'patch');
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new BadRequest('a settings patch must be an object');
  return arg as Req<'settings:set'>;
}

function parseReportExport(arg: unknown): Req<'report:export'> {
  const rec = expectObject(arg, ['sinceMs', 'format', 'timeZone', 'live'], ['sinceMs', 'format']);
  const format = expectString(rec.format, 'format', 4, /^(md|html)$/) as 'md' | 'html';
  const sinceMs = expectNumber(rec.sinceMs, 'sinceMs', 0, MAX_EPOCH_MS);
  // The report runs from sinceMs to now; a period starting now or later is the caller's mistake, not an internal error.
  if (!(sinceMs < Date.now())) throw new BadRequest('sinceMs must be in the past (a report covers sinceMs until now)');
  const out: Req<'report:export'> = { sinceMs, format };
  if (rec.timeZone !== undefined) {
    out.timeZone = expectString(rec.timeZone, 'timeZone', 64, /^[A-Za-z0-9_+\-/]+$/);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: out.timeZone });
    } catch {
      throw new BadRequest(`unknown time zone "${out.timeZone}"`);
    }
  }
  if (rec.live !== undefined) {
    if (typeof rec.live !== 'boolean') throw new BadRequest('live must be true or false');
    out.live = rec.live;
  }
  return out;
}

function parseHistoryExport(arg: unknown): Req<'history:export'> {
  const rec = expectObject(arg, ['series', 'sinceMs'], ['series', 'sinceMs']);
  return { series: expectString(rec.series, 'series', 300, SERIES_PATTERN), sinceMs: expectNumber(rec.sinceMs, 'sinceMs', 0, MAX_EPOCH_MS) };
}

function parseAuditList(arg: unknown): Req<'audit:list'> {
  const rec = expectObject(arg, ['limit'], ['limit']);
  return { limit: expectInteger(rec.limit, 'limit', 1, 100000) };
}

function parseGroupProcesses(arg: unknown): Req<'group:processes'> {
  const rec = expectObject(arg, ['group']);
  // Group names come from argv[0], which any process can make long (`exec -a`): bounded like the other strings, not like series names.
  return { group: expectString(rec.group, 'group', 4096, SERIES_PATTERN) };
}

/** Container ids (hex) and names (Docker's own rule); which one it is, is checked against the engine's list. */
const CONTAINER_REF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function parseContainerLogs(arg: unknown): Req<'container:logs'> {
  const rec = expectObject(arg, ['id', 'lines'], ['id']);
  const out: Req<'container:logs'> = { id: expectString(rec.id, 'id', 128, CONTAINER_REF) };
  if (rec.lines !== undefined) out.lines = expectInteger(rec.lines, 'lines', 1, MAX_LOG_LINES);
  return out;
}

/** Machine names as settings allow them (remote/machine-input.ts): printable, at most 64 characters. */
const MACHINE_NAME = /^[^\u0000-\u001f\u007f]+$/;

function parseMachineCall(arg: unknown): Req<'machine:invoke'> {
  const rec = expectObject(arg, ['machine', 'channel', 'arg'], ['machine', 'channel']);
  const machine = expectString(rec.machine, 'machine', 64, MACHINE_NAME);
  const channel = expectString(rec.channel, 'channel', 40);
  if (channel === 'settings:set') throw new BadRequest("a box's settings are changed on the box (headroom settings there), not from another machine's window");
  if (!(MACHINE_CHANNELS as readonly string[]).includes(channel)) throw new BadRequest(`"${channel.slice(0, 40)}" cannot be called on a followed machine`);
  // The box's engine validates `arg` for its channel as it validates every call; here it is only bounded (expectObject did).
  return rec.arg === undefined ? { machine, channel: channel as MachineChannel } : { machine, channel: channel as MachineChannel, arg: rec.arg };
}

const BOX_CODES = new Set<string>(['bad-request', 'not-found', 'stale', 'refused', 'internal']);

/** True for the { code, message } a channel client rejects with when the box's engine refused a call. */
function isApiError(err: unknown): err is ApiError {
  return typeof err === 'object' && err !== null && typeof (err as ApiError).code === 'string' && typeof (err as ApiError).message === 'string';
}

const none = (arg: unknown): void => expectNothing(arg);

function buildTable(deps: ApiDeps): Table {
  const history = () => {
    if (!deps.history) throw new ApiFailure('refused', 'history recording is off in this mode');
    return deps.history;
  };
  return {
    'snapshot:get': { parse: none, handle: () => deps.engine.latest() },
    'history:query': { parse: parseHistoryQuery, handle: (q) => history().query(q) },
    'history:series': { parse: none, handle: () => history().seriesNames() },
    'alerts:list': { parse: none, handle: () => deps.engine.alerts() },
    'trends:list': { parse: none, handle: () => deps.engine.trends() },
    'fixes:list': { parse: none, handle: () => deps.remedies.list() },
    'fix:preview': { parse: parseFixId, handle: ({ id }) => deps.remedies.preview(id) },
    'fix:run': { parse: parseFixId, handle: ({ id }) => deps.remedies.run(id) },
    'settings:get': { parse: none, handle: () => deps.settings.get() },
    'settings:set': {
      parse: parseSettingsPatch,
      handle: (patch) => {
        // SettingsStore.set validates the whole result first, so a bad patch changes nothing.
        const next = deps.settings.set(patch);
        deps.engine.settingsChanged();
        return next;
      },
    },
    'report:export': {
      parse: parseReportExport,
      handle: (req) => {
        const h = history();
        // live: false is a report from history alone (`headroom report --no-live`): no latest sample to add.
        const engine = req.live === false ? { latest: () => null, alerts: () => [], trends: () => [] } : deps.engine;
        const timeZone = req.timeZone;
        return exportReportFor(
          { ...deps, engine, timeZone, history: { query: (q) => h.query(q), seriesNames: () => h.seriesNames(), events: (a, b) => h.events?.(a, b) ?? [] } },
          { sinceMs: req.sinceMs, format: req.format },
        );
      },
    },
    'history:export': {
      parse: parseHistoryExport,
      handle: ({ series, sinceMs }) => {
        const h = history();
        if (!h.exportCsv) throw new ApiFailure('refused', 'this history cannot export traces');
        return h.exportCsv(series, sinceMs);
      },
    },
    'group:processes': {
      parse: parseGroupProcesses,
      handle: ({ group }) => {
        const table = deps.engine.processes?.table.entries;
        const snap = deps.engine.latest();
        if (!table || !snap) throw new ApiFailure('refused', 'no process table yet');
        const rows = groupProcesses(snap, table, deps.remedies.list(), group);
        if (rows === null) throw new ApiFailure('not-found', `no application "${group.slice(0, 60)}" right now`);
        return rows;
      },
    },
    'container:logs': {
      parse: parseContainerLogs,
      handle: async ({ id, lines }) => {
        const client = deps.docker?.client() ?? null;
        if (!client) throw new ApiFailure('refused', 'Docker is not being watched or not reachable');
        // Only a container the engine itself lists: the id or name is a key into its list, never passed through as is.
        const c = deps.docker?.containers().find((x) => x.id === id || x.name === id || (id.length >= 12 && x.id.startsWith(id)));
        if (!c) throw new ApiFailure('not-found', `no container "${id.slice(0, 60)}" in the engine's list`);
        return readContainerLogs(client, c.id, c.name, lines ?? 50);
      },
    },
    'machines:list': { parse: none, handle: () => deps.machines?.summaries() ?? [] },
    'machine:invoke': {
      parse: parseMachineCall,
      handle: async ({ machine, channel, arg }) => {
        const machines = deps.machines;
        if (!machines) throw new ApiFailure('refused', 'this engine follows no other machines');
        if (!machines.names().includes(machine)) throw new ApiFailure('not-found', `no machine called ${JSON.stringify(machine.slice(0, 64))} in settings.machines`);
        try {
          return await machines.invoke(machine, channel, arg as Req<MachineChannel>);
        } catch (err) {
          // The box's own answer (bad-request, not-found, stale, refused), kept as it was and said to be the box's.
          // A box is another machine: its code must be one of ours and its message is bounded before the page sees it.
          if (isApiError(err)) throw new ApiFailure(BOX_CODES.has(err.code) ? err.code : 'internal', `${machine}: ${err.message.slice(0, 300)}`);
          throw err;
        }
      },
    },
    'audit:list': {
      parse: parseAuditList,
      handle: ({ limit }) => {
        if (!deps.remedies.auditLog) throw new ApiFailure('refused', 'the audit log is not available in this mode');
        return deps.remedies.auditLog(limit);
      },
    },
  };
}

/** An error a handler raises on purpose, with its ApiError code. */
class ApiFailure extends Error {
  constructor(
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Maps whatever a validator or handler threw to the ApiError the caller sees. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof BadRequest || err instanceof SettingsError) return { code: 'bad-request', message: err.message };
  if (err instanceof FixError || err instanceof ApiFailure) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message: message.slice(0, 300) || 'internal error' };
}

/** Builds the handler table over a Headroom's parts. */
export function createApi(deps: ApiDeps): Api {
  const table = buildTable(deps);
  const channels = new Set<string>(Object.keys(table));
  return {
    async dispatch(channel: unknown, arg: unknown): Promise<DispatchResult> {
      try {
        if (typeof channel !== 'string' || !channels.has(channel)) {
          const shown = typeof channel === 'string' ? `"${channel.slice(0, 60)}"` : typeof channel;
          return { ok: false, error: { code: 'bad-request', message: `unknown channel ${shown}` } };
        }
        const route = table[channel as InvokeChannel] as Route<InvokeChannel>;
        let parsed: Req<InvokeChannel>;
        try {
          parsed = route.parse(arg);
        } catch (err) {
          // A validator only ever means "bad request", even if something odd (a throwing getter) broke it.
          return { ok: false, error: { code: 'bad-request', message: err instanceof BadRequest ? err.message : 'malformed argument' } };
        }
        const value = await route.handle(parsed);
        return { ok: true, value: value === undefined ? null : value };
      } catch (err) {
        const error = toApiError(err);
        if (error.code === 'internal') {
          try {
            deps.log?.(`api: ${typeof channel === 'string' ? channel : '?'} failed: ${error.message}`);
          } catch {
            /* logging must not turn an answer into a crash */
          }
        }
        return { ok: false, error };
      }
    },
  };
}
