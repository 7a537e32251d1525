/**
 * The glance menu as a plain model: `buildTrayMenu(state)` is pure, so what the
 * user sees in every situation (calm, warning, a leak with fixes, Docker down)
 * is tested on fixtures, and the Electron glue (src/main/tray.ts) only maps the
 * model onto a Menu and the actions onto calls.
 *
 * Fixes are listed directly under their alert, not in a submenu, so the one
 * thing to do is one click away. A destructive fix carries the confirmation to
 * show first, listing exactly what it touches.
 */

import type { Alert, FixProposal, FixTarget, LeakTrend, Severity, Snapshot } from '../../../shared/model.ts';
import { formatBytes, formatDuration, formatGroup, formatPercent, formatRate } from '../../../shared/format.ts';
import { MACHINE_STATE_LABEL, machineLive } from '../../../shared/machines.ts';
import { alertsPaused, memoryPercent, trendForAlert, type TrayMachine, type TrayState } from './state.ts';

/** What clicking an item does; the glue maps each kind onto one call. */
export type TrayAction =
  /** `machine`: the alert is a followed box's (the window opens on that machine). */
  | { kind: 'open-window'; alertId: string | null; machine?: string }
  /** `machine`: the fix is a followed box's, and runs on that box's engine. */
  | { kind: 'run-fix'; fixId: string; confirm: FixConfirmation | null; machine?: string }
  | { kind: 'export-report' }
  /** Pauses for `forMs` from the moment of the click (a menu can sit open for minutes). */
  | { kind: 'pause-alerts'; forMs: number }
  | { kind: 'resume-alerts' }
  | { kind: 'set-autostart'; enabled: boolean }
  | { kind: 'quit' };

/** The native dialog a destructive fix shows before it runs. */
export interface FixConfirmation {
  title: string;
  message: string;
  /** Every target, one per line, then the equivalent command. */
  detail: string;
  confirmLabel: string;
}

export type TrayMenuItem =
  | { type: 'separator' }
  /** Information only: shown greyed out, does nothing. */
  | { type: 'status'; label: string; tooltip?: string }
  | { type: 'item'; label: string; enabled: boolean; tooltip?: string; action: TrayAction }
  | { type: 'checkbox'; label: string; checked: boolean; enabled: boolean; tooltip?: string; action: TrayAction }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] };

/** How many of each list the menu shows before pointing at the window. */
export const MENU_LIMITS = { apps: 5, alerts: 6, fixesPerAlert: 3, containers: 3, targetsListed: 30, machineAlerts: 3 } as const;

export const PAUSE_MS = 3600_000;
const INDENT = '    ';
const SEVERITY_MARK: Record<Severity, string> = { critical: '✖', warning: '⚠', info: 'ℹ' };
const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const SEP: TrayMenuItem = { type: 'separator' };

/** Builds the whole menu, top to bottom. */
export function buildTrayMenu(state: TrayState): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  if (state.notice) {
    items.push({ type: 'item', label: '⚠ Settings were reset — details in Headroom', enabled: true, tooltip: state.notice, action: { kind: 'open-window', alertId: null } });
    items.push(SEP);
  }
  items.push(...statusLines(state.snapshot));
  items.push(SEP, ...alertLines(state));
  const docker = dockerLines(state);
  if (docker.length > 0) items.push(SEP, ...docker);
  for (const m of state.machines ?? []) items.push(SEP, ...machineLines(m));
  items.push(SEP, ...controlLines(state));
  return items;
}

function statusLines(s: Snapshot | null): TrayMenuItem[] {
  if (!s) return [{ type: 'status', label: 'Measuring memory…' }];
  const m = s.memory;
  const lines: TrayMenuItem[] = [
    { type: 'status', label: `Memory ${formatPercent(memoryPercent(s))} — ${formatBytes(m.usedBytes)} of ${formatBytes(m.totalBytes)}` },
    {
      type: 'status',
      label: m.swapTotalBytes > 0 ? `Swap ${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)}` : 'Swap: none',
    },
    { type: 'status', label: `Load ${s.load.map((l) => l.toFixed(2)).join(' · ')} on ${s.host.cores} cores` },
  ];
  for (const g of s.groups.slice(0, MENU_LIMITS.apps)) {
    lines.push({ type: 'status', label: `${INDENT}${formatGroup(g.name, g.count, g.rssBytes)}` });
  }
  return lines;
}

function alertLines(state: TrayState): TrayMenuItem[] {
  return alertLinesOf(state, { indent: '', limit: MENU_LIMITS.alerts });
}

/** Where a list of alerts comes from: this machine (no `machine`), or a followed box. */
interface AlertSource {
  alerts: readonly Alert[];
  fixes: readonly FixProposal[];
  trends: readonly LeakTrend[];
}

/** Firing alerts, most severe first, each with its fixes under it; a box's carry its name in their actions. */
function alertLinesOf(src: AlertSource, o: { indent: string; limit: number; machine?: string }): TrayMenuItem[] {
  const firing = src.alerts
    .filter((a) => a.state === 'firing')
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.since - b.since);
  if (firing.length === 0) return [{ type: 'status', label: `${o.indent}✓ No alerts` }];
  const byId = new Map(src.fixes.map((f) => [f.id, f]));
  const on = o.machine === undefined ? {} : { machine: o.machine };
  const out: TrayMenuItem[] = [];
  for (const a of firing.slice(0, o.limit)) {
    out.push({ type: 'item', label: `${o.indent}${alertLabel(a, src)}`, enabled: true, tooltip: a.detail || undefined, action: { kind: 'open-window', alertId: a.id, ...on } });
    const fixes = a.fixIds.map((id) => byId.get(id)).filter((f): f is FixProposal => f !== undefined);
    for (const f of fixes.slice(0, MENU_LIMITS.fixesPerAlert)) out.push(fixItem(f, o.indent + INDENT, undefined, o.machine));
  }
  if (firing.length > o.limit) {
    out.push({ type: 'item', label: `${o.indent}${firing.length - o.limit} more alerts in Headroom…`, enabled: true, action: { kind: 'open-window', alertId: null, ...on } });
  }
  return out;
}

/**
 * A followed box's section: its name and memory (or why there is no live
 * data), then its firing alerts with their fixes, which run on that box.
 */
function machineLines(m: TrayMachine): TrayMenuItem[] {
  const { status: st, snapshot: s } = m;
  const name = st.name;
  if (!machineLive(st) || !s) {
    const label = st.state === 'ok' ? 'connecting…' : MACHINE_STATE_LABEL[st.state];
    const out: TrayMenuItem[] = [{ type: 'status', label: `${name} — ${label}`, tooltip: st.reason ?? undefined }];
    if (st.reason) out.push({ type: 'status', label: `${INDENT}${st.reason.length > 90 ? `${st.reason.slice(0, 89)}…` : st.reason}`, tooltip: st.reason });
    return out;
  }
  const memory = `Memory ${formatPercent(memoryPercent(s))} — ${formatBytes(s.memory.usedBytes)} of ${formatBytes(s.memory.totalBytes)}`;
  const slow = st.state === 'slow' ? ` (${MACHINE_STATE_LABEL.slow})` : '';
  return [
    { type: 'status', label: `${name} — ${memory}${slow}`, tooltip: st.reason ?? `${st.destination}, over SSH` },
    ...alertLinesOf({ alerts: m.alerts, fixes: m.fixes, trends: [] }, { indent: INDENT, limit: MENU_LIMITS.machineAlerts, machine: name }),
  ];
}

/** "⚠ claude ×16 — 5.4 GB, +1.2 GB/h, full in ~2 h 40 min": the detector's title, with the trend added when the title lacks it. */
function alertLabel(a: Alert, state: Pick<AlertSource, 'trends'>): string {
  let label = `${SEVERITY_MARK[a.severity]} ${a.title}`;
  const trend = trendForAlert(a, state.trends);
  if (trend && !a.title.includes('/h')) {
    label += `, ${formatRate(trend.slopePerHour)}`;
    if (trend.growthStopped) label += ', growth stopped';
    else if (trend.etaSeconds !== null) label += `, full in ${formatDuration(trend.etaSeconds)}`;
  }
  return label;
}

/** A fix as a menu item: a destructive one ends in "…" (it asks first) and carries its confirmation. */
function fixItem(f: FixProposal, indent: string, labelOverride?: string, machine?: string): TrayMenuItem {
  const size = f.expectedBytes > 0 ? ` (~${formatBytes(f.expectedBytes)})` : '';
  const label = labelOverride ?? `${indent}${f.title}${f.destructive ? '…' : ''}${size}`;
  return {
    type: 'item',
    label,
    enabled: true,
    tooltip: f.reason || undefined,
    action: { kind: 'run-fix', fixId: f.id, confirm: f.destructive ? fixConfirmation(f, machine) : null, ...(machine === undefined ? {} : { machine }) },
  };
}

/** The dialog for a destructive fix: what it does, every target it touches, and the command a user could type instead. */
export function fixConfirmation(f: FixProposal, machine?: string): FixConfirmation {
  const n = f.targets.length;
  const listed = f.targets.slice(0, MENU_LIMITS.targetsListed).map((t) => `• ${describeTarget(t)}`);
  if (n > MENU_LIMITS.targetsListed) {
    const rest = f.targets.slice(MENU_LIMITS.targetsListed).map(shortTarget).join(', ');
    listed.push(`• and ${n - MENU_LIMITS.targetsListed} more: ${rest}`);
  }
  const lines = [`It touches ${n === 1 ? 'this' : `these ${n}`}:`, ...listed];
  if (f.expectedBytes > 0) lines.push('', `Expected to free about ${formatBytes(f.expectedBytes)}.`);
  if (!f.undoable) lines.push('This cannot be undone.');
  if (f.command) lines.push('', `The same by hand: ${f.command}`);
  return {
    title: 'Headroom',
    // On a followed box the dialog says where: the same title could describe this machine's processes.
    message: machine === undefined ? `${f.title}?` : `On ${machine}: ${f.title}?`,
    detail: lines.join('\n'),
    confirmLabel: f.title.split(' ')[0] || 'Run',
  };
}

function describeTarget(t: FixTarget): string {
  switch (t.kind) {
    case 'process':
      return `process ${t.name} (PID ${t.pid}) — ${formatBytes(t.rssBytes)}`;
    case 'container':
      return `container ${t.name} (${t.id.slice(0, 12)})`;
    case 'docker-object':
      return `${t.objectType === 'build-cache' ? 'build cache' : t.objectType} ${t.name || t.id.slice(0, 12)} — ${formatBytes(t.bytes)}`;
  }
}

function shortTarget(t: FixTarget): string {
  switch (t.kind) {
    case 'process':
      return `${t.name} ${t.pid}`;
    case 'container':
      return t.name;
    case 'docker-object':
      return t.name || t.id.slice(0, 12);
  }
}

function dockerLines(state: TrayState): TrayMenuItem[] {
  const s = state.snapshot;
  if (!s) return [];
  const d = s.docker;
  switch (d.status) {
    case 'disabled':
      return [];
    case 'not-installed':
      return [{ type: 'status', label: 'Docker: not installed', tooltip: d.message ?? undefined }];
    case 'not-running':
      return [{ type: 'status', label: 'Docker: not running', tooltip: d.message ?? undefined }];
    case 'error':
      return [{ type: 'status', label: `Docker: unreachable${d.message ? ` — ${d.message.slice(0, 80)}` : ''}`, tooltip: d.message ?? undefined }];
    case 'ok':
      break;
  }
  const running = s.containers.filter((c) => c.state === 'running');
  const out: TrayMenuItem[] = [{ type: 'status', label: `Docker: ${running.length} running` }];
  const top = [...running].sort((a, b) => (b.memUsageBytes ?? 0) - (a.memUsageBytes ?? 0)).slice(0, MENU_LIMITS.containers);
  for (const c of top) {
    const used = c.memUsageBytes === null ? 'measuring…' : formatBytes(c.memUsageBytes);
    const limit =
      c.memLimitBytes === null
        ? c.memUsageBytes === null
          ? ''
          : ', no limit'
        : ` of ${formatBytes(c.memLimitBytes)}${c.memPercent === null ? '' : ` (${formatPercent(c.memPercent)})`}`;
    out.push({ type: 'status', label: `${INDENT}${c.name} — ${used}${limit}` });
  }
  const waste = reclaimableBytes(s);
  if (waste > 0) {
    out.push({ type: 'status', label: `Docker disk: ${formatBytes(waste)} reclaimable` });
    const prune = state.fixes.find((f) => /prune/i.test(f.kind));
    if (prune) out.push(fixItem(prune, '', `Prune… (${formatBytes(prune.expectedBytes > 0 ? prune.expectedBytes : waste)})`));
  }
  return out;
}

/** Disk a prune could give back: dangling images, anonymous volumes, build cache and stopped containers (never named volumes). */
export function reclaimableBytes(s: Snapshot): number {
  const disk = s.docker.disk;
  if (!disk) return 0;
  return (
    disk.danglingImages.reclaimableBytes +
    disk.anonymousVolumes.reclaimableBytes +
    disk.buildCache.reclaimableBytes +
    disk.stoppedContainers.reclaimableBytes
  );
}

function controlLines(state: TrayState): TrayMenuItem[] {
  const out: TrayMenuItem[] = [{ type: 'item', label: 'Open Headroom', enabled: true, action: { kind: 'open-window', alertId: null } }];
  const report = state.reportAvailable === true;
  out.push({
    type: 'item',
    label: report ? 'Export report…' : 'Export report… (history is off)',
    enabled: report,
    tooltip: report ? 'Save a report of the last 24 hours: memory, applications, containers, alerts and fixes' : 'Needs history recording, which is off',
    action: { kind: 'export-report' },
  });
  if (alertsPaused(state.settings, state.now)) {
    out.push({ type: 'status', label: `Alerts paused — ${formatDuration((state.settings.alerts.pausedUntil - state.now) / 1000)} left` });
    out.push({ type: 'item', label: 'Resume alerts', enabled: true, action: { kind: 'resume-alerts' } });
  } else {
    out.push({ type: 'item', label: 'Pause alerts for 1 hour', enabled: true, action: { kind: 'pause-alerts', forMs: PAUSE_MS } });
  }
  out.push({
    type: 'checkbox',
    label: 'Start at login',
    checked: state.autostart === true,
    enabled: state.autostart !== null,
    tooltip: state.autostart === null ? 'Not available in this build' : undefined,
    action: { kind: 'set-autostart', enabled: state.autostart !== true },
  });
  out.push(SEP, { type: 'item', label: 'Quit Headroom', enabled: true, action: { kind: 'quit' } });
  return out;
}
