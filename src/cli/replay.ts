/**
 * `headroom replay FILE.csv [--json]`: runs exactly the live LeakDetector on a
 * recorded trace. Input and output are fixed interfaces:
 *
 *   in:  CSV `t,series,value,limit` (t seconds from start; bytes; limit may be empty)
 *   out: one JSON object per line — leak.start / leak.end as they happen, then
 *        {"event":"summary","series":S,"leak":bool,"slope_per_hour":B} per series.
 *
 * The file is streamed, so multi-gigabyte traces replay in bounded memory. A
 * malformed line stops the replay with one error line naming it, and exit 2.
 */

import { createReadStream } from 'node:fs';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { formatDuration, formatRate } from '../shared/format.ts';
import { LeakDetector, type LeakEvent } from '../main/engine/detect/leak-detector.ts';
import { SettingsStore } from '../main/engine/settings/store.ts';
import { defaultDataDir } from '../main/engine/paths.ts';
import { parseFlags } from './args.ts';
import { UsageError, type CliIo } from './io.ts';

const MAX_LINE = 64 * 1024;

export class TraceError extends Error {}

interface SeriesSummary {
  leak: boolean;
  lastStartSlope: number | null;
  lastT: number;
}

/** Parses one data line; throws TraceError naming the line. Pure. */
export function parseTraceLine(line: string, lineNo: number): { t: number; series: string; value: number; limit: number | null } {
  const f = line.split(',');
  if (f.length !== 4) throw new TraceError(`line ${lineNo}: expected 4 fields (t,series,value,limit), got ${f.length}`);
  const [ts, series, vs, ls] = f;
  const t = Number(ts);
  const value = Number(vs);
  if (ts.trim() === '' || !Number.isFinite(t) || t < 0) throw new TraceError(`line ${lineNo}: t must be a non-negative number of seconds, got "${ts.slice(0, 40)}"`);
  if (series.trim() === '') throw new TraceError(`line ${lineNo}: empty series name`);
  if (vs.trim() === '' || !Number.isFinite(value) || value < 0) throw new TraceError(`line ${lineNo}: value must be a non-negative number of bytes, got "${vs.slice(0, 40)}"`);
  let limit: number | null = null;
  if (ls.trim() !== '') {
    limit = Number(ls);
    if (!Number.isFinite(limit) || limit <= 0) throw new TraceError(`line ${lineNo}: limit must be empty or a positive number of bytes, got "${ls.slice(0, 40)}"`);
  }
  return { t, series: series.trim(), value, limit };
}

/**
 * Replays a trace file through a LeakDetector, calling `onEvent` for each event
 * and returning the per-series summaries. Throws TraceError for malformed input.
 */
export async function replayFile(path: string, detectorSettings: Settings['detector'], onEvent: (e: LeakEvent) => void): Promise<Map<string, SeriesSummary & { slope: number }>> {
  const detector = new LeakDetector(detectorSettings);
  const summaries = new Map<string, SeriesSummary>();
  const lastT = new Map<string, number>();
  let lineNo = 0;
  let partial = '';
  let sawHeader = false;

  const handle = (raw: string) => {
    lineNo++;
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (lineNo === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1); // a byte-order mark from a spreadsheet
    if (!sawHeader) {
      if (line.trim() !== 't,series,value,limit') throw new TraceError(`line ${lineNo}: expected the header "t,series,value,limit", got "${line.slice(0, 60)}"`);
      sawHeader = true;
      return;
    }
    if (line.trim() === '') return;
    const s = parseTraceLine(line, lineNo);
    const prev = lastT.get(s.series);
    if (prev !== undefined && s.t < prev) throw new TraceError(`line ${lineNo}: t goes backwards for ${s.series} (${s.t} after ${prev})`);
    lastT.set(s.series, s.t);
    let sum = summaries.get(s.series);
    if (!sum) {
      sum = { leak: false, lastStartSlope: null, lastT: s.t };
      summaries.set(s.series, sum);
    }
    sum.lastT = s.t;
    for (const e of detector.push(s.series, s.t, s.value, s.limit)) record(e);
  };
  const record = (e: LeakEvent) => {
    const sum = summaries.get(e.series);
    if (sum && e.event === 'leak.start') {
      sum.leak = true;
      sum.lastStartSlope = e.slope_per_hour ?? null;
    }
    onEvent(e);
  };

  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      let start = 0;
      for (let nl = chunk.indexOf('\n'); nl >= 0; nl = chunk.indexOf('\n', start)) {
        const piece = partial + chunk.slice(start, nl);
        partial = '';
        if (piece.length > MAX_LINE) throw new TraceError(`line ${lineNo + 1}: longer than ${MAX_LINE} characters`);
        handle(piece);
        start = nl + 1;
      }
      partial += chunk.slice(start);
      if (partial.length > MAX_LINE) throw new TraceError(`line ${lineNo + 1}: longer than ${MAX_LINE} characters`);
    }
  } catch (err) {
    if (err instanceof TraceError) throw err;
    throw new TraceError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    stream.destroy();
  }
  if (partial.length > 0) handle(partial);
  if (!sawHeader) throw new TraceError('line 1: empty file (expected the header "t,series,value,limit")');
  for (const series of summaries.keys()) for (const e of detector.flush(series)) record(e);

  const out = new Map<string, SeriesSummary & { slope: number }>();
  for (const [series, sum] of summaries) {
    const trend = detector.trend(series);
    // The slope a user acts on: the current trend while leaking, else the slope that was reported.
    const slope = trend?.leaking ? trend.slopePerHour : (sum.lastStartSlope ?? trend?.slopePerHour ?? 0);
    out.set(series, { ...sum, slope });
  }
  return out;
}

/**
 * `headroom replay FILE.csv [--json]`. Returns the exit code: 0, or 2 with one
 * error line for a bad flag or a malformed/unreadable file.
 */
export async function replayCommand(args: string[], io: CliIo): Promise<number> {
  try {
    return await replay(args, io);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(err.message);
    return 2;
  }
}

async function replay(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('replay', args, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('headroom replay: give one trace file, e.g. headroom replay trace.csv --json');
  // The detector windows come from the user's settings, as in the live app.
  let detectorSettings = DEFAULT_SETTINGS.detector;
  try {
    detectorSettings = new SettingsStore(defaultDataDir()).get().detector;
  } catch {
    /* unreadable settings: the defaults are what the live app would use too */
  }
  const events: LeakEvent[] = [];
  let summaries: Awaited<ReturnType<typeof replayFile>>;
  try {
    summaries = await replayFile(positionals[0], detectorSettings, (e) => {
      if (values.json) io.out(JSON.stringify(e));
      else events.push(e);
    });
  } catch (err) {
    if (err instanceof TraceError) throw new UsageError(`headroom replay: ${positionals[0]}: ${err.message}`);
    throw err;
  }
  const names = [...summaries.keys()].sort();
  if (values.json) {
    for (const series of names) {
      const s = summaries.get(series)!;
      io.out(JSON.stringify({ event: 'summary', series, leak: s.leak, slope_per_hour: Math.round(s.slope) }));
    }
    return 0;
  }
  for (const e of events) {
    const when = `t=${formatDuration(e.t).replace('~', '')}`;
    io.out(e.event === 'leak.start'
      ? `${when.padEnd(14)} leak starts  ${e.series}  ${formatRate(e.slope_per_hour ?? 0)}${e.eta_s != null ? `, limit in ${formatDuration(e.eta_s)}` : ''}`
      : `${when.padEnd(14)} leak ends    ${e.series}${e.reason ? ` (${e.reason})` : ''}`);
  }
  io.out('');
  for (const series of names) {
    const s = summaries.get(series)!;
    io.out(`${s.leak ? 'LEAK' : 'flat'}  ${series}  ${formatRate(s.slope)}`);
  }
  return 0;
}
