/**
 * Findings: the conditions a report calls out, each with the evidence that
 * shows it, its time to impact (measured "now", a labelled projection, or
 * none), and what identifies the fix proposals that address it. The executive
 * summary, the recommendations and the risk assessment are all views of this
 * one list, so they can never disagree.
 */

import { formatBytes, formatDuration, formatPercent } from '../../../shared/format.ts';
import type { FixProposal, LeakTrend, Severity } from '../../../shared/model.ts';
import { code, describeSeries, formatConfidence, formatSeriesSlope, formatValue, GROUP_SERIES, CONTAINER_SERIES, type ReportContext } from './context.ts';
import { containerRows } from './sections/containers.ts';
import { consumerRows } from './sections/consumers.ts';
import { leakingTrends } from './sections/leaks.ts';
import { increaseSince, lastPoint, maxIncreaseWithin } from './series-stats.ts';

export interface Finding {
  /** Stable key: kind and subject, e.g. "leak:process.group.claude.rss". */
  key: string;
  severity: Severity;
  /** One line with its figures. */
  title: string;
  /** The data behind it, naming the series or live sample. */
  evidence: string;
  /** Seconds until it hurts: 0 = already now, a number = projection, null = none projected. */
  timeToImpactSeconds: number | null;
  /** How the time to impact was obtained. */
  impactBasis: string;
  /** Short imperative for a heading: "Restart claude". */
  headline: string;
  /** What to do about it, in words. */
  action: string;
  /** A read-only command to look closer, when no fix applies. */
  lookCloser: string | null;
  /** What identifies its fix proposals. */
  match: { groups: string[]; containers: string[]; pids: number[]; alertIds: string[]; alertWords: string[]; fixKinds: RegExp | null };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** Most urgent first: by time to impact (none last), then severity, then key. */
export function compareFindings(a: Finding, b: Finding): number {
  const ta = a.timeToImpactSeconds ?? Infinity;
  const tb = b.timeToImpactSeconds ?? Infinity;
  if (ta !== tb) return ta - tb;
  const s = SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
  if (s !== 0) return s;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

const noMatch = () => ({
  groups: [] as string[],
  containers: [] as string[],
  pids: [] as number[],
  alertIds: [] as string[],
  alertWords: [] as string[],
  fixKinds: null as RegExp | null,
});

/** Every finding the inputs support, most urgent first (see compareFindings). */
export function collectFindings(ctx: ReportContext): Finding[] {
  const out: Finding[] = [];
  const { settings, live } = ctx.inputs;
  const a = settings.alerts;
  const ram = ctx.ramBytes;

  // Memory now.
  const used = lastPoint(ctx.series('system.mem.used'));
  if (used && ram) {
    const pct = (used.v / ram) * 100;
    if (pct >= a.memWarnPercent) {
      out.push({
        key: 'memory:now',
        headline: 'Free memory now',
        severity: pct >= a.memCritPercent ? 'critical' : 'warning',
        title: `Memory is ${formatPercent(pct, 1)} used (${formatBytes(used.v)} of ${formatBytes(ram)})`,
        evidence: `last sample of ${code('system.mem.used')} at ${ctx.clock.dateTime(used.t)}; alert levels ${a.memWarnPercent}% / ${a.memCritPercent}%`,
        timeToImpactSeconds: 0,
        impactBasis: 'measured now',
        action: 'Free memory from the largest applications below, starting with any that are leaking or over their instance limit.',
        lookCloser: 'headroom snapshot',
        match: { ...noMatch(), alertWords: ['mem.used', 'memory'] },
      });
    }
  }
  const swapin = lastPoint(ctx.series('system.swapin'));
  const psi = lastPoint(ctx.series('system.psi.some10'));
  if ((swapin && swapin.v >= a.swapInPagesPerSec) || (psi && psi.v >= a.psiSomeAvg60Percent)) {
    out.push({
      key: 'memory:pressure',
      headline: 'Relieve memory pressure',
      severity: 'warning',
      title: `The machine is under memory pressure${swapin ? ` (${Math.round(swapin.v)} pages swapped in per second` : ' ('}${psi ? `${swapin ? ', ' : ''}PSI some ${formatPercent(psi.v, 1)}` : ''})`,
      evidence: `last samples of ${code('system.swapin')}${psi ? ` and ${code('system.psi.some10')} (history keeps the 10 s PSI average; the live alert uses the 60 s one)` : ''}; alert levels ${a.swapInPagesPerSec} pages/s, PSI ${a.psiSomeAvg60Percent}%`,
      timeToImpactSeconds: 0,
      impactBasis: 'measured now',
      action: 'Processes are waiting for memory; free memory from the largest applications.',
      lookCloser: `headroom history system.swapin ${ctx.sinceFlag}`,
      match: { ...noMatch(), alertWords: ['swap', 'pressure', 'psi'] },
    });
  }

  // Leaks, from the detector replay.
  out.push(...leakFindings(ctx, leakingTrends(ctx)));

  // Applications over their instance limit.
  const liveGroups = new Map((live?.snapshot.groups ?? []).map((g) => [g.name, g]));
  for (const r of consumerRows(ctx)) {
    const g = liveGroups.get(r.name);
    // The default instance limit is for agents and MCP servers (a shell ×20 is normal); an explicit one for anything.
    const explicit = Object.hasOwn(a.maxInstances, r.name);
    if (!r.current || (!explicit && !(g && (g.kind === 'agent' || g.kind === 'mcp')))) continue;
    const max = explicit ? a.maxInstances[r.name] : a.defaultMaxInstances;
    const count = g ? g.count : r.count;
    if (count === null || count <= max) continue;
    out.push({
      key: `instances:${r.name}`,
      headline: `Close excess ${r.name} instances`,
      severity: 'warning',
      title: `${r.name}: ${count} instances running (limit ${max}), ${formatBytes(g ? g.rssBytes : r.rss)} in all`,
      evidence: g ? `live process scan; history ${code(`process.group.${r.name}.count`)}` : `last sample of ${code(`process.group.${r.name}.count`)} at ${ctx.clock.dateTime(r.lastT)}`,
      timeToImpactSeconds: null,
      impactBasis: 'memory held now; no growth projected from the count',
      action: `Close the ${r.name} sessions you no longer use; the one-click fix stops the excess instances and keeps ${settings.remedies.keepInstances} (policy: ${settings.remedies.keepPolicy}).`,
      lookCloser: `headroom history process.group.${r.name}.count ${ctx.sinceFlag}`,
      match: { ...noMatch(), groups: [r.name], pids: g ? g.pids : [], alertWords: ['instances'] },
    });
  }

  // Containers.
  if (ctx.dockerMeasured) {
    for (const r of containerRows(ctx)) {
      if (!r.current) continue;
      if (typeof r.limit === 'number' && r.limit > 0 && r.usage !== null) {
        const pct = (r.usage / r.limit) * 100;
        if (pct >= a.containerLimitPercent && !ctx.trend(`container.${r.name}.mem`)?.leaking) {
          out.push({
            key: `container-limit:${r.name}`,
            headline: `Raise the limit of container ${r.name}, or find what fills it`,
            severity: pct >= 98 ? 'critical' : 'warning',
            title: `Container ${r.name} uses ${formatPercent(pct, 1)} of its ${formatBytes(r.limit)} memory limit`,
            evidence: r.live ? 'live Docker stats' : `last sample of ${code(`container.${r.name}.mem`)}`,
            timeToImpactSeconds: 0,
            impactBasis: 'measured now: at the limit the kernel OOM-kills the container',
            action: `Raise the memory limit of ${r.name} if its workload needs it, or find what fills it.`,
            lookCloser: `headroom history container.${r.name}.mem ${ctx.sinceFlag}`,
            match: { ...noMatch(), containers: [r.name], alertWords: ['container'] },
          });
        }
      }
      if (r.limit === null && r.usage !== null && r.usage >= a.unboundedContainerBytes && !ctx.trend(`container.${r.name}.mem`)?.leaking) {
        out.push({
          key: `container-unbounded:${r.name}`,
          headline: `Give container ${r.name} a memory limit`,
          severity: 'info',
          title: `Container ${r.name} has no memory limit and uses ${formatBytes(r.usage)}`,
          evidence: r.live ? 'live Docker inspect and stats' : `the recorded limit of ${code(`container.${r.name}.mem`)} is not below host RAM`,
          timeToImpactSeconds: null,
          impactBasis: 'no growth trend: nothing projected',
          action: `Give ${r.name} a memory limit so a leak in it cannot take the whole machine.`,
          lookCloser: `docker inspect --format '{{.HostConfig.Memory}}' ${r.name}`,
          match: { ...noMatch(), containers: [r.name], fixKinds: /limit/ },
        });
      }
      // A loop seen live (the collector's restart window) or in the recorded restart counts.
      const windowMs = a.restartLoopWindowSeconds * 1000;
      const restarts = r.series?.restarts;
      const lastRestartSample = restarts && restarts.t.length > 0 ? restarts.t[restarts.t.length - 1] : null;
      const recent = lastRestartSample !== null ? increaseSince(restarts, lastRestartSample - windowMs) : 0;
      const worst = maxIncreaseWithin(restarts, windowMs);
      const window = formatDuration(a.restartLoopWindowSeconds).replace('~', '');
      if ((!r.live || r.live.recentRestarts < a.restartLoopCount) && worst >= a.restartLoopCount) {
        const now = recent >= a.restartLoopCount;
        out.push({
          key: `restart-loop:${r.name}`,
          headline: `Find why container ${r.name} keeps exiting`,
          severity: now ? 'warning' : 'info',
          title: now
            ? `Container ${r.name} is in a restart loop: ${recent} restarts recorded in the last ${window}, ${r.restartsInPeriod} in the period`
            : `Container ${r.name} was in a restart loop earlier: up to ${worst} restarts within ${window}, ${r.restartsInPeriod} in the period`,
          evidence: `recorded restart count ${code(`container.${r.name}.restarts`)}`,
          timeToImpactSeconds: now ? 0 : null,
          impactBasis: now ? 'happening at the last sample' : 'not restarting at the last sample',
          action: `Read why ${r.name} exits before restarting it again.`,
          lookCloser: `docker logs --tail 50 ${r.name}`,
          match: { ...noMatch(), containers: [r.name], alertWords: ['restart'] },
        });
      }
      if (r.live && r.live.recentRestarts >= a.restartLoopCount) {
        out.push({
          key: `restart-loop:${r.name}`,
          headline: `Find why container ${r.name} keeps exiting`,
          severity: 'warning',
          title: `Container ${r.name} is in a restart loop: ${r.live.recentRestarts} restarts in ${formatDuration(a.restartLoopWindowSeconds).replace('~', '')}`,
          evidence: `live Docker restart count (${r.live.restartCount} in total)${r.series?.restarts ? `; ${r.restartsInPeriod} in this period by ${code(`container.${r.name}.restarts`)}` : ''}`,
          timeToImpactSeconds: 0,
          impactBasis: 'happening now',
          action: `Read why ${r.name} exits before restarting it again.`,
          lookCloser: `docker logs --tail 50 ${r.name}`,
          match: { ...noMatch(), containers: [r.name], alertWords: ['restart'] },
        });
      }
    }
  }

  // Zombies, by parent: the parent is the only one that can reap them.
  if (live) {
    const byParent = new Map<number, { name: string; pids: number[]; oldest: number }>();
    const minSeconds = a.zombieSeconds;
    for (const z of live.snapshot.zombies) {
      // A zombie lasts a moment between a child's exit and its parent's wait(): only a lasting one is a finding.
      // Its age comes from the kernel (exit seen by the engine, else its start time), so a fresh scan knows it too.
      if (z.sinceSeconds < minSeconds) continue;
      const e = byParent.get(z.ppid) ?? { name: z.parentName, pids: [], oldest: 0 };
      e.pids.push(z.pid);
      e.oldest = Math.max(e.oldest, z.sinceSeconds);
      byParent.set(z.ppid, e);
    }
    for (const [ppid, e] of [...byParent.entries()].sort((x, y) => x[0] - y[0])) {
      const zs = `${e.pids.length} zombie${e.pids.length === 1 ? '' : 's'} (PID ${e.pids.sort((x, y) => x - y).join(', ')})`;
      const since = `for ${formatDuration(e.oldest)}`;
      const init = ppid === 1;
      out.push({
        key: `zombies:${ppid}`,
        headline: init ? `Zombies left to PID 1 (${e.name}): leave PID 1 alone` : `Restart or stop ${e.name} (PID ${ppid}), the parent that does not reap its children`,
        severity: 'info',
        title: `${zs} not reaped by ${e.name} (PID ${ppid}) ${since}`,
        evidence: 'live process scan',
        timeToImpactSeconds: null,
        impactBasis: 'zombies hold no memory, only process-table entries',
        action: init
          ? `A zombie cannot be killed; only its parent can reap it, and here that is PID 1, the init process, which normally reaps on its own. Never stop PID 1; if these stay, the init process itself is at fault.`
          : `A zombie cannot be killed; only its parent can reap it. Restart or stop ${e.name} (PID ${ppid}) when convenient — killing the zombie itself does nothing.`,
        lookCloser: `ps -o pid,ppid,stat,lstart,cmd -p ${ppid}`,
        match: { ...noMatch(), pids: init ? [] : [ppid], alertWords: init ? [] : ['zombie'] },
      });
    }
    for (const o of [...live.snapshot.orphans].sort((x, y) => x.pid - y.pid)) {
      out.push({
        key: `orphan:${o.pid}`,
        headline: `Stop the orphaned ${o.group} tree (PID ${o.pid})`,
        severity: 'warning',
        title: `Orphaned ${o.group} (PID ${o.pid}) holds ${formatBytes(o.rssBytes)} with ${o.treePids.length} descendant${o.treePids.length === 1 ? '' : 's'}`,
        evidence: `live process scan: its session is gone, it is now a child of PID ${o.ppid}`,
        timeToImpactSeconds: null,
        impactBasis: 'memory held now; no growth projected',
        action: `Stop this process tree if no session uses it (launchers such as npx do not pass signals on, so the whole tree must be stopped, by PID).`,
        lookCloser: `ps -o pid,ppid,lstart,rss,cmd --ppid ${o.pid} -p ${o.pid}`,
        match: { ...noMatch(), pids: [o.pid, ...o.treePids], alertWords: ['orphan'] },
      });
    }
    const disk = live.snapshot.docker.status === 'ok' ? live.snapshot.docker.disk : null;
    if (disk) {
      const safe = disk.danglingImages.reclaimableBytes + disk.buildCache.reclaimableBytes + disk.stoppedContainers.reclaimableBytes + disk.anonymousVolumes.reclaimableBytes;
      if (safe >= 100 * 1024 * 1024) {
        out.push({
          key: 'docker-disk',
          headline: 'Reclaim Docker disk space',
          severity: 'info',
          title: `${formatBytes(safe)} of Docker disk space is reclaimable (dangling images, build cache, stopped containers, anonymous volumes)`,
          evidence: `Docker disk usage measured at ${ctx.clock.dateTime(disk.measuredAt)}`,
          timeToImpactSeconds: null,
          impactBasis: 'disk, not memory: no time to impact',
          action: 'Remove the unused images, build cache and stopped containers listed by the fixes.',
          lookCloser: 'docker system df -v',
          match: { ...noMatch(), fixKinds: /^docker\.prune-/ },
        });
      }
    }
  }
  return out.sort(compareFindings);
}

/** What a leaking series measures, in words for a sentence: "memory", "open files", "threads". */
function measureOf(series: string): string {
  if (/\.fds$/.test(series)) return 'open files';
  if (/\.threads$/.test(series)) return 'threads';
  return 'memory';
}

/**
 * One finding per subject (the machine, an application, a container), covering
 * all of its leaking series: "bash: memory, open files and threads keep
 * growing" is one thing to act on, not three. Its time to impact is the
 * soonest projected one.
 */
function leakFindings(ctx: ReportContext, trends: readonly LeakTrend[]): Finding[] {
  const bySubject = new Map<string, LeakTrend[]>();
  for (const tr of trends) {
    const g = GROUP_SERIES.exec(tr.series);
    const c = CONTAINER_SERIES.exec(tr.series);
    const key = g ? `group:${g[1]}` : c ? `container:${c[1]}` : `series:${tr.series}`;
    const list = bySubject.get(key) ?? [];
    list.push(tr);
    bySubject.set(key, list);
  }
  return [...bySubject.entries()].map(([key, list]) => leakFinding(ctx, key, list));
}

function leakFinding(ctx: ReportContext, key: string, list: readonly LeakTrend[]): Finding {
  const horizon = ctx.inputs.settings.alerts.leakHorizonSeconds;
  const etas = list.map((t) => t.etaSeconds).filter((e): e is number => e !== null);
  const eta = etas.length > 0 ? Math.min(...etas) : null;
  const first = list.find((t) => t.etaSeconds === eta) ?? list[0];
  const parts = list.map((tr) => {
    const e = tr.etaSeconds !== null ? `, reaching its limit of ${formatValue(tr.series, tr.limit ?? 0)} in ${formatDuration(tr.etaSeconds)} at this rate (projection)` : '';
    return `${measureOf(tr.series)} ${formatSeriesSlope(tr.series, tr)}${e}`;
  });
  const measures = [...new Set(list.map((t) => measureOf(t.series)))];
  const measureText = measures.length === 1 ? measures[0] : `${measures.slice(0, -1).join(', ')} and ${measures[measures.length - 1]}`;
  const subject = key.slice(key.indexOf(':') + 1);
  const base = {
    key: `leak:${list.map((t) => t.series).join('+')}`,
    severity: (eta !== null && eta <= horizon ? 'critical' : 'warning') as Severity,
    evidence: list.map((tr) => `the live engine's verdict on ${code(tr.series)}: confidence ${formatConfidence(tr)}, trend since ${ctx.clock.dateTime(tr.segmentStart)}`).join('; '),
    timeToImpactSeconds: eta,
    impactBasis:
      eta === null
        ? 'no limit known for these series: nothing projected'
        : `projection: the fitted slope ${formatSeriesSlope(first.series, first)} extended from ${formatValue(first.series, first.level)} to the limit ${formatValue(first.series, first.limit ?? 0)}`,
    lookCloser: `headroom history ${first.series} ${ctx.sinceFlag}`,
  };
  // The live leak alerts about these series, by their ids ("leak:<series>").
  const alertIds = list.map((t) => `leak:${t.series}`);
  if (key.startsWith('group:')) {
    const g = ctx.inputs.live?.snapshot.groups.find((x) => x.name === subject);
    return {
      ...base,
      title: `${subject}: ${measureText} keep${measures.length === 1 && measures[0] === 'memory' ? 's' : ''} growing — ${parts.join('; ')}`,
      headline: `Restart ${subject}: its ${measureText} keep${measures.length === 1 && measures[0] === 'memory' ? 's' : ''} growing`,
      action: `Restart ${subject} when convenient: steady growth of its ${measureText} over this period is a leak in it or in what it loads. If it is an agent or MCP server, ending its session and starting a new one frees it.`,
      match: { ...noMatch(), groups: [subject], pids: g ? g.pids : [], alertIds },
    };
  }
  if (key.startsWith('container:')) {
    // The advice follows the facts: a container that already has a limit is not told to get one.
    const limit = containerLimit(ctx, subject, list);
    return {
      ...base,
      title: `Container ${subject}: memory keeps growing — ${parts.join('; ')}`,
      headline:
        limit === null
          ? `Restart container ${subject} and give it a limit: its memory keeps growing`
          : `Restart container ${subject}: its memory keeps growing toward its ${formatBytes(limit)} limit`,
      action:
        limit === null
          ? `Restart container ${subject} to free its memory now, and give it a memory limit so the leak cannot take the machine.`
          : `Restart container ${subject} to free its memory now; at its ${formatBytes(limit)} limit the kernel OOM-kills it. Raising the limit only buys time: the growth is a leak in what it runs.`,
      match: { ...noMatch(), containers: [subject], alertIds },
    };
  }
  return {
    ...base,
    title: `${subject === 'system.mem.used' ? "The machine's used memory" : describeSeries(subject)} keeps growing — ${parts.join('; ')}`,
    headline: "Find the application behind the machine's memory growth",
    action: 'Look for the application or container that grows with it (top consumers and leak list above) and restart it; if none does, the growth is outside the recorded groups (kernel, smaller processes).',
    match: { ...noMatch(), alertIds },
  };
}

/**
 * A container's memory limit in bytes, or null when it has none: from the live
 * sample, else from history, where "no limit" is recorded as the host's RAM.
 */
function containerLimit(ctx: ReportContext, name: string, list: readonly LeakTrend[]): number | null {
  const c = ctx.inputs.live?.snapshot.containers.find((x) => x.name === name);
  if (c) return c.memLimitBytes;
  const recorded = list.find((t) => t.series === `container.${name}.mem`)?.limit ?? null;
  return recorded !== null && ctx.ramBytes !== null && recorded < ctx.ramBytes ? recorded : null;
}

/**
 * The live fix proposals that address a finding: those the planner linked to an
 * alert about the same subject (alert.fixIds), and those whose targets are the
 * finding's processes or containers. Sorted by id.
 */
export function fixesFor(ctx: ReportContext, f: Finding): FixProposal[] {
  const live = ctx.inputs.live;
  if (!live) return [];
  const m = f.match;
  const ids = new Set<string>();
  const hasSubject = m.groups.length > 0 || m.containers.length > 0 || m.pids.length > 0;
  for (const al of live.alerts) {
    if (al.state === 'resolved') continue;
    const aboutSubject = al.culprit !== null && (m.groups.includes(al.culprit) || m.containers.includes(al.culprit));
    const aboutKind = !hasSubject && m.alertWords.some((w) => al.id.includes(w) || al.rule.includes(w));
    if (al.id === f.key || m.alertIds.includes(al.id) || aboutSubject || aboutKind) for (const id of al.fixIds) ids.add(id);
  }
  const pids = new Set(m.pids);
  for (const p of live.fixes) {
    const onSubject = p.targets.some((t) => (t.kind === 'process' && pids.has(t.pid)) || (t.kind === 'container' && m.containers.includes(t.name)));
    if (m.fixKinds) {
      // Kind-restricted findings (disk waste, a missing limit) take only fixes of that kind.
      if (m.fixKinds.test(p.kind) && (m.containers.length === 0 || onSubject)) ids.add(p.id);
      else ids.delete(p.id);
    } else if (onSubject) ids.add(p.id);
  }
  return live.fixes.filter((p) => ids.has(p.id)).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}

/**
 * Commands a report never prints, whoever proposed them: they match processes
 * by a pattern or signal everything, and kill the wrong things (`pkill -f uv`).
 */
export function isSafeCommand(command: string): boolean {
  return !/\b(pkill|killall|xargs\s+kill)\b|\bkill\s+(-\S+\s+)*-1\b|\bpgrep\b.*\|\s*xargs/.test(command);
}
