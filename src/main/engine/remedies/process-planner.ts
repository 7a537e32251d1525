/**
 * The process fix planner: from one Snapshot, the live process table and the
 * alerts, proposes the narrow fixes users otherwise do with blunt scripts
 * (`pkill -9 -f "npm exec"`, `pgrep claude | tail -n +5 | xargs kill`):
 *
 * - stop the excess instances of an application, keeping N by a keep policy;
 * - stop an orphaned MCP/agent process tree, children first (npx does not
 *   forward signals, so stopping only the launcher leaves the server running);
 * - ask the parent of zombies to reap them (SIGCHLD) — only a parent can reap
 *   its children — and, once that was tried and they remain, stop the parent;
 * - stop the largest process of an application an alert names, gracefully.
 *
 * Pure over its inputs; every target passes the guards (guards.ts) first. The
 * runner re-checks each target against a fresh read of /proc before acting.
 */

import type { Alert, GroupKind, ProcessTarget, Snapshot } from '../../../shared/model.ts';
import { formatBytes } from '../../../shared/format.ts';
import { safeText } from '../../../shared/safe-text.ts';
import type { Settings } from '../../../shared/settings.ts';
import { alertsAboutGroup, alertsOfKind, culpritGroups, machineMemoryAlerts, zombieAlertsOfParent } from './alert-links.ts';
import { checkTarget, type GuardContext, type GuardSubject, type GuardVerdict } from './guards.ts';
import { chooseKeep, describeKeep } from './keep-policy.ts';
import type { ProposalDraft } from './provider.ts';

export const PROCESS_FIX_KINDS = {
  stopExcess: 'process.stop-excess',
  stopTree: 'process.stop-tree',
  stop: 'process.stop',
  reapZombies: 'process.reap-zombies',
  stopZombieParent: 'process.stop-zombie-parent',
} as const;

/** Kinds whose targets are stopped (SIGTERM, grace period, SIGKILL). */
export const STOP_KINDS: ReadonlySet<string> = new Set([
  PROCESS_FIX_KINDS.stopExcess,
  PROCESS_FIX_KINDS.stopTree,
  PROCESS_FIX_KINDS.stop,
  PROCESS_FIX_KINDS.stopZombieParent,
]);

/** A process as the planner sees it; the engine's ProcEntry fits. */
export interface PlannerProc extends GuardSubject {
  startTime: number;
  rssBytes: number;
}

export interface ProcessPlanInput {
  snapshot: Snapshot;
  alerts: readonly Alert[];
  settings: Settings;
  procs: ReadonlyMap<number, PlannerProc>;
  guard: GuardContext;
  /** Epoch ms a process last used CPU (for the `active` keep policy); 0 when unknown. */
  lastActive?: (pid: number, startTime: number) => number;
  /** Was a SIGCHLD reminder already sent to this parent (same PID and start time)? */
  reapTried?: (pid: number, startTime: number) => boolean;
}

/** What a zombie fix remembers about the zombies it is for (identity only). */
export interface ZombieRef {
  pid: number;
  startTime: number;
}

const MACHINE_ALERT_FIXES = 3;

/** Plans the process fixes. Pure: reads only its input. */
export function planProcessFixes(input: ProcessPlanInput): ProposalDraft[] {
  const plan = new Planner(input);
  const drafts = [...plan.stopExcess(), ...plan.orphanTrees(), ...plan.stopLargest(), ...plan.zombies()];
  // Fixes that free memory also address the whole-machine memory alerts; the biggest few are offered there.
  const machine = machineMemoryAlerts(input.alerts);
  if (machine.length > 0) {
    const freeing = drafts.filter((d) => STOP_KINDS.has(d.kind) && d.expectedBytes > 0).sort((a, b) => b.expectedBytes - a.expectedBytes);
    for (const d of freeing.slice(0, MACHINE_ALERT_FIXES)) d.addresses.push(...machine.filter((id) => !d.addresses.includes(id)));
  }
  return drafts;
}

class Planner {
  private readonly children = new Map<number, number[]>();
  private readonly verdicts = new Map<number, GuardVerdict>();
  /** The application each PID was grouped into, so a protected group protects every member, children included. */
  private readonly groupOf = new Map<number, string>();
  private readonly graceText: string;

  constructor(private readonly input: ProcessPlanInput) {
    for (const p of input.procs.values()) {
      if (p.kernelThread) continue;
      let list = this.children.get(p.ppid);
      if (list === undefined) this.children.set(p.ppid, (list = []));
      list.push(p.pid);
    }
    for (const g of input.snapshot.groups) for (const pid of g.pids) this.groupOf.set(pid, g.name);
    const g = input.settings.remedies.graceSeconds;
    this.graceText = `SIGTERM first, then SIGKILL only if it is still running after ${g} s`;
  }

  /**
   * The guard verdict for a live process, judged with its own group (cached for
   * this pass) and, when given, the group a fix acts for: a child of a stopped
   * instance that belongs to a protected group is refused like any member.
   */
  private verdict(p: PlannerProc, group?: string): GuardVerdict {
    const key = p.pid;
    let v = this.verdicts.get(key);
    if (v === undefined) {
      v = checkTarget(p, this.input.guard, this.groupOf.get(key));
      this.verdicts.set(key, v);
    }
    if (v.ok && group !== undefined && group !== this.groupOf.get(key)) return checkTarget(p, this.input.guard, group);
    return v;
  }

  /** A target that remembers the groups whose protection applies to it, for the check right before acting. */
  private target(p: PlannerProc, actsFor?: string): ProcessTarget {
    const own = this.groupOf.get(p.pid);
    const groups = [...new Set([own, actsFor].filter((g): g is string => g !== undefined))];
    const t = toTarget(p);
    return groups.length > 0 ? { ...t, groups } : t;
  }

  private live(pid: number): PlannerProc | null {
    const p = this.input.procs.get(pid);
    if (p === undefined || p.kernelThread || p.state === 'Z' || p.state === 'X') return null;
    return p;
  }

  /**
   * The descendants of `pid` that may be stopped, deepest first, so children go
   * before their parents. Guarded or dead descendants are left out (and counted).
   */
  private tree(pid: number, spare?: ReadonlySet<number>): { members: PlannerProc[]; leftOut: number; otherUser: boolean } {
    const order: number[] = [];
    const seen = new Set<number>([pid]);
    const queue = [pid];
    while (queue.length > 0 && order.length < 10000) {
      const p = queue.shift() as number;
      for (const c of this.children.get(p) ?? []) {
        // A spared process (an instance being kept) is not stopped, and neither is anything below it.
        if (seen.has(c) || spare?.has(c)) continue;
        seen.add(c);
        order.push(c);
        queue.push(c);
      }
    }
    const members: PlannerProc[] = [];
    let leftOut = 0;
    let otherUser = false;
    for (let i = order.length - 1; i >= 0; i--) {
      const p = this.input.procs.get(order[i]);
      if (p === undefined || p.state === 'Z' || p.state === 'X') continue; // zombies go with their parent
      const v = this.verdict(p);
      if (!v.ok) {
        leftOut++;
        continue;
      }
      otherUser ||= v.otherUser;
      members.push(p);
    }
    return { members, leftOut, otherUser };
  }

  // ── stop the excess instances of an application ─────────────────────────

  stopExcess(): ProposalDraft[] {
    const { settings, snapshot, alerts } = this.input;
    const out: ProposalDraft[] = [];
    const maxes = settings.alerts.maxInstances;
    for (const g of snapshot.groups) {
      const explicit = Object.hasOwn(maxes, g.name);
      if (!explicit && g.kind !== 'agent' && g.kind !== 'mcp') continue;
      const max = explicit ? maxes[g.name] : settings.alerts.defaultMaxInstances;
      const members: PlannerProc[] = [];
      for (const pid of g.pids) {
        const p = this.live(pid);
        if (p) members.push(p);
      }
      const memberPids = new Set(members.map((p) => p.pid));
      // An instance is a member whose parent is not in the application (its own children come with it).
      const roots = members.filter((p) => !memberPids.has(p.ppid));
      if (roots.length <= max) continue;

      const keepN = Math.min(settings.remedies.keepInstances, max);
      const forced: PlannerProc[] = [];
      const candidates: { proc: PlannerProc; pid: number; startTime: number; ttyNr: number; lastActive: number; otherUser: boolean }[] = [];
      for (const r of roots) {
        const v = this.verdict(r, g.name);
        if (!v.ok) forced.push(r);
        else {
          const lastActive = this.input.lastActive?.(r.pid, r.startTime) ?? 0;
          candidates.push({ proc: r, pid: r.pid, startTime: r.startTime, ttyNr: r.ttyNr, lastActive, otherUser: v.otherUser });
        }
      }
      const policy = settings.remedies.keepPolicy;
      const { keep, stop } = chooseKeep(candidates, policy, Math.max(0, keepN - forced.length));
      if (stop.length === 0) continue;

      const spare = new Set([...forced.map((p) => p.pid), ...keep.map((p) => p.pid)]);
      const targets: ProcessTarget[] = [];
      const taken = new Set<number>();
      let children = 0;
      let leftOut = 0;
      let otherUser = false;
      for (const r of stop) {
        const t = this.tree(r.pid, spare);
        for (const m of [...t.members, r.proc]) {
          if (taken.has(m.pid)) continue;
          taken.add(m.pid);
          targets.push(this.target(m, g.name));
          if (m !== r.proc) children++;
        }
        leftOut += t.leftOut;
        otherUser ||= t.otherUser || r.otherUser;
      }
      const name = displayName(g.name);
      const keptText =
        forced.length === 0
          ? describeKeep(policy, keep.length)
          : keep.length === 0
            ? `the ${forced.length} protected`
            : `${forced.length} protected and ${describeKeep(policy, keep.length)}`;
      const bytes = sumRss(targets);
      const reason = [
        `${name} has ${roots.length} instances, above ${explicit ? 'its configured maximum' : 'the default maximum'} of ${max}.`,
        `Stopping ${stop.length} (keeping ${keptText}) gives back about ${formatBytes(bytes)}.`,
        children > 0 ? `Their ${children} child process${children === 1 ? '' : 'es'} go${children === 1 ? 'es' : ''} with them, children first.` : '',
        leftOut > 0 ? `${leftOut} protected child process${leftOut === 1 ? ' is' : 'es are'} left alone.` : '',
        `Each gets ${this.graceText}. Unsaved work in those sessions is lost.`,
      ];
      out.push(
        draft({
          kind: PROCESS_FIX_KINDS.stopExcess,
          title: `Stop ${stop.length} of ${roots.length} ${name} instances (keep ${keptText})`,
          targets,
          expectedBytes: bytes,
          risk: 'medium',
          destructive: true,
          command: killCommand('TERM', targets),
          reason,
          addresses: alertsAboutGroup(alerts, g.name),
          otherUser,
        }),
      );
    }
    return out;
  }

  // ── stop an orphaned MCP/agent process tree ─────────────────────────────

  orphanTrees(): ProposalDraft[] {
    const { snapshot, alerts } = this.input;
    const out: ProposalDraft[] = [];
    for (const o of snapshot.orphans) {
      const root = this.live(o.pid);
      if (root === null) continue;
      const v = this.verdict(root, o.group);
      if (!v.ok) continue;
      const tree = this.tree(root.pid);
      const targets = [...tree.members.map((m) => this.target(m, o.group)), this.target(root, o.group)];
      const name = displayName(root.name);
      const n = tree.members.length;
      const bytes = sumRss(targets);
      out.push(
        draft({
          kind: PROCESS_FIX_KINDS.stopTree,
          title: `Stop orphaned ${displayName(o.group)} (PID ${root.pid}${n > 0 ? ` and its ${n} child process${n === 1 ? '' : 'es'}` : ''})`,
          targets,
          expectedBytes: bytes,
          risk: 'low',
          destructive: true,
          command: killCommand('TERM', targets),
          reason: [
            `${name} (PID ${root.pid}) outlived the session that started it: its parent is now PID ${root.ppid}.`,
            'npx and npm exec do not pass signals on to the server they start, so the whole tree is stopped, children first.',
            tree.leftOut > 0 ? `${tree.leftOut} protected process${tree.leftOut === 1 ? ' is' : 'es are'} left alone.` : '',
            `Each gets ${this.graceText}. Gives back about ${formatBytes(bytes)}.`,
          ],
          addresses: [...alertsOfKind(alerts, 'orphans', [o.group, o.name]), ...alertsAboutGroup(alerts, o.group)],
          otherUser: tree.otherUser || v.otherUser,
        }),
      );
    }
    return out;
  }

  // ── stop the largest process of an application an alert names ──────────

  stopLargest(): ProposalDraft[] {
    const { snapshot, alerts } = this.input;
    const out: ProposalDraft[] = [];
    const byName = new Map(snapshot.groups.map((g) => [g.name, g]));
    for (const [groupName, alert] of culpritGroups(alerts, new Set(byName.keys()))) {
      const g = byName.get(groupName);
      if (g === undefined || g.kind === 'system' || g.kind === 'container') continue;
      let largest: PlannerProc | null = null;
      for (const pid of g.pids) {
        const p = this.live(pid);
        if (p === null || !this.verdict(p, g.name).ok) continue;
        if (largest === null || p.rssBytes > largest.rssBytes || (p.rssBytes === largest.rssBytes && p.pid > largest.pid)) largest = p;
      }
      if (largest === null) continue;
      const v = this.verdict(largest, g.name) as { ok: true; otherUser: boolean };
      const tree = this.tree(largest.pid);
      const targets = [...tree.members.map((m) => this.target(m, g.name)), this.target(largest, g.name)];
      const n = tree.members.length;
      const bytes = sumRss(targets);
      out.push(
        draft({
          kind: PROCESS_FIX_KINDS.stop,
          title: `Stop ${displayName(largest.name)} (PID ${largest.pid}, ${formatBytes(largest.rssBytes)}), the largest process of ${displayName(g.name)}${n > 0 ? ` with its ${n} child process${n === 1 ? '' : 'es'}` : ''}`,
          targets,
          expectedBytes: bytes,
          risk: riskOfKind(g.kind),
          destructive: true,
          command: killCommand('TERM', targets),
          reason: [`${displayName(alert.title)}.`, `It gets ${this.graceText}. Gives back about ${formatBytes(bytes)}.`],
          addresses: alertsAboutGroup(alerts, g.name),
          otherUser: v.otherUser || tree.otherUser,
        }),
      );
    }
    return out;
  }

  // ── zombies: remind the parent, then stop it ────────────────────────────

  zombies(): ProposalDraft[] {
    const { snapshot, alerts, procs } = this.input;
    const byParent = new Map<number, ZombieRef[]>();
    for (const z of snapshot.zombies) {
      const e = procs.get(z.pid);
      if (e === undefined || e.state !== 'Z' || e.ppid !== z.ppid) continue;
      let list = byParent.get(z.ppid);
      if (list === undefined) byParent.set(z.ppid, (list = []));
      list.push({ pid: z.pid, startTime: e.startTime });
    }
    const out: ProposalDraft[] = [];
    for (const [ppid, zombies] of byParent) {
      const parent = this.live(ppid);
      if (parent === null) continue;
      const v = this.verdict(parent);
      if (!v.ok) continue;
      const name = displayName(parent.name);
      const count = `${zombies.length} zombie${zombies.length === 1 ? '' : 's'}`;
      const target = this.target(parent);
      const tried = this.input.reapTried?.(parent.pid, parent.startTime) === true;
      const params = { zombies: zombies.map((z) => ({ pid: z.pid, startTime: z.startTime })) };
      const zombieAlerts = zombieAlertsOfParent(alerts, ppid);
      if (!tried) {
        out.push(
          draft({
            kind: PROCESS_FIX_KINDS.reapZombies,
            title: `Ask ${name} (PID ${parent.pid}) to reap its ${count}`,
            targets: [target],
            expectedBytes: 0,
            risk: 'low',
            destructive: false,
            command: `kill -CHLD ${parent.pid}`,
            reason: [
              `${count} of ${name} (PID ${zombies.map((z) => z.pid).slice(0, 20).join(', ')}) ${zombies.length === 1 ? 'has' : 'have'} exited but ${zombies.length === 1 ? 'was' : 'were'} never reaped.`,
              'Killing a zombie does nothing: only its parent can reap it. SIGCHLD reminds the parent; if the zombies remain, the next fix offered stops the parent.',
            ],
            addresses: zombieAlerts,
            otherUser: v.otherUser,
            params,
          }),
        );
      } else {
        out.push(
          draft({
            kind: PROCESS_FIX_KINDS.stopZombieParent,
            title: `Stop ${name} (PID ${parent.pid}): it does not reap its ${count}`,
            targets: [target],
            expectedBytes: parent.rssBytes,
            risk: 'medium',
            destructive: true,
            command: `kill -TERM ${parent.pid}`,
            reason: [
              `${name} ignored SIGCHLD and still has ${count}.`,
              `Once it is stopped, its zombies pass to init, which reaps them. It gets ${this.graceText}.`,
            ],
            addresses: zombieAlerts,
            otherUser: v.otherUser,
            params,
          }),
        );
      }
    }
    return out;
  }
}

function draft(d: {
  kind: string;
  title: string;
  targets: ProcessTarget[];
  expectedBytes: number;
  risk: ProposalDraft['risk'];
  destructive: boolean;
  command: string;
  reason: string[];
  addresses: string[];
  otherUser: boolean;
  params?: Record<string, unknown>;
}): ProposalDraft {
  let reason = d.reason.filter((s) => s.length > 0).join(' ');
  let title = d.title;
  const params: Record<string, unknown> = { ...d.params };
  if (d.otherUser) {
    // Headroom runs as root and some targets belong to other users: the proposal must say so, and the runner
    // refuses other users' processes for any proposal without this flag.
    title += ' — includes other users’ processes';
    reason = `Headroom runs as root, and some of these processes belong to other users. ${reason}`;
    params.otherUsers = true;
  }
  return {
    kind: d.kind,
    title,
    targets: d.targets,
    expectedBytes: d.expectedBytes,
    risk: d.risk,
    destructive: d.destructive,
    undoable: false,
    command: d.command,
    reason,
    addresses: [...new Set(d.addresses)],
    params,
  };
}

function toTarget(p: PlannerProc): ProcessTarget {
  return { kind: 'process', pid: p.pid, startTime: p.startTime, name: displayName(p.name), rssBytes: p.rssBytes };
}

function sumRss(targets: readonly ProcessTarget[]): number {
  let s = 0;
  for (const t of targets) s += t.rssBytes;
  return s;
}

/** `kill -TERM 123 456`: what a user could type instead. PIDs only, never a name or a pattern. */
function killCommand(signal: string, targets: readonly ProcessTarget[]): string {
  return `kill -${signal} ${targets.map((t) => t.pid).join(' ')}`;
}

function riskOfKind(kind: GroupKind): ProposalDraft['risk'] {
  return kind === 'editor' || kind === 'browser' ? 'high' : 'medium';
}

/**
 * A process or group name as it may appear in a title: untrusted text (see
 * shared/safe-text.ts: control and bidirectional-text characters replaced),
 * cut to a readable length.
 */
export function displayName(name: string, max = 64): string {
  return safeText(name, max);
}
