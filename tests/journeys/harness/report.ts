/**
 * The report for a journey's period, made the way a user makes it
 * (`headroom report --since … --out F.md`, attached to the running engine),
 * held against what the API showed during the journey and against recorded
 * history (`headroom history <series> --since … --json`): the same culprits,
 * the same leak verdicts and rates, only fixes the engine proposes, figures
 * that are in history, no scores, and the Method section.
 */

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert, FixProposal, LeakTrend } from '../../../src/shared/model.ts';
import { formatBytes } from '../../../src/shared/format.ts';
import { formatSeriesSlope } from '../../../src/main/engine/report/context.ts';
import { repoRoot, runCli } from '../../helpers/cli.ts';
import type { JourneyEngine } from './engine.ts';

export interface ReportExpectation {
  engine: JourneyEngine;
  /** Start of the journey's period (epoch ms). */
  sinceMs: number;
  /** What the API showed during the journey. */
  shown: { trends: LeakTrend[]; alerts: Alert[]; fixes: FixProposal[] };
  /** Names the report must carry (groups, containers). */
  culprits: string[];
  /** Series the API reported leaking: the report must give the same verdict and rate. */
  leakSeries: string[];
  /** Container name → restarts the API showed in the period. */
  restartCounts: Record<string, number>;
  /** Groups whose peak memory in the report is checked against history. */
  peakGroups?: string[];
}

/** Where journey reports are kept for reading after a run (beside the e2e artifacts). */
export const REPORTS_DIR = join(repoRoot, 'test-results', 'journeys');

/** Rows of the Markdown table that follows the heading `### title` or `## title` (cells trimmed). */
export function tableRows(md: string, firstCell: (cell: string) => boolean): string[][] {
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) => l.slice(1, l.endsWith('|') ? -1 : undefined).split(' | ').map((c) => c.trim()))
    .filter((cells) => firstCell(cells[0] ?? ''));
}

interface HistoryJson {
  t: number[];
  v: number[];
}

/** Recorded samples of one series since `sinceMs`, through the CLI. */
export async function historyOf(home: string, series: string, sinceMs: number): Promise<HistoryJson> {
  const since = `${Math.ceil((Date.now() - sinceMs) / 1000) + 5}s`;
  const r = await runCli(['history', series, '--since', since, '--json', '--points', '100000'], home);
  assert.equal(r.status, 0, `headroom history ${series}: ${r.stderr}`);
  const parsed = JSON.parse(r.stdout) as HistoryJson | { series: HistoryJson[] };
  return 'series' in parsed && Array.isArray(parsed.series) ? parsed.series[0] : (parsed as HistoryJson);
}

/** Firing alerts about `culprits`, as the API lists them. */
async function firingAbout(engine: JourneyEngine, culprits: string[]): Promise<Alert[]> {
  const list = await engine.api.invoke('alerts:list', undefined);
  return list.filter((a) => a.state === 'firing' && a.culprit !== null && culprits.some((c) => a.culprit!.includes(c)));
}

/** Makes the report with the CLI, checks it against the API and history, and returns its text. */
export async function checkReport(e: ReportExpectation): Promise<string> {
  mkdirSync(REPORTS_DIR, { recursive: true });
  const out = join(REPORTS_DIR, `${e.culprits[0]}.md`);
  const since = `${Math.ceil((Date.now() - e.sinceMs) / 1000) + 5}s`;
  // What the window shows right before and right after: the report is made between the two.
  const api = e.engine.api;
  const trendsBefore = await api.invoke('trends:list', undefined);
  const alertsBefore = await firingAbout(e.engine, e.culprits);
  const r = await runCli(['report', '--since', since, '--tz', 'UTC', '--out', out], e.engine.home, { timeoutMs: 90_000 });
  assert.equal(r.status, 0, `headroom report: ${r.stderr}`);
  const trendsAfter = await api.invoke('trends:list', undefined);
  const alertsAfter = await firingAbout(e.engine, e.culprits);
  const fixesNow = await api.invoke('fixes:list', undefined);
  const md = readFileSync(out, 'utf8');

  for (const c of e.culprits) assert.ok(md.includes(c), `the report names ${c} (${out})`);
  assert.match(md, /^## Method and coverage$/m, 'the report has its Method section');
  assert.doesNotMatch(md, /\bscore\b|\/100\b/i, 'no scores');

  // Leak verdicts and rates: the running engine's, as the window showed them.
  const leakRows = tableRows(md, (c) => /`[^`]+`/.test(c)).filter((cells) => cells.length === 7);
  for (const series of e.leakSeries) {
    const t = e.shown.trends.find((x) => x.series === series);
    assert.ok(t?.leaking, `the API showed ${series} leaking`);
    const row = leakRows.find((cells) => cells[0].includes(`\`${series}\``));
    assert.ok(row, `the report lists ${series} among the leaks (${out})`);
    const shownRates = [...trendsBefore, ...trendsAfter].filter((x) => x.series === series).map((x) => formatSeriesSlope(series, x));
    assert.ok(shownRates.includes(row[1]), `the report's rate for ${series} (${row[1]}) is the one the window showed (${shownRates.join(' / ')})`);
  }

  // Alerts firing at report time: the same ones, with the same severity and the same fixes, as the window lists.
  const firingRows = tableRows(md, (c) => c === 'critical' || c === 'warning' || c === 'info').filter((cells) => cells.length === 4);
  // A title carries live figures ("149 MB with NO memory limit" of a growing container): the report, made between
  // the two reads, may show a figure in between (it did under stress-ng), so figures are compared as placeholders.
  // The alert and fix themselves (the container, the kind of fix) must still be the same ones.
  const shape = (title: string) => title.replace(/\d+(?:\.\d+)?/g, '#');
  for (const a of alertsAfter.filter((x) => alertsBefore.some((b) => b.id === x.id))) {
    const titles = [a.title, ...alertsBefore.filter((b) => b.id === a.id).map((b) => b.title)].map(shape);
    const row = firingRows.find((cells) => titles.includes(shape(cells[1])));
    assert.ok(row, `the report lists the firing alert "${a.title}" (${out})`);
    assert.equal(row[0], a.severity, `severity of ${a.id}`);
    for (const id of a.fixIds) {
      const f = fixesNow.find((x) => x.id === id) ?? e.engine.seenFixes.get(id);
      // Fix titles carry live figures too ("using 151 MB"): compared the same way.
      if (f) assert.ok(shape(row[3]).includes(shape(f.title)), `the report offers "${f.title}" for ${a.id}, as the window does: ${row[3]}`);
    }
  }

  // Fix ids the report names next to our culprits are proposals the engine made (ids derive from their targets).
  const audit = await api.invoke('audit:list', { limit: 100 });
  const known = new Set([...fixesNow.map((f) => f.id), ...e.engine.seenFixes.keys(), ...audit.map((a) => a.fixId)]);
  for (const line of md.split('\n').filter((l) => e.culprits.some((c) => l.includes(c)))) {
    for (const m of line.matchAll(/\bfx-[0-9a-f]{6,}\b/g)) assert.ok(known.has(m[0]), `fix ${m[0]} in the report is one the engine proposed: ${line}`);
  }

  // Restarts: what the API showed, total and in the period.
  const containerRows = tableRows(md, () => true).filter((cells) => cells.length === 9 && /^(running|restarting|exited|paused|created|dead)/.test(cells[1]));
  for (const [name, count] of Object.entries(e.restartCounts)) {
    const row = containerRows.find((cells) => cells[0] === name);
    assert.ok(row, `the report's containers table lists ${name}`);
    assert.equal(Number(row[7]), count, `${name}: restarts in total, as the API showed`);
  }

  // Figures traceable to history: each group's peak and instances are recorded samples of the report's period.
  // The report states its end to the second, and was made at some millisecond of that second; a sample recorded
  // later in the same second is outside its period. So the report's figure must be the one history gives for
  // an end somewhere inside that second: after the sample before it, or after any sample within it.
  const period = /(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) to (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC/.exec(md);
  assert.ok(period, 'the report states its period');
  const endSecond = Date.parse(`${period[2].replace(' ', 'T')}Z`);
  /** The value `pick` gives for each possible end of the period within its stated second. */
  const atPossibleEnds = (h: HistoryJson, pick: (v: number[]) => number): number[] => {
    const ends = [endSecond - 1, ...h.t.filter((t) => t >= endSecond && t <= endSecond + 999)];
    return ends.map((end) => h.v.filter((_, i) => h.t[i] <= end)).filter((v) => v.length > 0).map(pick);
  };
  for (const g of e.peakGroups ?? []) {
    const rss = await historyOf(e.engine.home, `process.group.${g}.rss`, e.sinceMs);
    const count = await historyOf(e.engine.home, `process.group.${g}.count`, e.sinceMs);
    assert.ok(rss.v.length > 0 && count.v.length > 0, `history has ${g}`);
    const row = tableRows(md, (c) => c === g || c.startsWith(`${g} (`)).find((cells) => cells.length === 9);
    assert.ok(row, `the report's consumers table lists ${g}`);
    const peaks = [...new Set(atPossibleEnds(rss, (v) => Math.max(...v)).map(formatBytes))];
    assert.ok(peaks.some((p) => row[3].startsWith(`${p} at `)), `${g}'s peak in the report (${row[3]}) is the highest recorded sample in its period (${peaks.join(' or ')})`);
    const counts = atPossibleEnds(count, (v) => v[v.length - 1]).map(String);
    assert.ok(counts.includes(row[1]), `${g}'s instances (${row[1]}) are its last recorded count in the period (${counts.join(' or ')})`);
  }
  return md;
}
