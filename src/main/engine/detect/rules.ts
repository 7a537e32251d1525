/**
 * Alert rules: turn a Snapshot and the leak trends into alerts that name their
 * culprit, with the two things that keep an alert list from crying wolf:
 *
 * - sustained-for: a condition must hold for `sustainSeconds` before it fires;
 * - hysteresis: it clears only below a separate, lower level.
 *
 * The list is the truth about the machine: whatever fires is in it, always.
 * Muting is the notifications' business, not the list's (engine/notify/policy.ts):
 * cooldown (a resolved alert that comes back within `cooldownSeconds` does not
 * notify again), snooze (`alerts.snoozed[id]`) and pause (`alerts.pausedUntil`)
 * silence notifications only; the window and the tray keep listing the alert.
 *
 * Transitions are every change of state: fired, escalated to critical, resolved.
 * They come in pairs: a 'resolved' transition only for an alert that fired.
 */

import { formatGroup, formatPercent } from '../../../shared/format.ts';
import { formatBytes, formatDuration, formatEta, formatLevel, formatLevelRate, unitOf } from './format.ts';
import type { Alert, LeakTrend, ProcessGroup, Severity, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';

/** What one rule says about one alert id on this tick. */
export interface Condition {
  id: string;
  rule: string;
  /** 'fire': at or above the firing level; 'hold': between clear and fire level (hysteresis band). */
  level: 'fire' | 'hold';
  severity: Severity;
  title: string;
  detail: string;
  culprit: string | null;
  /** The culprit process's PID, where the condition is about one process (a zombie's parent). */
  culpritPid?: number;
}

interface AlertState {
  phase: 'pending' | 'firing';
  pendingSince: number;
  alert: Alert | null;
}

/** How long a resolved alert stays in the list, so the window and tray can show what just cleared. */
const KEEP_RESOLVED_MS = 10 * 60 * 1000;

export class AlertRules {
  private settings: Settings;
  private readonly states = new Map<string, AlertState>();
  private readonly resolved = new Map<string, Alert>();

  constructor(settings: Settings) {
    this.settings = settings;
  }

  updateSettings(s: Settings): void {
    this.settings = s;
  }

  /**
   * The wall clock jumped by `deltaMs`: conditions still pending keep the
   * time they have really been pending, so a clock set forward does not skip
   * `sustainSeconds` (and one set back does not add an hour to it).
   */
  clockJumped(deltaMs: number): void {
    if (!Number.isFinite(deltaMs)) return;
    for (const st of this.states.values()) if (st.phase === 'pending') st.pendingSince += deltaMs;
  }

  /**
   * Alerts a previous run of the engine left firing (decisions/read.ts): they
   * fire again from the first tick with their original `since` and no new
   * transition, and resolve on that tick if their condition no longer holds.
   */
  resume(alerts: readonly Alert[]): void {
    for (const a of alerts) {
      if (a.state !== 'firing' || this.states.has(a.id)) continue;
      this.states.set(a.id, { phase: 'firing', pendingSince: a.since, alert: { ...a, fixIds: [] } });
    }
  }

  /** Evaluates every rule; returns the current alerts and those whose state changed now. */
  evaluate(s: Snapshot, trends: readonly LeakTrend[], now = s.t): { alerts: Alert[]; transitions: Alert[] } {
    const a = this.settings.alerts;
    const conditions = new Map<string, Condition>();
    for (const c of conditionsFor(s, trends, this.settings)) conditions.set(c.id, c);
    const transitions: Alert[] = [];

    for (const [id, c] of conditions) {
      let st = this.states.get(id);
      if (!st) {
        if (c.level !== 'fire') continue; // the hysteresis band never starts an alert
        st = { phase: 'pending', pendingSince: now, alert: null };
        this.states.set(id, st);
      }
      if (st.phase === 'pending') {
        if (c.level !== 'fire') {
          this.states.delete(id);
          continue;
        }
        if (now - st.pendingSince >= a.sustainSeconds * 1000) {
          st.phase = 'firing';
          st.alert = toAlert(c, now);
          this.resolved.delete(id);
          transitions.push(st.alert);
        }
        continue;
      }
      // Firing: keep the figures fresh; an escalation to critical is a transition of its own.
      const prev = st.alert as Alert;
      const escalated = prev.severity !== 'critical' && c.severity === 'critical';
      st.alert = { ...prev, severity: rank(c.severity) > rank(prev.severity) || c.level === 'fire' ? c.severity : prev.severity, title: c.title, detail: c.detail, culprit: c.culprit };
      if (escalated) transitions.push(st.alert);
    }

    // Conditions that are gone entirely (below the clear level): pending ones drop, firing ones resolve.
    for (const [id, st] of this.states) {
      if (conditions.has(id)) continue;
      this.states.delete(id);
      if (st.phase === 'firing' && st.alert) {
        const done: Alert = { ...st.alert, state: 'resolved', resolvedAt: now, fixIds: [] };
        this.resolved.set(id, done);
        transitions.push(done);
      }
    }
    for (const [id, r] of this.resolved) if (r.resolvedAt !== null && now - r.resolvedAt > KEEP_RESOLVED_MS) this.resolved.delete(id);

    const firing: Alert[] = [];
    for (const st of this.states.values()) if (st.phase === 'firing' && st.alert) firing.push({ ...st.alert, fixIds: [] });
    const recent = [...this.resolved.values()].filter((r) => r.resolvedAt !== null && now - r.resolvedAt <= KEEP_RESOLVED_MS);
    const alerts = [...firing.sort(bySeverityThenTime), ...recent.sort((x, y) => (y.resolvedAt ?? 0) - (x.resolvedAt ?? 0))];
    return { alerts, transitions };
  }
}

function rank(s: Severity): number {
  return s === 'critical' ? 2 : s === 'warning' ? 1 : 0;
}

function bySeverityThenTime(x: Alert, y: Alert): number {
  return rank(y.severity) - rank(x.severity) || x.since - y.since || x.id.localeCompare(y.id);
}

function toAlert(c: Condition, now: number): Alert {
  const a: Alert = { id: c.id, rule: c.rule, severity: c.severity, state: 'firing', title: c.title, detail: c.detail, culprit: c.culprit, since: now, resolvedAt: null, fixIds: [] };
  if (c.culpritPid !== undefined) a.culpritPid = c.culpritPid;
  return a;
}

/** The top application, for naming a whole-machine culprit. */
function topGroup(s: Snapshot): ProcessGroup | undefined {
  return s.groups[0];
}

/** Every rule's condition on this snapshot. Pure. */
export function conditionsFor(s: Snapshot, trends: readonly LeakTrend[], settings: Settings): Condition[] {
  const a = settings.alerts;
  const out: Condition[] = [];
  const m = s.memory;
  const top = topGroup(s);
  const topText = top ? ` — top: ${formatGroup(top.name, top.count, top.rssBytes)}` : '';

  // Memory used, warning and critical, with a clear level `clearMarginPercent` below each.
  const usedPct = (m.usedBytes / m.totalBytes) * 100;
  const clear = a.memWarnPercent - a.clearMarginPercent;
  if (usedPct >= clear) {
    const critical = usedPct >= a.memCritPercent;
    out.push({
      id: 'mem.used',
      rule: 'mem.used',
      level: usedPct >= a.memWarnPercent ? 'fire' : 'hold',
      severity: critical ? 'critical' : 'warning',
      title: `Memory ${formatPercent(usedPct)} used (${formatBytes(m.usedBytes)} of ${formatBytes(m.totalBytes)})${topText}`,
      detail: `Available ${formatBytes(m.availableBytes)}; warning at ${a.memWarnPercent}%, critical at ${a.memCritPercent}%.`,
      culprit: top?.name ?? null,
    });
  }

  // Swap pressure from the swap-in rate or PSI, never from "% of swap used": a full swap that is not being read back is harmless.
  const psi = s.pressure?.someAvg60 ?? 0;
  const swapFire = s.swapInPerSec >= a.swapInPagesPerSec || psi >= a.psiSomeAvg60Percent;
  const swapHold = s.swapInPerSec >= a.swapInPagesPerSec / 2 || psi >= a.psiSomeAvg60Percent / 2;
  if (swapFire || swapHold) {
    const full = s.pressure?.fullAvg10 ?? 0;
    out.push({
      id: 'swap.pressure',
      rule: 'swap.pressure',
      level: swapFire ? 'fire' : 'hold',
      severity: full >= 10 ? 'critical' : 'warning',
      title: `Swap pressure: ${Math.round(s.swapInPerSec)} pages/s swapped in, tasks stalled on memory ${psi.toFixed(1)}% of the last minute${topText}`,
      detail: `Swap ${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)} used. PSI some avg60 ${psi.toFixed(1)}%, full avg10 ${full.toFixed(1)}%.`,
      culprit: top?.name ?? null,
    });
  }

  for (const c of s.containers) {
    // Before the memory rules: a container in a restart loop is mostly down, with no memory figures at all.
    if (c.recentRestarts >= a.restartLoopCount) {
      out.push({
        id: `container.restart-loop:${c.name}`,
        rule: 'container.restart-loop',
        level: 'fire',
        severity: 'critical',
        title: `${c.name} is restarting in a loop: ${c.recentRestarts} restarts in ${formatDuration(a.restartLoopWindowSeconds)} (${c.restartCount} in total)`,
        detail: `State ${c.state}${c.health ? `, health ${c.health}` : ''}${c.oomKilled ? ', last exit was an OOM kill' : ''}.`,
        culprit: c.name,
      });
    }
    if (c.memUsageBytes === null) continue;
    if (c.memLimitBytes !== null && c.memPercent !== null) {
      const fireAt = a.containerLimitPercent;
      if (c.memPercent >= fireAt - a.clearMarginPercent) {
        const critical = c.memPercent >= fireAt + (100 - fireAt) / 2;
        out.push({
          id: `container.limit:${c.name}`,
          rule: 'container.limit',
          level: c.memPercent >= fireAt ? 'fire' : 'hold',
          severity: critical ? 'critical' : 'warning',
          title: `${c.name} at ${formatPercent(c.memPercent)} of its memory limit (${formatBytes(c.memUsageBytes)} / ${formatBytes(c.memLimitBytes)})${critical ? ', OOM kill imminent' : ''}`,
          detail: `Container ${c.id.slice(0, 12)} (${c.image}). OOM-killed before: ${c.oomKilled ? 'yes' : 'no'}.`,
          culprit: c.name,
        });
      }
    } else if (c.memLimitBytes === null && c.memUsageBytes >= a.unboundedContainerBytes * 0.9) {
      out.push({
        id: `container.unbounded:${c.name}`,
        rule: 'container.unbounded',
        level: c.memUsageBytes >= a.unboundedContainerBytes ? 'fire' : 'hold',
        severity: c.memUsageBytes >= m.totalBytes * 0.5 ? 'critical' : 'warning',
        title: `${c.name}: ${formatBytes(c.memUsageBytes)} with NO memory limit`,
        detail: `Container ${c.id.slice(0, 12)} (${c.image}) can grow until the host runs out of memory.`,
        culprit: c.name,
      });
    }
  }

  const disk = dockerDiskCondition(s, a);
  if (disk) out.push(disk);

  // Zombies older than zombieSeconds, one alert per parent: only the parent can reap them.
  const byParent = new Map<number, typeof s.zombies>();
  for (const z of s.zombies) {
    if (z.sinceSeconds < a.zombieSeconds) continue;
    const list = byParent.get(z.ppid) ?? [];
    list.push(z);
    byParent.set(z.ppid, list);
  }
  for (const [ppid, zs] of byParent) {
    out.push({
      id: `zombies:${ppid}`,
      rule: 'zombies',
      level: 'fire',
      severity: 'warning',
      title: `${zs.length} zombie process${zs.length > 1 ? 'es' : ''} not reaped by ${zs[0].parentName} (PID ${ppid}) for ${formatDuration(Math.max(...zs.map((z) => z.sinceSeconds)))}`,
      detail: `Zombies: ${zs.slice(0, 10).map((z) => `${z.pid} ${z.name}`).join(', ')}. Killing a zombie does nothing; its parent must reap it or exit.`,
      culprit: zs[0].parentName,
      culpritPid: ppid,
    });
  }

  if (a.orphanAlerts) {
    const byGroup = new Map<string, typeof s.orphans>();
    for (const o of s.orphans) byGroup.set(o.group, [...(byGroup.get(o.group) ?? []), o]);
    for (const [group, os] of byGroup) {
      const rss = os.reduce((sum, o) => sum + o.rssBytes, 0);
      const procs = os.reduce((sum, o) => sum + 1 + o.treePids.length, 0);
      out.push({
        id: `orphans:${group}`,
        rule: 'orphans',
        level: 'fire',
        severity: 'warning',
        title: `${group}: ${os.length} orphaned tree${os.length > 1 ? 's' : ''} (${procs} processes, ${formatBytes(rss)}) whose session is gone`,
        detail: `Roots: ${os.slice(0, 10).map((o) => `${o.pid}`).join(', ')}, adopted by PID ${os[0].ppid}.`,
        culprit: group,
      });
    }
  }

  // Instance counts above a maximum: agents and MCP servers by default, any group with an explicit maximum.
  for (const g of s.groups) {
    const explicit = a.maxInstances[g.name];
    if (explicit === undefined && g.kind !== 'agent' && g.kind !== 'mcp') continue;
    const max = explicit ?? a.defaultMaxInstances;
    if (g.count <= max) continue;
    out.push({
      id: `instances:${g.name}`,
      rule: 'group.instances',
      level: 'fire',
      severity: 'warning',
      title: `${formatGroup(g.name, g.count, g.rssBytes)}: ${g.count - max} more instances than the maximum of ${max}`,
      detail: `${g.count} processes, ${g.threads} threads${g.fds !== null ? `, ${g.fds} open files` : ''}.`,
      culprit: g.name,
    });
  }

  // Leak trends whose time to exhaustion is inside the horizon. A series with no known limit (open
  // files, threads) has no time to exhaustion: it alerts when it doubles within the horizon.
  // Once growth stopped there is no ETA; the horizon then comes from the trend's own slope, so a pause in
  // growth changes what the alert says ("growth stopped"), not whether it holds: the detector decides that.
  for (const t of trends) {
    if (!t.leaking || !(t.slopePerHour > 0)) continue;
    const slope = t.slopePerHour / 3600;
    const projected = t.growthStopped && t.limit !== null ? Math.max(0, t.limit - t.level) / slope : null;
    const horizon = t.etaSeconds ?? projected ?? t.level / slope;
    if (horizon > a.leakHorizonSeconds) continue;
    out.push(leakCondition(t, s));
  }
  return out;
}

/**
 * Docker disk waste that a prune gives back: dangling images, build cache,
 * anonymous volumes and stopped containers. Named volumes are left out of the
 * sum, as they usually hold data someone meant to keep.
 */
function dockerDiskCondition(s: Snapshot, a: Settings['alerts']): Condition | null {
  const d = s.docker.status === 'ok' ? s.docker.disk : null;
  if (d === null) return null;
  const parts: [string, { count: number; reclaimableBytes: number }][] = [
    ['dangling image', d.danglingImages],
    ['build cache record', d.buildCache],
    ['anonymous volume', d.anonymousVolumes],
    ['stopped container', d.stoppedContainers],
  ];
  const total = parts.reduce((sum, [, p]) => sum + p.reclaimableBytes, 0);
  const threshold = a.dockerReclaimableBytes;
  if (total <= 0 || total < threshold * 0.9) return null;
  const listed = parts.filter(([, p]) => p.count > 0).map(([what, p]) => `${p.count} ${what}${p.count === 1 ? '' : 's'} ${formatBytes(p.reclaimableBytes)}`);
  return {
    id: 'docker.disk',
    rule: 'docker.disk',
    level: total >= threshold ? 'fire' : 'hold',
    severity: 'warning',
    title: `Docker: ${formatBytes(total)} of disk reclaimable — ${listed.join(', ')}`,
    detail: `Removing them frees the space; named volumes (${formatBytes(d.namedUnusedVolumes.reclaimableBytes)} unused) are not counted. Alert at ${formatBytes(threshold)}.`,
    culprit: 'docker',
  };
}

function leakCondition(t: LeakTrend, s: Snapshot): Condition {
  const unit = unitOf(t.series);
  const rate = formatLevelRate(t.slopePerHour, unit);
  // With no limit, the horizon is the doubling time.
  const doubling = (t.level / t.slopePerHour) * 3600;
  const eta = t.etaSeconds;
  const stopped = t.growthStopped === true;
  const severity: Severity = eta !== null && eta <= 3600 ? 'critical' : 'warning';
  const group = /^process\.group\.(.+)\.(rss|fds|threads)$/.exec(t.series);
  const container = /^container\.(.+)\.mem$/.exec(t.series);
  let title: string;
  let culprit: string | null = null;
  if (group) {
    culprit = group[1];
    const g = s.groups.find((x) => x.name === culprit);
    const head = g ? formatGroup(g.name, g.count, g.rssBytes) : culprit;
    const level = unit === 'bytes' ? '' : `${formatLevel(t.level, unit)}, `;
    const when = stopped ? 'growth stopped' : eta !== null ? formatEta(eta, unit) : `doubling in ${formatDuration(doubling)}`;
    title = `${head}, ${level}${stopped ? `was ${rate}` : rate}, ${when}`;
  } else if (container) {
    culprit = container[1];
    const c = s.containers.find((x) => x.name === culprit);
    const bound = c && c.memLimitBytes !== null ? 'reaches its limit' : 'fills the host (no limit)';
    const when = stopped ? 'growth stopped' : eta !== null ? `${bound} in ${formatDuration(eta)}` : `doubling in ${formatDuration(doubling)}`;
    title = `${culprit} — ${formatBytes(t.level)}, ${stopped ? `was ${rate}` : rate}, ${when}`;
  } else {
    const what = t.series === 'system.swap.used' ? 'Swap' : 'Memory';
    const top = s.groups[0];
    culprit = top?.name ?? null;
    const when = stopped ? 'growth stopped' : eta !== null ? `full in ${formatDuration(eta)}` : `doubling in ${formatDuration(doubling)}`;
    title = `${what} ${formatBytes(t.level)} used, ${stopped ? `was ${rate}` : rate}, ${when}${top ? ` — top: ${formatGroup(top.name, top.count, top.rssBytes)}` : ''}`;
  }
  const limit = t.limit === null ? 'unknown' : formatLevel(t.limit, unit);
  return {
    id: `leak:${t.series}`,
    rule: 'leak',
    level: 'fire',
    severity,
    title,
    detail: `Growth ${rate} (90% interval ${formatLevelRate(t.slopeLowPerHour, unit)} to ${formatLevelRate(t.slopeHighPerHour, unit)}), trend strength ${t.strength.toFixed(2)}; now ${formatLevel(t.level, unit)}, limit ${limit}. The time given is a projection of this trend.`,
    culprit,
  };
}
