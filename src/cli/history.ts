/** `headroom history <series> --since 3h [--json | --csv] [--points N]`: recorded samples of one series. */

import { createHeadroom } from '../main/engine/create.ts';
import { isKnownSeriesName, SYSTEM_SERIES } from '../main/engine/snapshot-series.ts';
import { formatBytes } from '../shared/format.ts';
import { quoteInput } from '../shared/safe-text.ts';
import type { HistoryQuery, HistorySeries } from '../shared/contract.ts';
import { parseDuration, parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import { UsageError, type CliIo } from './io.ts';

export async function historyCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('history', args, {
    since: { type: 'string', default: '3h' },
    json: { type: 'boolean' },
    csv: { type: 'boolean' },
    points: { type: 'string', default: '60' },
  });
  if (positionals.length !== 1) {
    throw new UsageError(`headroom history: give one series name, e.g. ${SYSTEM_SERIES[0]} or process.group.claude.rss`);
  }
  const series = positionals[0];
  if (!isKnownSeriesName(series)) {
    throw new UsageError(`headroom history: unknown series ${quoteInput(series, 100)} (try ${SYSTEM_SERIES.slice(0, 4).join(', ')}, process.group.NAME.rss, container.NAME.mem)`);
  }
  if (values.json && values.csv) throw new UsageError('headroom history: --json and --csv cannot be combined');
  const sinceMs = Date.now() - parseDuration(values.since as string, '--since');
  const points = Number(values.points);
  if (!Number.isInteger(points) || points < 2 || points > 100000) throw new UsageError('--points: expected a whole number from 2 to 100000');

  const engine = await attachToEngine({ needs: ['history:query', 'history:export'] });
  if (engine) {
    return withEngine(engine, (c) =>
      printHistory({ query: (q) => c.invoke('history:query', q), exportCsv: (name, since) => c.invoke('history:export', { series: name, sinceMs: since }) }, series, sinceMs, points, values, io),
    );
  }
  const h = createHeadroom({ docker: false, log: io.err });
  try {
    const store = h.history;
    if (!store) throw new Error('history is not available');
    return await printHistory({ query: async (q) => store.query(q), exportCsv: async (name, since) => store.exportCsv(name, since) }, series, sinceMs, points, values, io);
  } finally {
    await h.close();
  }
}

/** Where the samples come from: the running engine, or the history file itself. */
interface HistorySource {
  query(q: HistoryQuery): Promise<HistorySeries>;
  exportCsv(series: string, sinceMs: number): Promise<string>;
}

async function printHistory(source: HistorySource, series: string, sinceMs: number, points: number, values: { json?: boolean; csv?: boolean }, io: CliIo): Promise<number> {
  if (values.csv) {
    io.out(await source.exportCsv(series, sinceMs));
    return 0;
  }
  const result = await source.query({ series, sinceMs, maxPoints: values.json ? 2000 : points });
  if (values.json) {
    io.out(JSON.stringify(result));
    return 0;
  }
  if (result.t.length === 0) {
    io.out(`${series}: no samples since ${new Date(sinceMs).toLocaleString()}`);
    return 0;
  }
  const isBytes = /\.(mem|rss|used|available|cached)$/.test(series) || series === 'self.rss';
  io.out(`${series} since ${new Date(sinceMs).toLocaleString()} (${result.t.length} points, ${result.tier} tier)`);
  for (let i = 0; i < result.t.length; i++) {
    const v = result.v[i];
    io.out(`${new Date(result.t[i]).toLocaleTimeString()}  ${isBytes ? formatBytes(v) : String(Math.round(v * 100) / 100)}`);
  }
  return 0;
}
