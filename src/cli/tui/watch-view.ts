/**
 * What `headroom watch` shows, as coloured lines: a status line that answers
 * "is my machine OK?", the firing alerts worst first with their top fix, the
 * machine's figures, the applications in the chosen order, zombies, orphans
 * and containers, and a key line. Pure: the same input gives the same lines;
 * the Screen fits them to the terminal and draws only what changed.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { Alert, FixProposal, ProcessGroup, Severity, Snapshot } from '../../shared/model.ts';
import { safeText } from '../../shared/safe-text.ts';
import { pad, type Paint, type Style } from './ansi.ts';

export type SortKey = 'memory' | 'cpu' | 'count' | 'threads';

/** Keys that choose the applications' order. */
export const SORT_KEYS: Readonly<Record<string, SortKey>> = { m: 'memory', c: 'cpu', n: 'count', t: 'threads' };

export interface WatchViewInput {
  snapshot: Snapshot;
  alerts: readonly Alert[];
  fixes: readonly FixProposal[];
  sort: SortKey;
  /** The memory alert levels, for the memory figure's colour. */
  memWarnPercent: number;
  memCritPercent: number;
  /** "attached to serve (PID 123)" or "this watch is the engine". */
  source: string;
  /** A question or a result, shown above the key line. */
  message: string | null;
  /** Terminal rows: the application list takes what the rest leaves. */
  height: number;
}

const RANK: Record<Severity, number> = { critical: 2, warning: 1, info: 0 };
const SEVERITY_STYLE: Record<Severity, Style> = { critical: 'red', warning: 'yellow', info: 'cyan' };

/** Firing alerts, worst first, oldest first within a severity. */
export function firingWorstFirst(alerts: readonly Alert[]): Alert[] {
  return alerts.filter((a) => a.state === 'firing').sort((x, y) => RANK[y.severity] - RANK[x.severity] || x.since - y.since);
}

/** The fixes the `f` key offers, in turn: each firing alert's top fix, worst alert first, each fix once. */
export function offeredFixes(alerts: readonly Alert[], fixes: readonly FixProposal[]): { alert: Alert; fix: FixProposal }[] {
  const out: { alert: Alert; fix: FixProposal }[] = [];
  for (const a of firingWorstFirst(alerts)) {
    for (const id of a.fixIds) {
      const fix = fixes.find((f) => f.id === id);
      if (!fix) continue;
      if (!out.some((o) => o.fix.id === fix.id)) out.push({ alert: a, fix });
      break;
    }
  }
  return out;
}

/** The fix the `f` key offers first: the top fix of the worst firing alert that has one. */
export function topFix(alerts: readonly Alert[], fixes: readonly FixProposal[]): { alert: Alert; fix: FixProposal } | null {
  return offeredFixes(alerts, fixes)[0] ?? null;
}

function sortGroups(groups: readonly ProcessGroup[], key: SortKey): ProcessGroup[] {
  const value = (g: ProcessGroup) => (key === 'cpu' ? g.cpuPercent : key === 'count' ? g.count : key === 'threads' ? g.threads : g.rssBytes);
  return [...groups].sort((a, b) => value(b) - value(a) || b.rssBytes - a.rssBytes || (a.name < b.name ? -1 : 1));
}

export function buildWatchLines(v: WatchViewInput, paint: Paint): string[] {
  const s = v.snapshot;
  const m = s.memory;
  const top: string[] = [];
  top.push(`${paint('bold', 'Headroom')} — ${safeText(s.host.hostname, 64)} — ${new Date(s.t).toLocaleTimeString()}  ${paint('dim', v.source)}`);

  const firing = firingWorstFirst(v.alerts);
  const worst = firing[0];
  top.push(worst ? paint(SEVERITY_STYLE[worst.severity], `${worst.severity}: ${safeText(worst.title, 300)}`) : paint('green', 'All clear'));

  const pct = (m.usedBytes / m.totalBytes) * 100;
  const memStyle: Style = pct >= v.memCritPercent ? 'red' : pct >= v.memWarnPercent ? 'yellow' : 'green';
  top.push(`Memory  ${paint(memStyle, `${formatPercent(pct)} used`)} ${formatBytes(m.usedBytes)} of ${formatBytes(m.totalBytes)} · available ${formatBytes(m.availableBytes)}`);
  const swap = m.swapTotalBytes > 0 ? `${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)}` : 'none';
  const load = s.load[0];
  const loadStyle: Style = load >= 2 * s.host.cores ? 'red' : load >= s.host.cores ? 'yellow' : 'green';
  top.push(
    `Swap    ${swap} · swap-in ${s.swapInPerSec}/s   CPU ${formatPercent(s.cpuPercent)} · load ${paint(loadStyle, load.toFixed(2))} on ${s.host.cores} cores   Processes ${s.processCount}`,
  );

  if (firing.length > 0) {
    top.push('');
    top.push(paint('bold', `Alerts (${firing.length})`));
    for (const a of firing.slice(0, 6)) {
      const fix = a.fixIds.map((id) => v.fixes.find((f) => f.id === id)).find((f) => f !== undefined);
      top.push(`  ${paint(SEVERITY_STYLE[a.severity], a.severity.padEnd(8))} ${safeText(a.title, 300)}${fix ? paint('cyan', `  → ${safeText(fix.title, 200)}`) : ''}`);
    }
    if (firing.length > 6) top.push(paint('dim', `  … ${firing.length - 6} more`));
  }

  const tail: string[] = [''];
  tail.push(s.zombies.length === 0 ? 'Zombies none' : paint('yellow', `Zombies ${s.zombies.length}: ${[...new Set(s.zombies.map((z) => `${safeText(z.parentName, 40)} (PID ${z.ppid})`))].slice(0, 4).join(', ')} must reap them`));
  tail.push(s.orphans.length === 0 ? 'Orphans none' : paint('yellow', `Orphans ${s.orphans.length}: ${s.orphans.slice(0, 4).map((o) => `${safeText(o.group, 40)} (PID ${o.pid}, ${formatBytes(o.rssBytes)})`).join(', ')}`));
  if (s.docker.status === 'ok') {
    for (const c of s.containers.slice(0, 5)) {
      const used = c.memUsageBytes === null ? '…' : formatBytes(c.memUsageBytes);
      const limit = c.memLimitBytes === null ? paint('yellow', 'no limit') : `${formatBytes(c.memLimitBytes)} (${formatPercent(c.memPercent ?? 0)})`;
      const restarts = c.recentRestarts > 0 ? paint('red', `restarts ${c.recentRestarts} recent`) : `restarts ${c.restartCount}`;
      tail.push(`  ${pad(safeText(c.name, 40), 24)} ${pad(safeText(c.state, 12), 10)} ${used} / ${limit}  ${restarts}`);
    }
    if (s.containers.length === 0) tail.push('Containers none');
  } else {
    tail.push(`Docker ${s.docker.status}`);
  }
  tail.push(`Headroom itself ${formatBytes(s.self.rssBytes)} RSS · ${formatPercent(s.self.cpuPercent, 1)} CPU`);
  if (v.message) tail.push(paint('reverse', v.message));
  // Short enough for a narrow terminal: m memory, c cpu, n instances, t threads.
  tail.push(paint('dim', `q quit · sort m/c/n/t: ${v.sort} · f fix (again: next)`));

  // The applications get the rows the rest leaves (at least three), one of them for "… N more" when they do not fit.
  const free = Math.max(3, v.height - top.length - tail.length - 2);
  const groups = sortGroups(s.groups, v.sort);
  const rows = groups.length > free ? free - 1 : free;
  const apps = ['', paint('bold', `${pad('Application', 28)} ${pad('inst', 5, 'right')} ${pad('memory', 9, 'right')} ${pad('cpu', 6, 'right')} ${pad('threads', 8, 'right')} ${pad('fds', 6, 'right')}`)];
  for (const g of groups.slice(0, rows)) {
    const name = g.kind === 'agent' || g.kind === 'mcp' ? paint('cyan', pad(safeText(g.name, 28), 28)) : pad(safeText(g.name, 28), 28);
    apps.push(
      `${name} ${pad(String(g.count), 5, 'right')} ${pad(formatBytes(g.rssBytes), 9, 'right')} ${pad(formatPercent(g.cpuPercent), 6, 'right')} ${pad(String(g.threads), 8, 'right')} ${pad(g.fds === null ? '—' : String(g.fds), 6, 'right')}`,
    );
  }
  if (groups.length > rows) apps.push(paint('dim', `… ${groups.length - rows} more`));
  return [...top, ...apps, ...tail];
}

