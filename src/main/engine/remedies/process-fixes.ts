/**
 * The process fix provider: plugs the process planner, the guards and the
 * signal code into the remediation framework (provider.ts).
 */

import type { FixProposal, FixTarget, FixTargetResult, ProcessTarget } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import { createGuardContext, revalidateProcess, type GuardContext } from './guards.ts';
import { ActivityTracker } from './keep-policy.ts';
import { PROCESS_FIX_KINDS, planProcessFixes, STOP_KINDS, type PlannerProc, type ZombieRef } from './process-planner.ts';
import type { FixProvider, PlanInput, ProposalDraft } from './provider.ts';
import { remindParent, stopGracefully, waitZombiesGone } from './signals.ts';

/** A process table entry as this provider reads it; the engine's ProcEntry fits. */
export interface TableProc extends PlannerProc {
  cpuTicks: number;
  cpuPercent: number;
}

export interface ProcessFixDeps {
  settings: () => Settings;
  /** The engine's live process table (engine.processes.table.entries). */
  table: () => ReadonlyMap<number, TableProc>;
  /** Parents (by `pid:startTime`) already reminded with SIGCHLD, e.g. from the audit log of earlier runs. */
  reapTried?: Iterable<string>;
  procRoot?: string;
  /** Headroom's own PID (tests may pretend to be another process). */
  selfPid?: number;
  /** How long a stopped zombie parent's zombies are waited for (init reaps them, sometimes with a delay). */
  zombieWaitMs?: number;
}

type Proposal = FixProposal & { params?: Record<string, unknown> };

export interface ProcessFixProvider extends FixProvider {
  /** Marks a parent as reminded, so the next plan proposes stopping it if its zombies remain. */
  markReapTried(pid: number, startTime: number): void;
}

export function createProcessFixProvider(deps: ProcessFixDeps): ProcessFixProvider {
  const procRoot = deps.procRoot ?? '/proc';
  const activity = new ActivityTracker();
  const reminded = new Set<string>(deps.reapTried ?? []);
  let guardCache: { ctx: GuardContext; at: number } | null = null;
  let last: { key: string; settings: Settings; drafts: ProposalDraft[] } | null = null;

  /** A fresh guard context, reused for at most a second (a fix run checks many targets in a row). */
  function guard(): GuardContext {
    const now = Date.now();
    if (guardCache === null || now - guardCache.at > 1000) {
      guardCache = { ctx: createGuardContext(deps.settings(), { procRoot, selfPid: deps.selfPid }), at: now };
    }
    return guardCache.ctx;
  }

  return {
    name: 'processes',
    kinds: Object.values(PROCESS_FIX_KINDS),

    markReapTried(pid, startTime) {
      reminded.add(`${pid}:${startTime}`);
    },

    propose(input: PlanInput): ProposalDraft[] {
      // The engine plans on every system tick (2 s), but processes are rescanned less often (5 s): between
      // scans, with the same alerts and settings, the plan cannot change, so the last one is reused.
      const key = `${input.snapshot.sampledAt?.processes}|${reminded.size}|${input.alerts.map((a) => `${a.id}:${a.state}:${a.culprit}`).join(',')}`;
      if (last !== null && last.key === key && last.settings === input.settings) return last.drafts;
      const procs = deps.table();
      activity.observe(procs.values(), input.snapshot.t);
      guardCache = null; // a planning pass always starts from a fresh read of our ancestry and the protected list
      const drafts = planProcessFixes({
        snapshot: input.snapshot,
        alerts: input.alerts,
        settings: input.settings,
        procs,
        guard: guard(),
        lastActive: (pid, st) => activity.lastActive(pid, st),
        reapTried: (pid, st) => reminded.has(`${pid}:${st}`),
      });
      last = { key, settings: input.settings, drafts };
      return drafts;
    },

    async revalidate(target: FixTarget, proposal: Proposal): Promise<string | null> {
      if (target.kind !== 'process') return 'not a process';
      return revalidateProcess(target, guard(), proposal.params, procRoot);
    },

    async apply(target: FixTarget, proposal: Proposal): Promise<FixTargetResult> {
      const [r] = await this.applyAll!([target], proposal);
      return r;
    },

    async applyAll(targets: FixTarget[], proposal: Proposal): Promise<FixTargetResult[]> {
      const procs = targets.filter((t): t is ProcessTarget => t.kind === 'process');
      const notProcs: FixTargetResult[] = targets
        .filter((t) => t.kind !== 'process')
        .map((t) => ({ target: t, outcome: 'failed', detail: 'not a process' }));
      const zombies = zombieRefs(proposal.params);

      if (proposal.kind === PROCESS_FIX_KINDS.reapZombies) {
        const out: FixTargetResult[] = [];
        for (const parent of procs) {
          const { result } = await remindParent(parent, zombies, { procRoot });
          // Tried once: if the zombies remain, the planner now offers to stop the parent instead.
          if (result.outcome === 'done') reminded.add(`${parent.pid}:${parent.startTime}`);
          out.push(result);
        }
        return [...out, ...notProcs];
      }

      if (STOP_KINDS.has(proposal.kind)) {
        const graceMs = Math.max(0, deps.settings().remedies.graceSeconds * 1000);
        const results = await stopGracefully(procs, { graceMs, procRoot });
        if (proposal.kind === PROCESS_FIX_KINDS.stopZombieParent && zombies.length > 0 && results.some((r) => r.outcome === 'done')) {
          const left = await waitZombiesGone(zombies, deps.zombieWaitMs ?? 5000, procRoot);
          for (const r of results) {
            if (r.outcome !== 'done') continue;
            r.detail +=
              left === 0
                ? `; its ${zombies.length === 1 ? 'zombie is' : `${zombies.length} zombies are`} gone`
                : `; ${left} zombie${left === 1 ? '' : 's'} passed to init, which has not reaped ${left === 1 ? 'it' : 'them'} yet`;
          }
        }
        return [...results, ...notProcs];
      }

      return targets.map((t) => ({ target: t, outcome: 'failed', detail: `unknown fix kind "${proposal.kind}"` }));
    },
  };
}

/** The zombie identities a zombie fix carries in its params (set by the planner, never from outside). */
function zombieRefs(params: Record<string, unknown> | undefined): ZombieRef[] {
  const raw = params?.zombies;
  if (!Array.isArray(raw)) return [];
  return raw.filter(
    (z): z is ZombieRef =>
      typeof z === 'object' && z !== null && Number.isSafeInteger((z as ZombieRef).pid) && (z as ZombieRef).pid > 1 && Number.isFinite((z as ZombieRef).startTime),
  );
}
