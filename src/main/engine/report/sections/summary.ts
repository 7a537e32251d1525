/**
 * Executive summary: the state now in a few figures, and the three findings
 * that matter most (the first three of the risk order), each with its figures.
 */

import { formatBytes, formatGroup, formatPercent } from '../../../../shared/format.ts';
import type { ReportContext } from '../context.ts';
import type { Finding } from '../findings.ts';
import { consumerRows } from './consumers.ts';
import { containerRows, dockerUnavailableReason } from './containers.ts';
import { formatTimeToImpact } from './risks.ts';
import { lastPoint } from '../series-stats.ts';
import type { Block, ReportSection } from '../types.ts';

/** The "Executive summary" section. */
export function summarySection(ctx: ReportContext, findings: readonly Finding[]): ReportSection {
  const blocks: Block[] = [];
  const state: string[] = [];
  const used = lastPoint(ctx.series('system.mem.used'));
  const avail = lastPoint(ctx.series('system.mem.available'));
  const swap = ctx.series('system.swap.used');
  const swapLast = lastPoint(swap);
  if (used && ctx.ramBytes) {
    const swapText = swap && swap.limit ? `, swap ${formatBytes(swapLast?.v ?? 0)} of ${formatBytes(swap.limit)}` : ', no swap';
    state.push(
      `Memory: ${formatPercent((used.v / ctx.ramBytes) * 100, 1)} used (${formatBytes(used.v)} of ${formatBytes(ctx.ramBytes)}), ${avail ? `${formatBytes(avail.v)} available` : 'available not recorded'}${swapText} — at ${ctx.clock.dateTime(used.t)}.`,
    );
  } else {
    state.push('Memory: no samples in this period.');
  }
  const top = consumerRows(ctx).filter((r) => r.current).slice(0, 3);
  if (top.length > 0) state.push(`Largest applications: ${top.map((r) => (r.count === null ? `${r.name} — ${formatBytes(r.rss)}` : formatGroup(r.name, r.count, r.rss))).join('; ')}.`);
  const dockerWhy = dockerUnavailableReason(ctx);
  if (dockerWhy) state.push('Containers: Docker not available — not measured.');
  else {
    const rows = containerRows(ctx);
    const running = rows.filter((r) => r.live?.state === 'running').length;
    state.push(`Containers: ${rows.length} seen${ctx.inputs.live?.snapshot.docker.status === 'ok' ? `, ${running} running now` : ''}.`);
  }
  const live = ctx.inputs.live;
  if (live) state.push(`Zombies: ${live.snapshot.zombies.length}; orphaned agent/MCP processes: ${live.snapshot.orphans.length} (live scan).`);
  const cov = ctx.coverage.system;
  if (cov.covered < 0.9) {
    state.push(`History covers only ${formatPercent(cov.covered * 100)} of the period; the gaps are listed under Method and coverage.`);
  }
  blocks.push({ kind: 'h3', text: 'State now' });
  blocks.push({ kind: 'list', items: state });

  blocks.push({ kind: 'h3', text: 'What matters most' });
  if (findings.length === 0) {
    const checked = Object.keys(ctx.inputs.trends).length;
    blocks.push({
      kind: 'p',
      text: `Nothing needs action. The detector checked ${checked} series and reports no leak; memory stayed below the warning level at the last sample${ctx.dockerMeasured ? '; no container is near its limit or restarting' : ''}.`,
    });
  } else {
    blocks.push({
      kind: 'list',
      items: findings.slice(0, 3).map((f) => `**${f.title}.** Time to impact: ${formatTimeToImpact(f)}. ${f.headline}.`),
    });
    if (findings.length > 3) blocks.push({ kind: 'p', text: `${findings.length - 3} more in the risk assessment below.` });
  }
  return { id: 'summary', title: 'Executive summary', blocks };
}
