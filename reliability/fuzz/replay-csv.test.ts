/**
 * Issue #9, part 2: replay trace CSVs (`headroom replay FILE.csv`), fuzzed.
 * Generated traces — several series interleaved, blank lines, CRLF or LF per
 * line, a byte-order mark, odd but valid number spellings, Unicode series
 * names, files past the reader's 256 KB chunks — each either left valid or
 * broken in exactly one place: a bad header, a wrong field count, NaN,
 * Infinity, negative or empty fields, a time going backwards, a line over the
 * 64 KB limit, binary garbage, UTF-16, CR-only line ends.
 *
 * Properties: a broken trace gives one TraceError naming exactly the broken
 * line (and, through the CLI function, exit 2 with that one line on stderr);
 * a valid trace replays, with one finite slope per series; nothing else is
 * ever thrown. Most cases run in-process against parseTraceLine, replayFile
 * and replayCommand; a handful run through the real `headroom replay`.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { parseTraceLine, replayCommand, replayFile, TraceError } from '../../src/cli/replay.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';
import { runCli } from '../../tests/helpers/cli.ts';
import { sized } from '../support/profile.ts';
import { fuzz, recordWallTime } from './fuzz-support.ts';

const started = performance.now();
const HEADER = 't,series,value,limit';
const MAX_LINE = 64 * 1024;

let root: string;
let file: string;
let savedHome: string | undefined;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'headroom-fuzz-replay-'));
  file = join(root, 'trace.csv');
  // replayCommand reads the user's detector settings from the data directory: this run's own, empty one.
  savedHome = process.env.HEADROOM_HOME;
  process.env.HEADROOM_HOME = join(root, 'home');
});
after(() => {
  if (savedHome === undefined) delete process.env.HEADROOM_HOME;
  else process.env.HEADROOM_HOME = savedHome;
  if (root) rmSync(root, { recursive: true, force: true });
  recordWallTime('fuzz', 'replay CSVs', started);
});

// ── generated traces ───────────────────────────────────────────────────────

interface Trace {
  bytes: Buffer;
  /** The 1-based line a broken trace must be refused at; null when the trace is valid. */
  badLine: number | null;
  /** Series (trimmed names) a valid trace has rows for. */
  series: Set<string>;
  what: string;
}

const nameOk = (s: string) => s.trim() !== '' && !/[,\n\r]/.test(s) && s.length <= 200;
const seriesName = fc.oneof(
  fc.constantFrom('system.mem.used', 'process.group.claude.rss', 'container.db.mem', 'ünïcødé 系列', ' padded ', '"quoted"', 'semi;colon', 'tab\there', 'emoji 🧠', '\u0000nul'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter(nameOk),
);

/** Spellings Number() reads as the same finite value. */
function spell(x: number, how: number): string {
  switch (how % 6) {
    case 0:
      return String(x);
    case 1:
      return x.toExponential();
    case 2:
      return ` ${x} `;
    case 3:
      return `+${x}`;
    case 4:
      return Number.isInteger(x) && x < 1e21 ? `${x}.000` : String(x);
    default:
      return String(x);
  }
}

interface Row {
  t: number;
  series: string;
  value: number;
  limit: number | null;
  spelling: number;
}

/** One series: non-decreasing times, non-negative values (flat, growing or noisy), an optional limit. */
const seriesRows = (name: string) =>
  fc
    .record({
      start: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(0), fc.double({ min: 0, max: 1e9, noNaN: true })),
      // Mostly short steps and short series: the detector evaluates a series each time one of its 30 s
      // buckets closes, which is what costs time here, and these cases are about the file, not the maths.
      steps: fc.array(
        fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 20 }) }, { weight: 1, arbitrary: fc.double({ min: 0, max: 3600, noNaN: true }) }),
        { maxLength: 40 },
      ),
      base: fc.oneof(fc.integer({ min: 0, max: 2 ** 34 }), fc.double({ min: 0, max: 1e15, noNaN: true }), fc.constant(0)),
      slope: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e7, noNaN: true })),
      noise: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
      limit: fc.option(fc.oneof(fc.integer({ min: 1, max: 2 ** 36 }), fc.double({ min: 1e-3, max: 1e300, noNaN: true })), { nil: null }),
      spelling: fc.nat(),
    })
    .map(({ start, steps, base, slope, noise, limit, spelling }) => {
      const rows: Row[] = [];
      let t = start;
      for (let i = 0; i < steps.length; i++) {
        t += steps[i];
        rows.push({ t, series: name, value: base + slope * (t - start) + noise[i % noise.length] * 1e6, limit, spelling: spelling + i });
      }
      return rows;
    });

interface Layout {
  lines: string[];
  series: Set<string>;
  /** The last time of each series after each data line, to break monotonicity on purpose. */
  lastT: Map<string, number>[];
  /** Physical index in `lines` of each data line. */
  at: number[];
}

/** Interleaves the series, adds blank lines, and keeps where every data line landed. */
const layout: fc.Arbitrary<Layout> = fc
  .uniqueArray(seriesName, { minLength: 1, maxLength: 4, selector: (s) => s.trim() })
  .chain((names) => fc.tuple(fc.tuple(...names.map(seriesRows)), fc.array(fc.nat(), { maxLength: 200 }), fc.array(fc.constantFrom('', '   ', '\t'), { maxLength: 3 })))
  .map(([perSeries, picks, blanks]) => {
    const queues = perSeries.map((rows) => [...rows]);
    const lines = [HEADER];
    const series = new Set<string>();
    const lastT: Map<string, number>[] = [];
    const at: number[] = [];
    const last = new Map<string, number>();
    let p = 0;
    while (queues.some((q) => q.length > 0)) {
      const live = queues.filter((q) => q.length > 0);
      const q = live[(picks[p] ?? p) % live.length];
      const r = q.shift() as Row;
      if (blanks.length > 0 && (picks[p] ?? 0) % 17 === 0) lines.push(blanks[p % blanks.length]);
      p++;
      const name = r.series.trim();
      series.add(name);
      last.set(name, r.t);
      lines.push(`${spell(r.t, r.spelling)},${r.series},${spell(r.value, r.spelling >> 3)},${r.limit === null ? (r.spelling % 5 === 0 ? ' ' : '') : spell(r.limit, r.spelling >> 5)}`);
      at.push(lines.length - 1);
      lastT.push(new Map(last));
    }
    return { lines, series, lastT, at };
  });

type Breaker = (l: Layout, k: number, x: number) => { line: string; replace?: boolean } | null;

/** One way to break a data line; returns the bad line, inserted at data position k (or null if it does not apply). */
const BREAKERS: [string, Breaker][] = [
  ['too few fields', () => ({ line: '1,s,2' })],
  ['too many fields', () => ({ line: '1,s,2,3,4' })],
  ['a quoted comma', () => ({ line: '1,"a,b",2,' })],
  ['t NaN', () => ({ line: 'NaN,s,1,' })],
  ['t nan', () => ({ line: 'nan,s,1,' })],
  ['t empty', () => ({ line: ',s,1,' })],
  ['t blank', () => ({ line: '  ,s,1,' })],
  ['t negative', () => ({ line: '-1,s,1,' })],
  ['t -Infinity', () => ({ line: '-Infinity,s,1,' })],
  ['t overflows to Infinity', () => ({ line: '1e400,s,1,' })],
  ['t Infinity', () => ({ line: 'Infinity,s,1,' })],
  ['t a word', () => ({ line: 'ten,s,1,' })],
  ['t with a unit', () => ({ line: '10s,s,1,' })],
  ['t with a thousands comma', () => ({ line: '1,000,s,1,' })],
  ['series empty', () => ({ line: '1,,1,' })],
  ['series blank', () => ({ line: '1,   ,1,' })],
  ['value NaN', () => ({ line: '1,s,NaN,' })],
  ['value empty', () => ({ line: '1,s,,' })],
  ['value negative', () => ({ line: '1,s,-5,' })],
  ['value Infinity', () => ({ line: '1,s,Infinity,' })],
  ['value 1e999', () => ({ line: '1,s,1e999,' })],
  ['value hex garbage', () => ({ line: '1,s,0xZZ,' })],
  ['limit zero', () => ({ line: '1,s,5,0' })],
  ['limit negative', () => ({ line: '1,s,5,-1' })],
  ['limit NaN', () => ({ line: '1,s,5,NaN' })],
  ['limit Infinity', () => ({ line: '1,s,5,Infinity' })],
  ['limit a word', () => ({ line: '1,s,5,none' })],
  ['a NUL line', () => ({ line: '\u0000\u0000\u0000' })],
  ['binary garbage', (_l, _k, x) => ({ line: `\u0001${Buffer.from(Array.from({ length: 40 }, (_, i) => (x * 31 + i * 7) % 256).filter((b) => b !== 10)).toString('latin1')}` })],
  ['a line over 64 KB', (_l, _k, x) => ({ line: 'x'.repeat(MAX_LINE + 1 + (x % 5000)) })],
  ['a valid-looking line over 64 KB', (_l, _k, x) => ({ line: `1,${'s'.repeat(MAX_LINE + (x % 100))},5,` })],
  ['a blank line over 64 KB', () => ({ line: ' '.repeat(MAX_LINE + 10) })],
  [
    'time going backwards',
    (l, k, x) => {
      const state = k > 0 ? l.lastT[k - 1] : undefined;
      const candidates = state ? [...state].filter(([, t]) => t > 0) : [];
      if (candidates.length === 0) return null;
      const [name, t] = candidates[x % candidates.length];
      // Scaling a subnormal time can round back to the same value, which is not going backwards: 0 always is.
      const earlier = t * ((x % 997) / 1000);
      return { line: `${earlier < t ? earlier : 0},${name},1,` };
    },
  ],
];

/** Physical line number (1-based) that a bad data line inserted before data position k gets. */
function physicalLine(l: Layout, k: number): number {
  return k < l.at.length ? l.at[k] + 1 : l.lines.length + 1;
}

function assemble(lines: string[], eols: number[], bom: boolean, trailing: boolean): Buffer {
  let text = '';
  for (let i = 0; i < lines.length; i++) {
    const eol = eols[i % eols.length] % 2 === 0 ? '\n' : '\r\n';
    text += lines[i] + (i < lines.length - 1 || trailing ? eol : '');
  }
  return Buffer.from(bom ? `\uFEFF${text}` : text, 'utf8');
}

const framing = fc.record({ eols: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), bom: fc.boolean(), trailing: fc.boolean() });

const validTrace: fc.Arbitrary<Trace> = fc.tuple(layout, framing).map(([l, f]) => ({
  bytes: assemble(l.lines, f.eols, f.bom, f.trailing),
  badLine: null,
  series: l.series,
  what: 'valid',
}));

const brokenTrace: fc.Arbitrary<Trace> = fc
  .tuple(layout, framing, fc.constantFrom(...BREAKERS), fc.nat(), fc.nat())
  .map(([l, f, [what, breaker], kSeed, x]) => {
    const k = kSeed % (l.at.length + 1);
    const bad = breaker(l, k, x) ?? { line: 'NaN,s,1,' };
    const lineNo = physicalLine(l, k);
    const lines = [...l.lines];
    lines.splice(lineNo - 1, 0, bad.line);
    return { bytes: assemble(lines, f.eols, f.bom, f.trailing), badLine: lineNo, series: l.series, what };
  });

const BAD_HEADERS = ['time,series,value,limit', 't,series,value', 't;series;value;limit', 'T,Series,Value,Limit', '', '"t","series","value","limit"', 't,series,value,limit,extra', 't, series, value, limit', '\u200Bt,series,value,limit', '1,s,5,'];

const badHeaderTrace: fc.Arbitrary<Trace> = fc.tuple(layout, framing, fc.constantFrom(...BAD_HEADERS)).map(([l, f, header]) => ({
  bytes: assemble([header, ...l.lines.slice(1)], f.eols, f.bom, f.trailing),
  badLine: 1,
  series: new Set(),
  what: `header ${JSON.stringify(header)}`,
}));

/** Whole files that are not a trace at all: each must be refused at line 1. */
const notATrace: fc.Arbitrary<Trace> = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.constant(Buffer.from([0xef, 0xbb, 0xbf])),
  fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((b) => Buffer.concat([Buffer.from([1]), Buffer.from(b)])),
  layout.map((l) => Buffer.from(l.lines.join('\n'), 'utf16le')),
  // CR-only line ends (classic Mac): the whole file is one line, which is not the header.
  layout.map((l) => Buffer.from([...l.lines, '0,s,1,'].join('\r'), 'utf8')),
).map((bytes) => ({ bytes, badLine: 1, series: new Set<string>(), what: 'not a trace' }));

const traces: fc.Arbitrary<Trace> = fc.oneof(
  { weight: 4, arbitrary: validTrace },
  { weight: 6, arbitrary: brokenTrace },
  { weight: 1, arbitrary: badHeaderTrace },
  { weight: 1, arbitrary: notATrace },
);

const describeTrace = (c: Trace) => `${c.what} (${c.bytes.length} bytes: ${JSON.stringify(c.bytes.subarray(0, 200).toString('utf8'))})`;

// ── the properties ─────────────────────────────────────────────────────────

describe('replay CSVs under fuzzing', () => {
  test('parseTraceLine: any line gives a sample or a TraceError naming it, nothing else', async () => {
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.tuple(fc.oneof(fc.double().map(String), fc.string({ maxLength: 6 })), seriesName, fc.oneof(fc.double().map(String), fc.string({ maxLength: 6 })), fc.oneof(fc.constant(''), fc.double().map(String))).map((f) => f.join(',')),
    );
    await fuzz('fuzz', 'replay CSV lines (parseTraceLine)', fc.tuple(line, fc.integer({ min: 1, max: 1e9 })), ([text, n]) => {
      let s: ReturnType<typeof parseTraceLine>;
      try {
        s = parseTraceLine(text, n);
      } catch (err) {
        assert.ok(err instanceof TraceError, `not a TraceError for ${JSON.stringify(text)}: ${String(err)}`);
        assert.ok(err.message.startsWith(`line ${n}: `), err.message);
        assert.ok(err.message.length < 300, 'the error echoes too much of the line');
        return;
      }
      assert.ok(Number.isFinite(s.t) && s.t >= 0, `t ${s.t}`);
      assert.ok(Number.isFinite(s.value) && s.value >= 0, `value ${s.value}`);
      assert.ok(s.limit === null || (Number.isFinite(s.limit) && s.limit > 0), `limit ${s.limit}`);
      assert.ok(s.series.length > 0 && s.series === s.series.trim());
    });
  });

  test('replayFile: a broken trace is refused at exactly its broken line; a valid one replays', async () => {
    await fuzz('fuzz', 'replay CSV files (replayFile)', traces, async (c) => {
      writeFileSync(file, c.bytes);
      let summaries: Awaited<ReturnType<typeof replayFile>>;
      try {
        summaries = await replayFile(file, DEFAULT_SETTINGS.detector, (e) => {
          assert.ok(e.event === 'leak.start' || e.event === 'leak.end');
          assert.ok(Number.isFinite(e.t));
        });
      } catch (err) {
        assert.ok(err instanceof TraceError, `${describeTrace(c)}: threw ${String(err)}`);
        assert.notEqual(c.badLine, null, `${describeTrace(c)}: a valid trace was refused: ${err.message}`);
        assert.ok(err.message.startsWith(`line ${c.badLine}: `), `${describeTrace(c)}: expected line ${c.badLine}, got: ${err.message}`);
        assert.ok(err.message.length < 300);
        return;
      }
      assert.equal(c.badLine, null, `${describeTrace(c)}: a trace broken at line ${c.badLine} was replayed`);
      assert.deepEqual(new Set(summaries.keys()), c.series);
      for (const [name, s] of summaries) assert.ok(Number.isFinite(s.slope), `${describeTrace(c)}: slope of ${name} is ${s.slope}`);
    });
  });

  test('replayCommand (the CLI function): exit 2 with one error line naming the line, or exit 0 with a finite summary per series', async () => {
    await fuzz(
      'fuzz',
      'replay CSV files (replayCommand, exit codes)',
      fc.tuple(traces, fc.boolean()),
      async ([c, json]) => {
        writeFileSync(file, c.bytes);
        const out: string[] = [];
        const err: string[] = [];
        const code = await replayCommand(json ? [file, '--json'] : [file], { out: (s) => out.push(s), err: (s) => err.push(s) });
        if (c.badLine !== null) {
          assert.equal(code, 2, `${describeTrace(c)}: exit ${code}`);
          assert.equal(err.length, 1, `${describeTrace(c)}: ${err.length} error lines`);
          assert.ok(err[0].includes(file) && err[0].includes(`line ${c.badLine}: `), `${describeTrace(c)}: ${err[0]}`);
          assert.ok(!err[0].includes('\n'), 'the error is one line');
          return;
        }
        assert.equal(code, 0, `${describeTrace(c)}: exit ${code}: ${err.join(' | ')}`);
        assert.deepEqual(err, []);
        if (json) {
          const summaries = out.map((l) => JSON.parse(l) as { event: string; series: string; slope_per_hour: unknown }).filter((e) => e.event === 'summary');
          assert.deepEqual(new Set(summaries.map((s) => s.series)), c.series);
          for (const s of summaries) assert.ok(typeof s.slope_per_hour === 'number' && Number.isFinite(s.slope_per_hour), `${describeTrace(c)}: ${JSON.stringify(s)}`);
        }
      },
      // Each call opens the settings store (conf, ~30 ms), so this share is smaller.
      { runs: sized(300, 2000) },
    );
  });

  test('long traces across the reader’s 256 KB chunks: Unicode split across chunks, a broken line deep in the file', async () => {
    const rows = (n: number, name: string) => Array.from({ length: n }, (_, i) => `${i * 5},${name},${1e8 + i * 1000},`);
    const name = `系列-${'é'.repeat(50)}`;
    const good = [HEADER, ...rows(20_000, name)];
    writeFileSync(file, `${good.join('\r\n')}\r\n`);
    const ok = await replayFile(file, DEFAULT_SETTINGS.detector, () => {});
    assert.deepEqual([...ok.keys()], [name]);
    assert.ok(Number.isFinite(ok.get(name)?.slope));

    const broken = [...good];
    broken.splice(15_001, 0, `${'z'.repeat(MAX_LINE + 3)}`);
    writeFileSync(file, broken.join('\n'));
    await assert.rejects(replayFile(file, DEFAULT_SETTINGS.detector, () => {}), (e: Error) => e instanceof TraceError && e.message.startsWith('line 15002: '));
  });

  test('through the real `headroom replay`: exit 2 and one stderr line naming the line; a valid trace exits 0', async () => {
    const home = join(root, 'cli-home');
    const cases: [string, string, number | null][] = [
      ['valid', `${HEADER}\n0,s,100,\n5,s,200,1000\n`, null],
      ['bad header', 'time,series,value,limit\n0,s,1,\n', 1],
      ['NaN value', `${HEADER}\n0,s,1,\n5,s,NaN,\n`, 3],
      ['time going backwards', `${HEADER}\r\n10,s,1,\r\n5,s,1,\r\n`, 3],
      ['a line over 64 KB', `${HEADER}\n0,s,1,\n${'x'.repeat(MAX_LINE + 1)}\n`, 3],
      ['binary garbage', `${HEADER}\n\u0001\u0000\u00ff\u0002garbage\n`, 2],
    ];
    for (const [what, text, badLine] of cases) {
      writeFileSync(file, text, 'utf8');
      const r = await runCli(['replay', file, '--json'], home);
      if (badLine === null) {
        assert.equal(r.status, 0, `${what}: ${r.stderr}`);
        assert.match(r.stdout, /"event":"summary"/);
      } else {
        assert.equal(r.status, 2, `${what}: exit ${r.status}, stderr ${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `${what}: ${r.stderr}`);
        assert.ok(lines[0].includes(`line ${badLine}: `), `${what}: ${lines[0]}`);
      }
    }
  });
});
