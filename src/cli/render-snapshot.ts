/**
 * Renders a Snapshot as terminal text, for `snapshot` and `watch`. Pure.
 *
 * Every name in it (processes, groups, containers, the host) was chosen by
 * someone else and may carry terminal escape codes: each goes through
 * `safeText` before it is printed.
 */

import { formatBytes, formatDuration, formatGroup, formatPercent } from '../shared/format.ts';
import type { Snapshot } from '../shared/model.ts';
import { safeText } from '../shared/safe-text.ts';

export function renderSnapshot(s: Snapshot, opts: { maxGroups?: number } = {}): string {
  const m = s.memory;
  const lines: string[] = [];
  const pct = (m.usedBytes / m.totalBytes) * 100;
  lines.push(`Headroom — ${safeText(s.host.hostname, 64)} — ${new Date(s.t).toLocaleString()}`);
  lines.push(
    `Memory     ${formatBytes(m.usedBytes)} used of ${formatBytes(m.totalBytes)} (${formatPercent(pct)}) · available ${formatBytes(m.availableBytes)} · cache ${formatBytes(m.cachedBytes)}`,
  );
  lines.push(
    `Swap       ${m.swapTotalBytes > 0 ? `${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)}` : 'none'} · swap-in ${s.swapInPerSec} pages/s`,
  );
  const psi = s.pressure ? ` · memory pressure ${s.pressure.someAvg10.toFixed(1)}% (some, 10 s)` : '';
  lines.push(`CPU        ${formatPercent(s.cpuPercent)} of ${s.host.cores} cores · load ${s.load.map((l) => l.toFixed(2)).join(' ')}${psi}`);
  lines.push(`Processes  ${s.processCount} · threads ${s.threadCount}`);
  lines.push('');
  lines.push('Applications');
  const max = opts.maxGroups ?? 15;
  for (const g of s.groups.slice(0, max)) {
    const fds = g.fds === null ? '' : `  fds ${g.fds}`;
    lines.push(`  ${formatGroup(safeText(g.name, 64), g.count, g.rssBytes).padEnd(44)} cpu ${formatPercent(g.cpuPercent).padStart(5)}  threads ${String(g.threads).padStart(5)}${fds}`);
  }
  if (s.groups.length > max) lines.push(`  … ${s.groups.length - max} more`);
  lines.push('');
  if (s.zombies.length === 0) lines.push('Zombies    none');
  else {
    lines.push(`Zombies (${s.zombies.length}) — only their parent can reap them`);
    for (const z of s.zombies.slice(0, 20)) {
      lines.push(`  ${z.pid} ${safeText(z.name, 64)}  parent ${z.ppid} ${safeText(z.parentName, 64)}  a zombie for ${formatDuration(z.sinceSeconds)}`);
    }
  }
  if (s.orphans.length === 0) lines.push('Orphans    none');
  else {
    lines.push(`Orphans (${s.orphans.length}) — agent/MCP processes whose session is gone`);
    for (const o of s.orphans.slice(0, 20)) {
      lines.push(`  ${o.pid} ${safeText(o.group, 64)}  ${formatBytes(o.rssBytes)} with ${o.treePids.length} descendants  ${safeText(o.cmdline, 60)}`);
    }
  }
  lines.push('');
  if (s.docker.status === 'ok') {
    lines.push(`Containers (${s.containers.length})`);
    for (const c of s.containers.slice(0, 15)) {
      const used = c.memUsageBytes === null ? '…' : formatBytes(c.memUsageBytes);
      const lim = c.memLimitBytes === null ? 'NO LIMIT' : `${formatBytes(c.memLimitBytes)} (${formatPercent(c.memPercent ?? 0)})`;
      lines.push(`  ${safeText(c.name, 64).padEnd(30)} ${safeText(c.state, 20).padEnd(10)} ${used} / ${lim}  restarts ${c.restartCount}`);
    }
  } else {
    lines.push(`Docker     ${s.docker.status}${s.docker.message ? ` — ${safeText(s.docker.message, 200)}` : ''}`);
  }
  lines.push(`Headroom   ${formatBytes(s.self.rssBytes)} RSS · ${formatPercent(s.self.cpuPercent, 1)} CPU`);
  return lines.join('\n');
}
