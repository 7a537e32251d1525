/**
 * Containers: usage against limit, containers with no limit, restarts and
 * restart loops, and disk waste. When Docker was not measured the section says
 * so ("Docker not available") — an empty table would read as "no containers".
 */

import { formatBytes, formatDuration, formatPercent } from '../../../../shared/format.ts';
import type { ContainerStats, DockerDiskWaste } from '../../../../shared/model.ts';
import { formatSlope, type ContainerSeries, type ReportContext } from '../context.ts';
import { counterIncrease, lastPoint, peakPoint } from '../series-stats.ts';
import type { Block, ReportSection } from '../types.ts';

const TITLE = 'Containers';

export interface ContainerRow {
  name: string;
  live: ContainerStats | null;
  series: ContainerSeries | null;
  /** Latest usage (live if any, else last recorded). */
  usage: number | null;
  usageAt: number | null;
  /** Limit in bytes; null = no limit. undefined = unknown. */
  limit: number | null | undefined;
  /** The limit comes from history, where "no limit" is recorded as the host's RAM (or more). */
  limitFromHistory: boolean;
  restartsInPeriod: number;
  /** Seen in the latest Docker reading (live, or the latest recorded container sample); false: removed since. */
  current: boolean;
}

/** Why Docker was not measured, in words; null when it was. */
export function dockerUnavailableReason(ctx: ReportContext): string | null {
  if (ctx.dockerMeasured) return null;
  const live = ctx.inputs.live;
  if (!live) {
    return 'Docker not available in this report: history holds no container samples for this period and no live Docker reading was taken. Containers were not measured — this does not mean there were none.';
  }
  const d = live.snapshot.docker;
  const why = d.status === 'disabled' ? 'Docker monitoring is off' : `Docker status "${d.status}"`;
  return `Docker not available: ${why}${d.message ? ` (${d.message})` : ''}, and history holds no container samples for this period. Container usage, limits, restarts and disk waste were not measured — this does not mean there were none.`;
}

/** Every container seen live or in history this period, current ones first, with usage, limit and restarts. */
export function containerRows(ctx: ReportContext): ContainerRow[] {
  const liveOk = ctx.inputs.live?.snapshot.docker.status === 'ok';
  const liveList = liveOk ? ctx.inputs.live!.snapshot.containers : [];
  const live = new Map(liveList.map((c) => [c.name, c]));
  const hist = new Map(ctx.containers.map((c) => [c.name, c]));
  const names = [...new Set([...live.keys(), ...hist.keys()])].sort();
  const ram = ctx.ramBytes;
  let latestReading = -Infinity;
  for (const c of ctx.containers) latestReading = Math.max(latestReading, lastPoint(c.mem)?.t ?? -Infinity);
  const stale = Math.max(45000, 2.5 * ctx.inputs.settings.intervals.dockerStatsMs);
  const rows = names.map((name): ContainerRow => {
    const l = live.get(name) ?? null;
    const h = hist.get(name) ?? null;
    const lastMem = lastPoint(h?.mem);
    let limit: number | null | undefined;
    if (l) limit = l.memLimitBytes;
    // History records a container without a limit with the host's RAM as its limit; a limit at or above RAM bounds nothing either.
    else if (h?.mem && h.mem.limit !== null) limit = ram !== null && h.mem.limit >= ram ? null : h.mem.limit;
    // Live, a container that is not running uses nothing now; its last recorded usage stays in "Peak".
    const usage = l ? l.memUsageBytes : (lastMem?.v ?? null);
    const usageAt = l ? (l.memUsageBytes !== null ? ctx.inputs.live!.snapshot.sampledAt.containers : null) : (lastMem?.t ?? null);
    const current = liveOk ? l !== null : lastMem !== null && latestReading - lastMem.t <= stale;
    return { name, live: l, series: h, usage, usageAt, limit, limitFromHistory: !l, restartsInPeriod: counterIncrease(h?.restarts), current };
  });
  return rows.sort((a, b) => Number(b.current) - Number(a.current) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The "Containers" section, or "Docker not available" when Docker was not measured. */
export function containersSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const unavailable = dockerUnavailableReason(ctx);
  if (unavailable) {
    blocks.push({ kind: 'p', text: unavailable });
    return { id: 'containers', title: TITLE, blocks };
  }
  const { alerts } = ctx.inputs.settings;
  const liveDocker = ctx.inputs.live?.snapshot.docker ?? null;
  if (liveDocker && liveDocker.status !== 'ok') {
    blocks.push({
      kind: 'p',
      text: `Docker is not reachable now (status "${liveDocker.status}"${liveDocker.message ? `: ${liveDocker.message}` : ''}); the figures below are from history only.`,
    });
  } else if (!liveDocker) {
    blocks.push({ kind: 'p', text: 'No live Docker reading was taken; figures are from history, and limits are inferred from the recorded limit.' });
  }
  const rows = containerRows(ctx);
  const currentRows = rows.filter((r) => r.current);
  const goneRows = rows.filter((r) => !r.current);
  if (rows.length === 0) {
    blocks.push({ kind: 'p', text: 'Docker was reachable and reported no containers, and history holds no container samples for this period.' });
  } else if (currentRows.length === 0) {
    blocks.push({ kind: 'p', text: 'No container exists now; those below ran earlier in the period.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['Container', 'State', 'Memory', 'Limit', 'Of limit', 'Peak', 'Growth per hour', 'Restarts (total)', 'Restarts in period'],
      align: ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
      rows: currentRows.map((r) => {
        const peak = peakPoint(r.series?.mem);
        const tr = ctx.trend(`container.${r.name}.mem`);
        const pct = r.usage !== null && typeof r.limit === 'number' && r.limit > 0 ? formatPercent((r.usage / r.limit) * 100, 1) : '—';
        const total = r.live ? r.live.restartCount : lastPoint(r.series?.restarts)?.v;
        return [
          r.name,
          r.live
            ? `${r.live.state}${r.live.health ? ` (${r.live.health})` : ''}${r.live.oomKilled ? ', OOM-killed' : ''}`
            : r.current
              ? 'no live reading'
              : `gone (last seen ${r.series?.mem ? ctx.time(lastPoint(r.series.mem)!.t) : '?'})`,
          r.usage === null ? (r.live && r.live.state !== 'running' ? 'not running' : '—') : formatBytes(r.usage),
          r.limit === undefined
            ? 'unknown'
            : r.limit === null
              ? r.limitFromHistory && r.series?.mem?.limit
                ? `**none** (recorded ${formatBytes(r.series.mem.limit)}, not below RAM)`
                : '**none**'
              : formatBytes(r.limit),
          pct,
          peak ? `${formatBytes(peak.v)} at ${ctx.time(peak.t)}` : '—',
          tr ? formatSlope(tr) : '—',
          total === undefined ? '—' : String(total),
          r.series?.restarts ? String(r.restartsInPeriod) : '—',
        ];
      }),
    });
  }

  if (goneRows.length > 0) {
    const MAX = 20;
    blocks.push({
      kind: 'p',
      text: `${goneRows.length} container${goneRows.length === 1 ? '' : 's'} ran earlier in the period and ${goneRows.length === 1 ? 'is' : 'are'} gone now (name, last sample, highest memory): ${goneRows
        .slice(0, MAX)
        .map((r) => `${r.name} (${r.series?.mem ? ctx.time(lastPoint(r.series.mem)!.t) : '?'}, ${formatBytes(peakPoint(r.series?.mem)?.v ?? 0)})`)
        .join(', ')}${goneRows.length > MAX ? `, and ${goneRows.length - MAX} more` : ''}.`,
    });
  }

  // Risks the table implies, stated one by one (containers removed since are history, not risks).
  const risks: string[] = [];
  const current = rows.filter((r) => r.current);
  const noLimit = current.filter((r) => r.limit === null && r.usage !== null);
  if (noLimit.length > 0) {
    risks.push(
      `No memory limit — each can take memory from the whole machine: ${noLimit
        .map((r) => {
          const tr = ctx.trend(`container.${r.name}.mem`);
          return `**${r.name}** (${formatBytes(r.usage!)}${tr && tr.leaking ? `, growing ${formatSlope(tr)}` : ''})`;
        })
        .join(', ')}.`,
    );
  }
  for (const r of current) {
    if (typeof r.limit === 'number' && r.limit > 0 && r.usage !== null && (r.usage / r.limit) * 100 >= alerts.containerLimitPercent) {
      risks.push(
        `**${r.name}** uses ${formatPercent((r.usage / r.limit) * 100, 1)} of its ${formatBytes(r.limit)} limit (alert level ${alerts.containerLimitPercent}%): the kernel OOM-kills it when it reaches the limit.`,
      );
    }
    if (r.live && r.live.recentRestarts >= alerts.restartLoopCount) {
      risks.push(
        `**${r.name}** is in a restart loop: ${r.live.recentRestarts} restarts within the last ${formatDuration(alerts.restartLoopWindowSeconds).replace('~', '')} (${r.live.restartCount} in total).`,
      );
    } else if (r.restartsInPeriod > 0) {
      risks.push(`**${r.name}** restarted ${r.restartsInPeriod} time${r.restartsInPeriod === 1 ? '' : 's'} in this period.`);
    }
    if (r.live?.oomKilled) risks.push(`**${r.name}** was last stopped by the OOM killer.`);
  }
  blocks.push({ kind: 'h3', text: 'Limits and restarts' });
  blocks.push(
    risks.length > 0 ? { kind: 'list', items: risks } : { kind: 'p', text: 'Every current container has a limit, none is near it, and none restarted in this period.' },
  );

  blocks.push({ kind: 'h3', text: 'Disk waste' });
  blocks.push(...diskBlocks(ctx, liveDocker?.status === 'ok' ? liveDocker.disk : null, liveDocker !== null && liveDocker.status === 'ok'));
  return { id: 'containers', title: TITLE, blocks };
}

function diskBlocks(ctx: ReportContext, disk: DockerDiskWaste | null, reachable: boolean): Block[] {
  if (!disk) {
    return [
      {
        kind: 'p',
        text: reachable
          ? 'Not measured yet: Docker disk usage is measured on its own, slower schedule and had no result when this report was made.'
          : 'Not measured: disk waste needs a live Docker reading.',
      },
    ];
  }
  const rows: [string, { count: number; reclaimableBytes: number }][] = [
    ['Dangling images', disk.danglingImages],
    ['Anonymous volumes not in use', disk.anonymousVolumes],
    ['Named volumes not in use', disk.namedUnusedVolumes],
    ['Build cache', disk.buildCache],
    ['Stopped containers', disk.stoppedContainers],
  ];
  let total = 0;
  for (const [, r] of rows) total += r.reclaimableBytes;
  const blocks: Block[] = [
    { kind: 'p', text: `Measured at ${ctx.clock.dateTime(disk.measuredAt)}: ${formatBytes(total)} reclaimable in all.` },
    {
      kind: 'table',
      head: ['What', 'Count', 'Reclaimable'],
      align: ['l', 'r', 'r'],
      rows: rows.map(([what, r]) => [what, String(r.count), formatBytes(r.reclaimableBytes)]),
    },
  ];
  if (disk.namedUnusedVolumes.count > 0) {
    blocks.push({
      kind: 'p',
      text: `Named volumes may hold data someone wants (${[...disk.namedUnusedVolumes.names].sort().join(', ')}): delete them only if you know nobody needs their data.`,
    });
  }
  return blocks;
}
