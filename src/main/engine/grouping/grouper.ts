/**
 * Turns the process table into applications ("claude ×16 — 5.4 GB"), zombies
 * (with the parent that failed to reap them) and orphans (agent and MCP
 * processes whose launching session is gone).
 *
 * Rule verdicts are cached on each process entry, so regular expressions run
 * once per process lifetime, not once per scan.
 */

import type { GroupKind, Orphan, ProcessGroup, Zombie } from '../../../shared/model.ts';
import type { GroupRule } from '../../../shared/settings.ts';
import type { ProcEntry } from '../platform/linux/process-table.ts';
import { MAX_USER_SUBJECT, userPatternProblem } from './safe-pattern.ts';

interface CompiledRule {
  rule: GroupRule;
  exe: Set<string> | null;
  re: RegExp | null;
  /** A user rule: its pattern sees at most MAX_USER_SUBJECT characters (safe-pattern.ts). */
  user: boolean;
}

/** A process's own rule verdict. `weak` verdicts (plain runtimes) yield to an absorbing ancestor. */
export interface RuleVerdict {
  name: string;
  kind: GroupKind;
  absorb: boolean;
  weak: boolean;
}

const NO_RULE: RuleVerdict = { name: '', kind: 'other', absorb: false, weak: true };

/** Parents that adopt orphans: PID 1 or a known subreaper/init. */
const ADOPTERS = new Set(['systemd', 'init', 'tini', 'dumb-init', 's6-svscan', 'runit', 'catatonit', 'launchd']);

export class Grouper {
  private compiled: CompiledRule[] = [];

  constructor(userRules: readonly GroupRule[], defaults: readonly GroupRule[]) {
    this.setRules(userRules, defaults);
  }

  /**
   * Replaces the rules. A user rule with an invalid regular expression, or one
   * that could backtrack catastrophically (safe-pattern.ts), is skipped with
   * a problem line, never fatal. Settings refuse such rules already; this
   * keeps the engine safe from any other caller.
   */
  setRules(userRules: readonly GroupRule[], defaults: readonly GroupRule[]): string[] {
    const problems: string[] = [];
    this.compiled = [];
    const users = new Set(userRules);
    for (const rule of [...userRules, ...defaults]) {
      const user = users.has(rule);
      let re: RegExp | null = null;
      if (rule.cmdline) {
        const problem = user ? userPatternProblem(rule.name, rule.cmdline) : null;
        if (problem) {
          problems.push(problem);
          continue;
        }
        try {
          re = new RegExp(rule.cmdline);
        } catch (err) {
          problems.push(`group rule "${rule.name}": bad cmdline pattern (${(err as Error).message})`);
          continue;
        }
      }
      const exe = rule.exe && rule.exe.length > 0 ? new Set(rule.exe.map((e) => e.toLowerCase())) : null;
      if (!exe && !re) {
        problems.push(`group rule "${rule.name}": needs exe or cmdline`);
        continue;
      }
      this.compiled.push({ rule, exe, re, user });
    }
    return problems;
  }

  /** Forget cached verdicts, after the rules change. */
  invalidate(entries: Iterable<ProcEntry>): void {
    for (const e of entries) e.rule = undefined;
  }

  /** The first rule that matches a process, or NO_RULE. Pure apart from the cache on the entry. */
  verdict(e: ProcEntry): RuleVerdict {
    if (e.rule !== undefined) return e.rule as RuleVerdict;
    const v = this.match(e);
    e.rule = v;
    return v;
  }

  private match(e: ProcEntry): RuleVerdict {
    if (e.kernelThread) return NO_RULE;
    const name = e.name.toLowerCase();
    const comm = e.comm.toLowerCase();
    const cmd = e.cmdline || e.name;
    for (const c of this.compiled) {
      let m: RegExpExecArray | null = null;
      let hit = false;
      if (c.exe && (c.exe.has(name) || c.exe.has(comm))) hit = true;
      if (!hit && c.re) {
        m = c.re.exec(c.user && cmd.length > MAX_USER_SUBJECT ? cmd.slice(0, MAX_USER_SUBJECT) : cmd);
        hit = m !== null;
      }
      if (!hit) continue;
      const groupName = c.rule.name.replace(/\$1/g, m?.[1] ?? e.name);
      return {
        name: groupName,
        kind: c.rule.kind,
        absorb: c.rule.absorbChildren === true,
        weak: c.rule.kind === 'runtime' && c.rule.absorbChildren !== true,
      };
    }
    return NO_RULE;
  }

  /**
   * The application a process belongs to: its own strong rule; else the nearest
   * ancestor whose rule absorbs children (a browser's content processes, an npx
   * tree); else its own weak rule; else its executable name.
   */
  resolve(e: ProcEntry, entries: ReadonlyMap<number, ProcEntry>): { name: string; kind: GroupKind } {
    const own = this.verdict(e);
    if (own.name && !own.weak) return own;
    let p = entries.get(e.ppid);
    for (let depth = 0; p !== undefined && depth < 32 && p.pid > 1; depth++) {
      const v = this.verdict(p);
      if (v.name && v.absorb) return v;
      p = entries.get(p.ppid);
    }
    if (own.name) return own;
    return { name: e.name || e.comm, kind: 'other' };
  }
}

export interface GroupingResult {
  groups: ProcessGroup[];
  zombies: Zombie[];
  orphans: Orphan[];
  /** PID → application name, for the planner. */
  groupOf: Map<number, string>;
}

/** Builds groups, zombies and orphans from one scan. Pure over its inputs. */
export function groupProcesses(entries: ReadonlyMap<number, ProcEntry>, grouper: Grouper, now: number): GroupingResult {
  const byName = new Map<string, ProcessGroup>();
  const groupOf = new Map<number, string>();
  const zombies: Zombie[] = [];
  const orphanRoots: ProcEntry[] = [];

  for (const e of entries.values()) {
    if (e.kernelThread) continue;
    if (e.state === 'Z') {
      const parent = entries.get(e.ppid);
      zombies.push({
        pid: e.pid,
        ppid: e.ppid,
        parentName: parent ? parent.name : '?',
        name: e.name,
        sinceSeconds: e.zombieSince > 0 ? Math.max(0, Math.round((now - e.zombieSince) / 1000)) : 0,
      });
      continue;
    }
    const g = grouper.resolve(e, entries);
    groupOf.set(e.pid, g.name);
    let grp = byName.get(g.name);
    if (grp === undefined) {
      grp = { name: g.name, kind: g.kind, count: 0, rssBytes: 0, cpuPercent: 0, threads: 0, fds: null, pids: [] };
      byName.set(g.name, grp);
    }
    grp.count++;
    grp.rssBytes += e.rssBytes;
    grp.cpuPercent += e.cpuPercent;
    grp.threads += e.threads;
    if (e.fds !== null) {
      grp.fds = (grp.fds ?? 0) + e.fds;
    }
    grp.pids.push(e.pid);

    const own = grouper.verdict(e);
    if ((own.kind === 'mcp' || own.kind === 'agent') && !own.weak && isAdopted(e, entries)) orphanRoots.push(e);
  }

  const orphans: Orphan[] = [];
  if (orphanRoots.length > 0) {
    const children = childrenIndex(entries);
    for (const root of orphanRoots) {
      const tree = descendants(root.pid, children);
      let rss = root.rssBytes;
      for (const pid of tree) rss += entries.get(pid)?.rssBytes ?? 0;
      orphans.push({
        pid: root.pid,
        name: root.name,
        cmdline: root.cmdline.slice(0, 500),
        group: groupOf.get(root.pid) ?? root.name,
        rssBytes: rss,
        treePids: tree,
        ppid: root.ppid,
      });
    }
  }

  const groups = [...byName.values()].sort((a, b) => b.rssBytes - a.rssBytes || a.name.localeCompare(b.name));
  for (const g of groups) g.cpuPercent = Math.round(g.cpuPercent * 10) / 10;
  zombies.sort((a, b) => a.pid - b.pid);
  orphans.sort((a, b) => b.rssBytes - a.rssBytes);
  return { groups, zombies, orphans, groupOf };
}

/** Re-parented to PID 1 or to a subreaper: its launching session is gone. */
function isAdopted(e: ProcEntry, entries: ReadonlyMap<number, ProcEntry>): boolean {
  if (e.ppid === 1) return true;
  const parent = entries.get(e.ppid);
  return parent !== undefined && ADOPTERS.has(parent.name) && parent.pid !== e.session;
}

function childrenIndex(entries: ReadonlyMap<number, ProcEntry>): Map<number, number[]> {
  const idx = new Map<number, number[]>();
  for (const e of entries.values()) {
    let list = idx.get(e.ppid);
    if (list === undefined) {
      list = [];
      idx.set(e.ppid, list);
    }
    list.push(e.pid);
  }
  return idx;
}

/** All descendants of `pid`, breadth first, bounded against cycles. */
export function descendants(pid: number, children: ReadonlyMap<number, number[]>): number[] {
  const out: number[] = [];
  const seen = new Set<number>([pid]);
  const queue = [pid];
  while (queue.length > 0 && out.length < 100000) {
    const p = queue.shift() as number;
    for (const c of children.get(p) ?? []) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}
