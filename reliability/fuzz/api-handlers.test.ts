/**
 * Issue #9, part 2: every channel of the typed API contract, fuzzed through
 * the real handler table (`createApi(...).dispatch`, what both transports
 * call) over a real Headroom — createHeadroom on a temp data directory, a real
 * SQLite history file, the engine sampling this machine — and then the web
 * mode's WebSocket framing, through the real server.
 *
 * For each channel at least FUZZ_RUNS generated arguments: wrong types, MB
 * strings, thousands of nesting levels, prototype-pollution keys as own
 * properties, NaN/Infinity/-0, unknown and forged fix ids, exotic values only
 * IPC could carry, and near misses of valid arguments (one field wrong), mixed
 * with valid arguments so the "works" side is exercised too. Properties:
 * - dispatch never throws, and answers a typed result: valid → a well-formed
 *   value; invalid → `bad-request` (fix ids: `not-found`/`stale`), never
 *   `internal`, with a short message naming what was wrong;
 * - no built-in prototype gains a property;
 * - settings:set with an invalid patch changes nothing (settings:get and the
 *   file's bytes); a valid one is applied whole, saved, and read back by a
 *   fresh load without a notice;
 * - fix:run with anything but a live id does nothing: the audit log stays
 *   empty and the sentinel processes a real proposal targets keep running.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import WebSocket from 'ws';
import { createApi, MAX_POINTS, type Api, type DispatchResult } from '../../src/main/engine/api/handlers.ts';
import { createHeadroom, type Headroom } from '../../src/main/engine/create.ts';
import { startWebServer, type WebServer } from '../../src/main/engine/server/server.ts';
import { readSettingsFile } from '../../src/main/engine/settings/store.ts';
import { assertSettings } from '../../src/main/engine/settings/validate.ts';
import { INVOKE_CHANNELS, type InvokeChannel } from '../../src/shared/contract.ts';
import type { FixProposal, ProcessTarget } from '../../src/shared/model.ts';
import { ProcessSwarm, startTimeOf, waitUntil, isAlive } from '../../tests/helpers/procs.ts';
import { FUZZ_RUNS } from '../support/profile.ts';
import {
  assertUnpolluted,
  DEEP_VALUES,
  fuzz,
  HUGE_STRINGS,
  hostileArb,
  ODD_NUMBERS,
  ownObject,
  POLLUTERS,
  prototypeFingerprint,
  recordWallTime,
} from './fuzz-support.ts';
import { badValuesOf, nodeOf, SECTIONS, SETTING_PATHS } from './settings-arbs.ts';

const started = performance.now();
const tag = randomBytes(3).toString('hex');
/** The sentinel processes: a real stop-excess proposal targets them, and no forged id may run it. */
const SENTINEL = `hr-fuzz-${tag}`;

type Expect = 'ok' | 'error' | 'any';
interface Case {
  arg: unknown;
  expect: Expect;
  /** What the case is, for the failure message. */
  what: string;
  /** For near misses of one named field: the error message must name it. */
  names?: string;
  /** Decides `expect` when the case runs, for validity that depends on the current settings. */
  decide?: () => Expect;
  /** What the error message must say, where the case has a specific answer. */
  says?: RegExp;
}

const CODES = new Set(['bad-request', 'not-found', 'stale', 'refused', 'internal']);
/** A clear error is a sentence, not an echo of a megabyte of input. */
const MAX_MESSAGE = 2000;

let dir: string;
let h: Headroom;
let api: Api;
let settingsPath: string;
let proto: string;
let seriesNames: string[] = [];
const swarm = new ProcessSwarm();
let sentinels: { pid: number; startTime: number }[] = [];
const crashes: unknown[] = [];
const onCrash = (err: unknown) => crashes.push(err);

const liveIds = () => new Set(h.remedies.list().map((p) => p.id));

function sentinelFix(): FixProposal | undefined {
  const pids = new Set(sentinels.map((s) => s.pid));
  return h.remedies.list().find((p) => p.targets.some((t) => t.kind === 'process' && pids.has((t as ProcessTarget).pid)));
}

before(async () => {
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  proto = prototypeFingerprint();
  dir = mkdtempSync(join(tmpdir(), 'headroom-fuzz-api-'));
  settingsPath = join(dir, 'settings.json');
  writeFileSync(
    settingsPath,
    JSON.stringify({
      version: 1,
      // The default pace: the engine samples this machine throughout, beside the other reliability files.
      intervals: { systemMs: 2000, processesMs: 5000 },
      groups: { rules: [{ name: SENTINEL, kind: 'agent', exe: [SENTINEL] }], topN: 15 },
      alerts: { maxInstances: { [SENTINEL]: 1 } },
      remedies: { keepInstances: 1 },
    }),
  );
  const pids = await swarm.spawnNamed(SENTINEL, 3);
  sentinels = pids.map((pid) => ({ pid, startTime: startTimeOf(pid) as number }));
  h = createHeadroom({ dataDir: dir, docker: false, log: () => {} });
  h.engine.start();
  api = createApi({ ...h, log: h.log });
  await waitUntil(() => sentinelFix() !== undefined, 20000, 'the planner to propose stopping the sentinel processes');
  const names = await api.dispatch('history:series', null);
  assert.ok(names.ok);
  seriesNames = names.value as string[];
});

after(async () => {
  swarm.cleanup();
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  process.off('uncaughtException', onCrash);
  process.off('unhandledRejection', onCrash);
  recordWallTime('fuzz', 'API handlers and WebSocket framing', started);
});

// ── checks shared by every channel ─────────────────────────────────────────

function allowedCodes(channel: InvokeChannel): Set<string> {
  if (channel === 'fix:preview' || channel === 'fix:run') return new Set(['bad-request', 'not-found', 'stale']);
  // A container or group the engine does not list, or Docker not watched here: a typed refusal.
  if (channel === 'container:logs' || channel === 'group:processes') return new Set(['bad-request', 'not-found', 'refused']);
  // This engine follows no boxes: a well-formed call on one is refused, anything else is a bad request.
  if (channel === 'machine:invoke') return new Set(['bad-request', 'refused']);
  return new Set(['bad-request']);
}

function describeArg(arg: unknown): string {
  try {
    const s = JSON.stringify(arg);
    return s === undefined ? String(arg) : s.slice(0, 200);
  } catch {
    return Object.prototype.toString.call(arg);
  }
}

function assertAnswer(channel: InvokeChannel, c: Case, r: DispatchResult): void {
  // Built only on failure: describing a 4 MB or 5,000-level argument costs more than the dispatch.
  const where = () => `${channel} ${c.what}: ${describeArg(c.arg)}`;
  const check = (cond: boolean, why: () => string) => {
    if (!cond) assert.fail(`${where()}: ${why()}`);
  };
  check(typeof r === 'object' && r !== null, () => 'not a result object');
  if (!r.ok) {
    const { code, message } = r.error;
    check(CODES.has(code), () => `unknown code ${code}`);
    check(allowedCodes(channel).has(code), () => `answered ${code} (${message})`);
    check(typeof message === 'string' && message.length > 0 && message.length <= MAX_MESSAGE, () => `message of ${String(message).length} chars`);
    if (c.names) check(message.includes(c.names), () => `the message does not name ${c.names}: ${message}`);
    if (c.says) check(c.says.test(message), () => `the message does not say ${c.says}: ${message}`);
  }
  if (c.expect === 'ok') check(r.ok, () => `refused a valid argument: ${r.ok ? '' : `${r.error.code} ${r.error.message}`}`);
  if (c.expect === 'error') check(!r.ok, () => 'accepted an invalid argument');
}

function assertFiniteNumbers(xs: unknown, what: string): void {
  assert.ok(Array.isArray(xs), `${what} is not an array`);
  for (const x of xs) assert.ok(typeof x === 'number' && Number.isFinite(x), `${what} holds ${x}`);
}

/** A channel's valid answer has the contract's shape. */
function assertValue(channel: InvokeChannel, arg: unknown, value: unknown): void {
  switch (channel) {
    case 'snapshot:get':
      assert.ok(value === null || (typeof value === 'object' && typeof (value as { t: unknown }).t === 'number'));
      return;
    case 'history:series':
      assert.ok(Array.isArray(value) && value.every((s) => typeof s === 'string'));
      return;
    case 'alerts:list':
    case 'trends:list':
    case 'fixes:list':
      assert.ok(Array.isArray(value));
      return;
    case 'history:query': {
      const q = arg as { series: string; maxPoints?: number };
      const s = value as { series: string; t: number[]; v: number[]; tier: string; limit: unknown };
      assert.equal(s.series, q.series);
      assertFiniteNumbers(s.t, 't');
      assertFiniteNumbers(s.v, 'v');
      assert.equal(s.t.length, s.v.length);
      assert.ok(s.t.length <= Math.min(q.maxPoints ?? MAX_POINTS, MAX_POINTS), `${s.t.length} points for maxPoints ${q.maxPoints}`);
      assert.ok(['raw', 'm1', 'm15'].includes(s.tier));
      assert.ok(s.limit === null || (typeof s.limit === 'number' && Number.isFinite(s.limit)));
      return;
    }
    case 'settings:get':
      assertSettings(value);
      assert.deepEqual(value, h.settings.get());
      return;
    case 'settings:set': {
      assertSettings(value);
      // Applied whole: what the engine reads, what is on disk, and what the next start will load are the answer.
      const text = JSON.stringify(value);
      assert.equal(JSON.stringify(h.settings.get()), text);
      assert.equal(JSON.stringify(JSON.parse(readFileSync(settingsPath, 'utf8'))), text, 'the file does not hold the new settings');
      const reread = readSettingsFile(settingsPath);
      assert.equal(reread.notice, null, `the saved settings do not load again: ${reread.notice}`);
      assert.equal(JSON.stringify(reread.settings), text);
      return;
    }
    case 'report:export': {
      const { text, fileName } = value as { text: string; fileName: string };
      const { format } = arg as { format: string };
      assert.ok(typeof text === 'string' && text.length > 0);
      assert.match(fileName, new RegExp(`^[A-Za-z0-9._-]{1,120}\\.${format}$`), `file name ${fileName}`);
      assert.ok(!fileName.includes('..'));
      return;
    }
    case 'fix:preview': {
      const r = value as { dryRun: boolean; fixId: string };
      assert.equal(r.dryRun, true);
      assert.equal(r.fixId, (arg as { id: string }).id);
      return;
    }
    case 'fix:run':
      assert.fail(`fix:run ran a fix for ${describeArg(arg)}`);
  }
}

async function runCase(channel: InvokeChannel, c: Case): Promise<void> {
  const guardSettings = channel === 'settings:set';
  const before = guardSettings ? { json: JSON.stringify(h.settings.get()), bytes: readFileSync(settingsPath) } : null;
  const auditBefore = channel === 'fix:run' ? h.remedies.auditLog(1)[0]?.id ?? 0 : 0;
  if (c.decide) c = { ...c, expect: c.decide() };
  const r = await api.dispatch(channel, c.arg);
  assertAnswer(channel, c, r);
  if (r.ok) assertValue(channel, c.arg, r.value);
  if (before && !r.ok) {
    assert.equal(JSON.stringify(h.settings.get()), before.json, `${c.what}: a refused patch changed the settings`);
    assert.ok(readFileSync(settingsPath).equals(before.bytes), `${c.what}: a refused patch changed the settings file`);
  }
  if (channel === 'fix:run') {
    assert.equal(h.remedies.auditLog(1)[0]?.id ?? 0, auditBefore, `${c.what}: fix:run acted (the audit log grew)`);
  }
  assertUnpolluted(proto);
}

// ── generators, channel by channel ────────────────────────────────────────

const expectFor = (arg: unknown): Expect => (arg === undefined || arg === null ? 'ok' : 'error');

/** Channels without an argument: undefined or null, and nothing else. */
/**
 * Channels that take an object (history:export, audit:list, group:processes, container:logs): any argument,
 * well-formed or hostile, gets a typed answer — a result or a refusal — never internal, never a throw.
 */
function objectArgCases(keys: readonly string[]): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, {}, [], 0, '', 'x').map((arg) => ({ arg, expect: 'any' as Expect, what: 'near miss' })) },
    { weight: 4, arbitrary: hostileArb(keys).map((arg) => ({ arg, expect: 'any' as Expect, what: 'hostile' })) },
  );
}

/**
 * machine:invoke: well-formed calls (every channel a box may be asked, settings:set among the refused) and
 * hostile envelopes. This engine follows no boxes, so none is relayed anywhere: a typed refusal at best.
 */
function machineCallCases(): fc.Arbitrary<Case> {
  const channel = fc.constantFrom<unknown>(...INVOKE_CHANNELS, 'nope:nope', '', 5, null);
  const wellFormed = fc
    .record({ machine: fc.oneof(fc.constantFrom('dev-box', 'x'), fc.string({ maxLength: 70 })), channel, arg: fc.oneof(fc.constant(undefined), fc.constantFrom<unknown>(null, { id: 'x' }, { limit: 5 })) }, { requiredKeys: ['machine', 'channel'] })
    .map((arg) => ({ arg, expect: 'any' as Expect, what: 'a call on a box' }));
  return fc.oneof({ weight: 3, arbitrary: wellFormed }, { weight: 2, arbitrary: objectArgCases(['machine', 'channel', 'arg', 'id']) });
}

function noArgCases(): fc.Arbitrary<Case> {
  return fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(undefined, null).map((arg) => ({ arg, expect: 'ok' as Expect, what: 'no argument' })) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<unknown>({}, [], 0, -0, '', false, NaN, 'null', 'undefined', [null], { arg: null }, ownObject([['__proto__', null]]))
        .map((arg) => ({ arg, expect: 'error' as Expect, what: 'near miss of no argument' })),
    },
    { weight: 6, arbitrary: hostileArb(['arg', 'id', 'series']).map((arg) => ({ arg, expect: expectFor(arg), what: 'hostile' })) },
  );
}

const SERIES_OK = /^[^\u0000-\u001f\u007f]+$/;
const MAX_EPOCH = 1e15;

function queryCases(): fc.Arbitrary<Case> {
  const series = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...seriesNames, 'system.mem.used', 'no.such.series') },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 120 }).filter((s) => s.length <= 300 && SERIES_OK.test(s)),
    },
  );
  const time = fc.oneof(fc.integer({ min: 0, max: Date.now() + 3_600_000 }), fc.double({ min: 0, max: MAX_EPOCH, noNaN: true }));
  const valid = fc
    .record(
      { series, times: fc.tuple(time, time).map(([a, b]) => (a <= b ? [a, b] : [b, a])), until: fc.boolean(), maxPoints: fc.option(fc.integer({ min: 2, max: Number.MAX_SAFE_INTEGER }), { nil: undefined }) },
    )
    .map(({ series: s, times, until, maxPoints }) => {
      const q: Record<string, unknown> = { series: s, sinceMs: times[0] };
      if (until) q.untilMs = times[1];
      if (maxPoints !== undefined) q.maxPoints = maxPoints;
      return q;
    });
  type M = [string, (q: Record<string, unknown>) => unknown, Expect, string?, RegExp?];
  const mutations: M[] = [
    ['sinceMs -1', (q) => ({ ...q, sinceMs: -1 }), 'error', 'sinceMs'],
    ['sinceMs -0', (q) => ({ ...q, sinceMs: -0 }), 'ok'],
    ['sinceMs NaN', (q) => ({ ...q, sinceMs: NaN }), 'error', 'sinceMs'],
    ['sinceMs Infinity', (q) => ({ ...q, sinceMs: Infinity }), 'error', 'sinceMs'],
    ['sinceMs as text', (q) => ({ ...q, sinceMs: String(q.sinceMs) }), 'error', 'sinceMs'],
    ['sinceMs null', (q) => ({ ...q, sinceMs: null }), 'error', 'sinceMs'],
    ['sinceMs past the bound', (q) => ({ ...q, sinceMs: MAX_EPOCH * 10 }), 'error', 'sinceMs'],
    ['sinceMs an array', (q) => ({ ...q, sinceMs: [q.sinceMs] }), 'error', 'sinceMs'],
    ['untilMs before sinceMs', (q) => ({ ...q, sinceMs: 2000, untilMs: 1999 }), 'error', 'untilMs'],
    ['untilMs equal to sinceMs', (q) => ({ ...q, untilMs: q.sinceMs }), 'ok'],
    ['untilMs NaN', (q) => ({ ...q, untilMs: NaN }), 'error', 'untilMs'],
    ['untilMs -Infinity', (q) => ({ ...q, untilMs: -Infinity }), 'error', 'untilMs'],
    ['maxPoints 0', (q) => ({ ...q, maxPoints: 0 }), 'error', 'maxPoints'],
    ['maxPoints 2.5', (q) => ({ ...q, maxPoints: 2.5 }), 'error', 'maxPoints'],
    ['maxPoints -5', (q) => ({ ...q, maxPoints: -5 }), 'error', 'maxPoints'],
    ['maxPoints as text', (q) => ({ ...q, maxPoints: '100' }), 'error', 'maxPoints'],
    ['maxPoints 1e300', (q) => ({ ...q, maxPoints: 1e300 }), 'error', 'maxPoints', /at most/],
    ['maxPoints 1', (q) => ({ ...q, maxPoints: 1 }), 'error', 'maxPoints', /at least 2/],
    ['maxPoints MAX_SAFE_INTEGER', (q) => ({ ...q, maxPoints: Number.MAX_SAFE_INTEGER }), 'ok'],
    ['series empty', (q) => ({ ...q, series: '' }), 'error', 'series'],
    ['series 301 chars', (q) => ({ ...q, series: 'x'.repeat(301) }), 'error', 'series'],
    ['series with a newline', (q) => ({ ...q, series: 'system.mem\nused' }), 'error', 'series'],
    ['series with NUL', (q) => ({ ...q, series: 'system.mem.used\u0000' }), 'error', 'series'],
    ['series with DEL', (q) => ({ ...q, series: '\u007f' }), 'error', 'series'],
    ['series a number', (q) => ({ ...q, series: 42 }), 'error', 'series'],
    ['series an array', (q) => ({ ...q, series: [q.series] }), 'error', 'series'],
    ['series an object', (q) => ({ ...q, series: { name: q.series } }), 'error', 'series'],
    ['series of megabytes', (q) => ({ ...q, series: HUGE_STRINGS[4] }), 'error', 'series'],
    ['an unknown key', (q) => ({ ...q, tier: 'raw' }), 'error', 'tier'],
    ['series missing', ({ series: _s, ...rest }) => rest, 'error', 'series'],
    ['sinceMs missing', ({ sinceMs: _s, ...rest }) => rest, 'error', 'sinceMs'],
    ['an own __proto__', (q) => ownObject([...Object.entries(q), ['__proto__', { maxPoints: 1e9 }]]), 'error', '__proto__'],
    ['a constructor key', (q) => ownObject([...Object.entries(q), ['constructor', { prototype: { polluted: 1 } }]]), 'error', 'constructor'],
    ['inherited keys', (q) => Object.create(q), 'error'],
    ['wrapped in an array', (q) => [q], 'error'],
    ['as JSON text', (q) => JSON.stringify(q), 'error'],
    ['a deep untilMs', (q) => ({ ...q, untilMs: DEEP_VALUES[0] }), 'error', 'untilMs'],
  ];
  return fc.oneof(
    { weight: 3, arbitrary: valid.map((arg) => ({ arg, expect: 'ok' as Expect, what: 'valid query' })) },
    {
      weight: 4,
      arbitrary: fc.tuple(valid, fc.constantFrom(...mutations)).map(([q, [what, mutate, expect, names, says]]) => ({ arg: mutate(q), expect, what, names, says })),
    },
    // A hostile tree can happen to be a valid query ({"series": " ", "sinceMs": 0}): any answer, but never internal.
    { weight: 3, arbitrary: hostileArb(['series', 'sinceMs', 'untilMs', 'maxPoints']).map((arg) => ({ arg, expect: 'any' as Expect, what: 'hostile' })) },
  );
}

const hexId = fc.stringMatching(/^[0-9a-f]{10}$/).map((h) => `fx-${h}`);

/**
 * Fix ids: well-formed but never issued, forged near misses of the real
 * sentinel proposal's id, and a real id in every malformed wrapper. For
 * fix:run a bare real id in a well-formed argument is never generated.
 */
function fixCases(channel: 'fix:preview' | 'fix:run'): fc.Arbitrary<Case> {
  const real = sentinelFix()?.id;
  assert.ok(real, 'the sentinel proposal is gone');
  const flip = (id: string, i: number) => {
    const pos = 3 + (i % 10);
    const c = id[pos];
    const other = c === '0' ? '1' : '0';
    return id.slice(0, pos) + other + id.slice(pos + 1);
  };
  type W = [string, (id: string) => unknown, string?];
  const wrappers: W[] = [
    ['upper-case id', (id) => ({ id: id.toUpperCase() }), 'id'],
    ['FX- prefix', (id) => ({ id: `FX-${id.slice(3)}` }), 'id'],
    ['9 digits', (id) => ({ id: id.slice(0, -1) }), 'id'],
    ['11 digits', (id) => ({ id: `${id}0` }), 'id'],
    ['trailing newline', (id) => ({ id: `${id}\n` }), 'id'],
    ['leading space', (id) => ({ id: ` ${id}` }), 'id'],
    ['trailing NUL', (id) => ({ id: `${id}\u0000` }), 'id'],
    ['Arabic-Indic digit', (id) => ({ id: `${id.slice(0, -1)}\u0660` }), 'id'],
    ['fullwidth hyphen', (id) => ({ id: id.replace('-', '\uff0d') }), 'id'],
    ['a bare id string', (id) => id],
    ['id in an array', (id) => ({ id: [id] }), 'id'],
    ['whole argument in an array', (id) => [{ id }]],
    ['an extra key', (id) => ({ id, force: true }), 'force'],
    ['an extra undefined key', (id) => ({ id, dryRun: undefined }), 'dryRun'],
    ['ID upper-case key', (id) => ({ ID: id }), 'ID'],
    ['an own __proto__ carrying the id', (id) => ownObject([['__proto__', { id }]]), '__proto__'],
    ['id beside an own __proto__', (id) => ownObject([['id', id], ['__proto__', { polluted: 1 }]]), '__proto__'],
    ['constructor beside the id', (id) => ({ id, constructor: { prototype: { polluted: 1 } } }), 'constructor'],
    ['an inherited id', (id) => Object.create({ id })],
    ['as JSON text', (id) => JSON.stringify({ id })],
    ['a Map', (id) => new Map([['id', id]])],
    ['id as a number', () => ({ id: 1234567890 })],
    ['id of megabytes', () => ({ id: HUGE_STRINGS[3] }), 'id'],
    ['deep id', () => ({ id: DEEP_VALUES[4] }), 'id'],
  ];
  const forged = fc.oneof(
    hexId,
    fc.integer({ min: 0, max: 1_000_000 }).map((i) => flip(real, i)),
  ).filter((id) => !liveIds().has(id));
  return fc.oneof(
    { weight: 3, arbitrary: forged.map((id) => ({ arg: { id }, expect: 'error' as Expect, what: 'unknown well-formed id' })) },
    { weight: 4, arbitrary: fc.constantFrom(...wrappers).map(([what, wrap, names]) => ({ arg: wrap(real), expect: 'error' as Expect, what, names })) },
    { weight: 3, arbitrary: hostileArb(['id']).map((arg) => ({ arg, expect: 'error' as Expect, what: 'hostile' })) },
    // A preview acts on nothing, so the live id itself is fuzzed there too.
    // (A null-prototype object is a well-formed request too: IPC could deliver one.)
    ...(channel === 'fix:preview'
      ? [
          { weight: 1, arbitrary: fc.constant<Case>({ arg: { id: real }, expect: 'any', what: 'the live id' }) },
          { weight: 1, arbitrary: fc.constant<Case>({ arg: Object.assign(Object.create(null), { id: real }), expect: 'any', what: 'the live id, null prototype' }) },
        ]
      : []),
  );
}

function reportCases(): fc.Arbitrary<Case> {
  const valid = fc.record({
    sinceMs: fc.oneof({ weight: 9, arbitrary: fc.integer({ min: Date.now() - 14 * 86_400_000, max: Date.now() - 1000 }) }, { weight: 1, arbitrary: fc.constant(0) }),
    format: fc.constantFrom('md', 'html'),
  });
  type M = [string, (r: Record<string, unknown>) => unknown, Expect, string?];
  const mutations: M[] = [
    ['format MD', (r) => ({ ...r, format: 'MD' }), 'error', 'format'],
    ['format pdf', (r) => ({ ...r, format: 'pdf' }), 'error', 'format'],
    ['format empty', (r) => ({ ...r, format: '' }), 'error', 'format'],
    ['format with a space', (r) => ({ ...r, format: 'md ' }), 'error', 'format'],
    ['format ../md', (r) => ({ ...r, format: '../md' }), 'error', 'format'],
    ['format an array', (r) => ({ ...r, format: ['md'] }), 'error', 'format'],
    ['format null', (r) => ({ ...r, format: null }), 'error', 'format'],
    ['sinceMs negative', (r) => ({ ...r, sinceMs: -1 }), 'error', 'sinceMs'],
    ['sinceMs NaN', (r) => ({ ...r, sinceMs: NaN }), 'error', 'sinceMs'],
    ['sinceMs as text', (r) => ({ ...r, sinceMs: String(r.sinceMs) }), 'error', 'sinceMs'],
    ['sinceMs in the future', (r) => ({ ...r, sinceMs: Date.now() + 86_400_000 }), 'error', 'sinceMs'],
    ['sinceMs at the bound', (r) => ({ ...r, sinceMs: MAX_EPOCH }), 'error', 'sinceMs'],
    ['format missing', ({ format: _f, ...rest }) => rest, 'error', 'format'],
    ['sinceMs missing', ({ sinceMs: _s, ...rest }) => rest, 'error', 'sinceMs'],
    ['an unknown key', (r) => ({ ...r, path: '/etc/passwd' }), 'error', 'path'],
    ['an own __proto__', (r) => ownObject([...Object.entries(r), ['__proto__', { format: 'html' }]]), 'error', '__proto__'],
  ];
  return fc.oneof(
    // Valid reports are the costly cases (10-20 ms: each analyses the history so far), so about one in twenty.
    { weight: 1, arbitrary: valid.map((arg) => ({ arg, expect: 'ok' as Expect, what: 'valid report request' })) },
    {
      weight: 12,
      arbitrary: fc.tuple(valid, fc.constantFrom(...mutations)).map(([r, [what, mutate, expect, names]]) => ({ arg: mutate(r), expect, what, names })),
    },
    { weight: 7, arbitrary: hostileArb(['sinceMs', 'format']).map((arg) => ({ arg, expect: 'any' as Expect, what: 'hostile' })) },
  );
}

// ── settings patches ───────────────────────────────────────────────────────

const ruleName = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).map((s) => `fz-${tag}-${s}`);
const num = (min: number, max: number) => fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
const int = (min: number, max: number) => fc.integer({ min, max });
const safeKey = fc.string({ minLength: 1, maxLength: 60 }).filter((k) => !['__proto__', 'constructor', 'prototype'].includes(k));

/**
 * Valid values for every setting. Intervals stay at or above their defaults and
 * group rules name only this run's processes, so a valid patch cannot make the
 * engine hammer the machine or plan fixes for anything but the sentinels.
 */
const VALID: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  intervals: {
    systemMs: int(2000, 600000),
    processesMs: int(5000, 600000),
    fdsMs: int(30000, 3600000),
    dockerStatsMs: int(15000, 3600000),
    dockerDiskMs: int(600000, 86400000),
    pressureFactor: num(0.1, 1),
  },
  alerts: {
    memWarnPercent: num(1, 100),
    memCritPercent: num(1, 100),
    clearMarginPercent: num(0, 50),
    sustainSeconds: num(0, 86400),
    cooldownSeconds: num(0, 86400),
    swapInPagesPerSec: num(0, 1e9),
    psiSomeAvg60Percent: num(0, 100),
    containerLimitPercent: num(1, 100),
    unboundedContainerBytes: num(0, 1e15),
    restartLoopCount: int(1, 1000),
    restartLoopWindowSeconds: num(10, 86400),
    zombieSeconds: num(0, 86400),
    orphanAlerts: fc.boolean(),
    defaultMaxInstances: int(1, 10000),
    maxInstances: fc.dictionary(safeKey, int(1, 10000), { maxKeys: 5 }).map((d) => ({ ...d, [SENTINEL]: 1 })),
    leakHorizonSeconds: num(60, 30 * 86400),
    pausedUntil: num(0, 1e15),
    snoozed: fc.dictionary(safeKey, num(0, 1e15), { maxKeys: 5 }),
  },
  detector: {
    minSpanSeconds: num(10, 86400),
    slowSpanSeconds: num(60, 7 * 86400),
    maxWindowSeconds: num(60, 30 * 86400),
    minSamples: int(5, 100000),
  },
  groups: {
    rules: fc
      .array(
        fc.record(
          {
            name: ruleName,
            kind: fc.constantFrom('agent', 'mcp', 'editor', 'browser', 'runtime', 'container', 'system', 'other'),
            exe: fc.array(ruleName, { minLength: 1, maxLength: 3 }),
            cmdline: ruleName,
            absorbChildren: fc.boolean(),
          },
          { requiredKeys: ['name', 'kind', 'exe'] },
        ),
        { maxLength: 4 },
      )
      .map((rules) => [{ name: SENTINEL, kind: 'agent', exe: [SENTINEL] }, ...rules]),
    topN: int(1, 200),
  },
  remedies: {
    protectedNames: fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }).filter((s) => s.length >= 1 && s.length <= 200), { maxLength: 8 }),
    keepInstances: int(0, 10000),
    keepPolicy: fc.constantFrom('newest', 'active', 'tty'),
    graceSeconds: num(0, 600),
    proposalTtlSeconds: num(5, 86400),
  },
  history: { rawHours: num(1, 24 * 31), minuteDays: num(1, 365), quarterDays: num(1, 3650) },
  docker: { enabled: fc.boolean(), host: fc.string({ maxLength: 100 }), statsConcurrency: int(1, 64) },
};

const validPatch: fc.Arbitrary<Record<string, Record<string, unknown>>> = fc
  .subarray(Object.keys(VALID), { maxLength: 3 })
  .chain((sections) =>
    fc.tuple(...sections.map((s) => fc.record(VALID[s], { requiredKeys: [] }).map((v) => [s, v] as const))).map((entries) => Object.fromEntries(entries)),
  );

/** The one cross-field rule of the settings, for telling a valid-looking patch from a valid one. */
function patchAllowed(patch: Record<string, Record<string, unknown>>): boolean {
  const alerts = { ...h.settings.get().alerts, ...(patch.alerts ?? {}) };
  return alerts.memCritPercent >= alerts.memWarnPercent;
}

/** One field of a valid patch made invalid; the message must name that field. */
const fieldMutation: fc.Arbitrary<{ section: string; key: string; value: unknown }> = fc
  .constantFrom(...SETTING_PATHS)
  // Numbers JSON cannot carry are fair game here: IPC delivers them.
  .chain(([section, key]) => fc.constantFrom(...badValuesOf(section, key), ...(nodeOf(section, key).type?.match(/number|integer/) ? [NaN, Infinity, -Infinity] : [])).map((value) => ({ section, key, value })));

function settingsCases(): fc.Arbitrary<Case> {
  type S = [string, unknown, string?];
  const structural: S[] = [
    ['an unknown section', { nope: { a: 1 } }, 'nope'],
    ['an unknown key', { alerts: { nope: 1 } }, 'nope'],
    ['an inherited name as a section', { toString: { a: 1 } }, 'toString'],
    ['an inherited name as a key', { alerts: { hasOwnProperty: 1 } }, 'hasOwnProperty'],
    ['valueOf as a section', { valueOf: 5 }, 'valueOf'],
    ['a section as an array', { alerts: [70, 85] }, 'alerts'],
    ['a section as a number', { intervals: 5 }, 'intervals'],
    ['a section as null', { remedies: null }, 'remedies'],
    ['a section as text', { history: 'rawHours=1' }, 'history'],
    ['version 2 (a newer Headroom)', { version: 2 }, 'version'],
    ['version 0', { version: 0 }, 'version'],
    ['version as text', { version: '1' }, 'version'],
    ['version 1.5', { version: 1.5 }, 'version'],
    ['memCrit below memWarn', { alerts: { memWarnPercent: 90, memCritPercent: 80 } }, 'memCritPercent'],
    ['dotted key', { 'alerts.memWarnPercent': 50 }, 'alerts.memWarnPercent'],
    ['a top-level array', [{ alerts: { memWarnPercent: 50 } }]],
    ['as JSON text', '{"alerts":{"memWarnPercent":50}}'],
  ];
  return fc.oneof(
    {
      weight: 3,
      arbitrary: validPatch.map((p) => ({ arg: p, expect: 'any' as Expect, decide: () => (patchAllowed(p) ? 'ok' : 'error') as Expect, what: 'valid patch' })),
    },
    { weight: 1, arbitrary: fc.constant<Case>({ arg: { version: 1 }, expect: 'ok', what: 'version unchanged' }) },
    {
      weight: 1,
      arbitrary: validPatch.map((p) => ({
        arg: Object.assign(Object.create(null), p),
        expect: 'any' as Expect,
        decide: () => (patchAllowed(p) ? 'ok' : 'error') as Expect,
        what: 'a valid patch with a null prototype',
      })),
    },
    {
      weight: 4,
      arbitrary: fc.tuple(validPatch, fieldMutation).map(([p, { section, key, value }]) => ({
        arg: { ...p, [section]: { ...(p[section] ?? {}), [key]: value } },
        expect: 'error' as Expect,
        what: `invalid ${section}.${key}`,
        names: key,
      })),
    },
    { weight: 2, arbitrary: fc.constantFrom(...structural).map(([what, arg, names]) => ({ arg, expect: 'error' as Expect, what, names })) },
    { weight: 2, arbitrary: fc.constantFrom(...POLLUTERS).map((arg) => ({ arg, expect: 'error' as Expect, what: 'pollution attempt' })) },
    { weight: 3, arbitrary: hostileArb([...Object.keys(SECTIONS), 'memWarnPercent', 'rules', 'maxInstances']).map((arg) => ({ arg, expect: 'any' as Expect, what: 'hostile' })) },
  );
}

function casesFor(channel: InvokeChannel): fc.Arbitrary<Case> {
  switch (channel) {
    case 'history:query':
      return queryCases();
    case 'fix:preview':
    case 'fix:run':
      return fixCases(channel);
    case 'settings:set':
      return settingsCases();
    case 'report:export':
      return reportCases();
    case 'history:export':
    case 'audit:list':
    case 'group:processes':
    case 'container:logs':
      return objectArgCases(['series', 'sinceMs', 'limit', 'group', 'name', 'id', 'lines']);
    case 'machine:invoke':
      return machineCallCases();
    default:
      return noArgCases();
  }
}

// ── the properties ─────────────────────────────────────────────────────────

describe('every API handler under fuzzing', () => {
  // settings:set last: a valid patch may change what the others see (e.g. the proposal TTL).
  const order = [...INVOKE_CHANNELS].sort((a, b) => Number(a === 'settings:set') - Number(b === 'settings:set'));

  for (const channel of order) {
    test(`${channel}: ≥${FUZZ_RUNS} generated arguments get a typed answer, never internal, never a throw`, async () => {
      let valid = 0;
      await fuzz('fuzz', `API ${channel}`, casesFor(channel), async (c) => {
        if (channel === 'fix:run') {
          // Never send a well-formed request for a live fix: the generators must not, and this makes sure.
          const a = c.arg as Record<string, unknown> | null;
          const argProto = typeof a === 'object' && a !== null ? Object.getPrototypeOf(a) : undefined;
          const bare = (argProto === Object.prototype || argProto === null) && Object.keys(a as object).length === 1;
          if (bare && typeof a?.id === 'string' && liveIds().has(a.id)) throw new Error('generator bug: a live fix id');
        }
        await runCase(channel, c);
        if (c.expect === 'ok') valid++;
      });
      // The object-argument channels are fuzzed for typed answers only (their valid arguments name live groups,
      // containers or series; their own tests cover those).
      const typedOnly = channel === 'history:export' || channel === 'audit:list' || channel === 'group:processes' || channel === 'container:logs' || channel === 'machine:invoke';
      if (channel !== 'fix:run' && !typedOnly) assert.ok(valid > 0 || channel.startsWith('fix:'), `${channel}: no valid case ran`);
    });
  }

  test('fix:run under fuzzing stopped none of the processes its real proposal targets', () => {
    for (const s of sentinels) {
      assert.ok(isAlive(s.pid) && startTimeOf(s.pid) === s.startTime, `sentinel ${s.pid} was touched`);
    }
    assert.equal(h.remedies.auditLog(10).length, 0, 'a fix ran');
  });
});

// ── the web mode's framing ────────────────────────────────────────────────

describe('the WebSocket framing under fuzzing', () => {
  let server: WebServer;
  let rendererDir: string;
  let ws: WebSocket;
  let replies: string[] = [];
  let waiter: (() => void) | null = null;
  let lastFrame = '';
  let closedBy = '';

  const open = async (): Promise<WebSocket> => {
    const sock = new WebSocket(`${server.url.replace(/^http/, 'ws')}ws`, { headers: { Origin: server.url.replace(/\/[^/]*\/$/, '') } });
    await new Promise<void>((resolve, reject) => {
      sock.once('open', () => resolve());
      sock.once('error', reject);
    });
    return sock;
  };

  before(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'headroom-fuzz-renderer-'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>fuzz</title>');
    server = await startWebServer({ api, pushes: null, rendererDir });
    ws = await open();
    ws.on('close', (code, reason) => {
      closedBy = `closed with ${code} ${reason.toString()} after frame: ${lastFrame.slice(0, 300)}`;
    });
    ws.on('message', (data, isBinary) => {
      replies.push(isBinary ? '<binary reply>' : data.toString());
      waiter?.();
    });
  });
  after(async () => {
    ws?.terminate();
    await server?.close();
    if (rendererDir) rmSync(rendererDir, { recursive: true, force: true });
  });

  /** The next reply, or a failure if none comes: every frame must be answered exactly once. */
  const nextReply = (): Promise<string> =>
    new Promise((resolve, reject) => {
      const take = () => {
        if (replies.length === 0) return false;
        clearTimeout(timer);
        waiter = null;
        resolve(replies.shift() as string);
        return true;
      };
      const timer = setTimeout(() => {
        waiter = null;
        reject(new Error('no reply within 10 s'));
      }, 10_000);
      if (!take()) waiter = () => void take();
    });

  interface Frame {
    data: string | Uint8Array;
    binary: boolean;
    what: string;
  }

  /** The id the reply must carry, by the wire contract: a JSON object with a safe-integer id, else null. */
  function expectedId(f: Frame): number | null {
    if (f.binary) return null;
    try {
      const m = JSON.parse(f.data as string) as unknown;
      // (+ 0: an id of -0 goes back as 0, JSON has no negative zero.)
      if (typeof m === 'object' && m !== null && !Array.isArray(m) && Number.isSafeInteger((m as { id?: unknown }).id)) return (m as { id: number }).id + 0;
    } catch {
      /* not JSON */
    }
    return null;
  }

  function frames(): fc.Arbitrary<Frame> {
    const real = new Set([...liveIds()]);
    const channel = fc.oneof(fc.constantFrom<unknown>(...INVOKE_CHANNELS), fc.string({ maxLength: 30 }), fc.constantFrom<unknown>(null, 5, ['settings:get'], '__proto__', 'constructor', 'toString'));
    const id = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: -1e9, max: 1e9 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>(...ODD_NUMBERS.filter(Number.isFinite), '7', null, [], {}, 2 ** 53, -(2 ** 53)) },
    );
    // Arguments from the channels' own generators, as the wire carries them (JSON: NaN → null, undefined dropped).
    const arg = fc.oneof(
      ...INVOKE_CHANNELS.filter((c) => c !== 'fix:run').map((c) => casesFor(c).map((k) => k.arg)),
      fixCases('fix:run').map((k) => k.arg),
    );
    const envelope = fc.record({ id, channel, arg }, { requiredKeys: [] }).map((e) => {
      try {
        return JSON.stringify(e) ?? 'null';
      } catch {
        return '{"id":1,"channel":"settings:get","arg":"unserializable"}';
      }
    });
    const text = (arb: fc.Arbitrary<string>, what: string) => arb.map((data): Frame => ({ data, binary: false, what }));
    return fc
      .oneof(
        { weight: 6, arbitrary: text(envelope, 'envelope') },
        { weight: 1, arbitrary: text(envelope.chain((s) => fc.nat({ max: s.length }).map((n) => s.slice(0, n))), 'truncated envelope') },
        { weight: 1, arbitrary: text(fc.string({ unit: 'grapheme', maxLength: 200 }), 'text') },
        { weight: 1, arbitrary: text(fc.string({ unit: 'binary', maxLength: 200 }), 'binary-ish text') },
        { weight: 1, arbitrary: text(fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), 'JSON, not an envelope') },
        {
          weight: 1,
          arbitrary: text(
            fc.constantFrom(
              '{"id":1,"__proto__":{"channel":"settings:get"}}',
              '{"__proto__":{"id":5},"channel":"settings:get"}',
              '{"id":9,"channel":"settings:set","arg":{"__proto__":{"polluted":"yes"}}}',
              '{"id":9,"channel":"settings:set","arg":{"alerts":{"__proto__":{"polluted":"yes"}}}}',
              '{"id":3,"constructor":{"prototype":{"polluted":"yes"}},"channel":"alerts:list"}',
              '\uFEFF{"id":4,"channel":"settings:get"}',
              ' {"id":4,"channel":"settings:get"} ',
              '{"id":4,"channel":"settings:get"}{"id":5}',
              `{"id":6,"channel":"settings:get","arg":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
              `{"id":6,"channel":"history:query","arg":{"series":"${'x'.repeat(200_000)}","sinceMs":0}}`,
              '{"id":1e400,"channel":"settings:get"}',
              '{"id":-0,"channel":"settings:get"}',
              '',
              'null',
            ),
            'crafted',
          ),
        },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((data): Frame => ({ data, binary: true, what: 'binary frame' })) },
        { weight: 1, arbitrary: envelope.map((s): Frame => ({ data: Buffer.from(s), binary: true, what: 'an envelope in a binary frame' })) },
      )
      // Frames over the server's 256 KB limit close the connection by design (tested below), so they stay under it here.
      .filter((f) => (typeof f.data === 'string' ? Buffer.byteLength(f.data) : f.data.length) <= 200 * 1024)
      .filter((f) => f.binary || ![...real].some((rid) => (f.data as string).includes(rid) && (f.data as string).includes('fix:run')));
  }

  test(`≥${FUZZ_RUNS} generated frames each get exactly one typed answer and the connection stays up`, async () => {
    await fuzz('fuzz', 'WebSocket frames', frames(), async (f) => {
      assert.equal(ws.readyState, WebSocket.OPEN, `the connection closed after an earlier frame: ${closedBy}`);
      lastFrame = `${f.what}: ${f.binary ? '<binary>' : String(f.data)}`;
      ws.send(f.data, { binary: f.binary });
      const text = await nextReply();
      const reply = JSON.parse(text) as { id: unknown; ok: unknown; error?: { code: string; message: string } };
      assert.equal(reply.id, expectedId(f), `${f.what}: reply id for ${String(f.data).slice(0, 120)}`);
      assert.equal(typeof reply.ok, 'boolean');
      if (reply.ok === false) {
        assert.ok(reply.error && CODES.has(reply.error.code), text.slice(0, 200));
        assert.notEqual(reply.error.code, 'internal', `${f.what}: ${text.slice(0, 300)}`);
        assert.ok(reply.error.message.length <= MAX_MESSAGE);
      }
      if (f.binary) assert.equal(reply.error?.code, 'bad-request');
      assert.equal(ws.readyState, WebSocket.OPEN, `${f.what} closed the connection`);
      assertUnpolluted(proto);
    });
    assert.equal(replies.length, 0, 'more replies than frames');
  });

  test('an oversized frame or invalid UTF-8 closes only that connection; the server answers the next one', async () => {
    for (const [what, send, code] of [
      ['a frame over the 256 KB limit', (s: WebSocket) => s.send(JSON.stringify({ id: 1, channel: 'settings:get', arg: 'x'.repeat(300 * 1024) })), 1009],
      ['a text frame of invalid UTF-8', (s: WebSocket) => s.send(Buffer.from([0x7b, 0xff, 0xfe, 0xc0, 0x80, 0x7d]), { binary: false }), 1007],
    ] as const) {
      const sock = await open();
      const closed = new Promise<number>((resolve) => sock.once('close', (c) => resolve(c)));
      sock.on('error', () => {});
      send(sock);
      assert.equal(await closed, code, what);
      const next = await open();
      const answer = new Promise<string>((resolve) => next.once('message', (d) => resolve(d.toString())));
      next.send(JSON.stringify({ id: 77, channel: 'settings:get' }));
      const r = JSON.parse(await answer) as { id: number; ok: boolean };
      assert.deepEqual([r.id, r.ok], [77, true], `after ${what}`);
      next.close();
    }
  });

  test('a burst of frames without waiting: one answer each, refusals typed', async () => {
    const sock = await open();
    const got: { id: number | null; ok: boolean; error?: { code: string } }[] = [];
    const all = new Promise<void>((resolve) =>
      sock.on('message', (d) => {
        got.push(JSON.parse(d.toString()));
        if (got.length === 400) resolve();
      }),
    );
    for (let i = 0; i < 400; i++) {
      const channel = INVOKE_CHANNELS[i % INVOKE_CHANNELS.length];
      sock.send(JSON.stringify({ id: i, channel, arg: channel === 'history:query' ? { series: 'system.mem.used', sinceMs: 0 } : channel === 'fix:run' ? { id: 'fx-0000000000' } : null }));
    }
    await all;
    assert.deepEqual(got.map((r) => r.id).sort((a, b) => (a as number) - (b as number)), Array.from({ length: 400 }, (_, i) => i));
    for (const r of got) if (!r.ok) assert.notEqual(r.error?.code, 'internal');
    sock.close();
  });
});

test('nothing crashed: no uncaught exception or unhandled rejection during the fuzzing', () => {
  assert.deepEqual(crashes, []);
});
