/**
 * The remediation framework: the one place where Headroom changes anything on
 * the machine. Providers (processes here, containers from the Docker issue)
 * propose fixes; this module gives them ids, keeps them for a short time,
 * previews and runs them *by id only*, re-validates every target right before
 * acting, and records every run in the audit log.
 *
 * Nothing from outside is ever acted on: a caller names a proposal id, and the
 * targets, the kind and the parameters come from the proposal the engine issued
 * itself, within settings.remedies.proposalTtlSeconds.
 */

import type { Alert, FixProposal, FixResult, FixTarget, FixTargetResult, ProcessTarget, Snapshot } from '../../../shared/model.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { DockerMonitor } from '../collectors/docker/index.ts';
import type { Engine } from '../engine.ts';
import type { HistoryStore } from '../history/store.ts';
import { openAuditStore, type AuditDatabase, type AuditStore } from './audit-log.ts';
import { createGuardContext, revalidateProcess } from './guards.ts';
import { createContainerFixProvider } from './container-fixes.ts';
import { createProcessFixProvider, type TableProc } from './process-fixes.ts';
import { PROCESS_FIX_KINDS, STOP_KINDS } from './process-planner.ts';
import { readLiveProcess, readUsedMemoryBytes } from '../platform/linux/live-process.ts';
import { FIX_ID_PATTERN, proposalId, targetKey } from './proposal-id.ts';
import type { FixProvider, PlanInput, ProposalDraft } from './provider.ts';
import { FixError, type AuditEntry, type Remedies } from './types.ts';

export { FixError } from './types.ts';
export type { AuditEntry, Remedies } from './types.ts';

export interface RemediesDeps {
  settings: () => Settings;
  log: (line: string) => void;
  history: HistoryStore | null;
  docker: DockerMonitor | null;
  engine: Engine;
}

/** Test seams; the app never sets them. */
export interface RemediesOptions {
  /** Providers to use instead of the default set (process fixes, plus container fixes with Docker). */
  providers?: FixProvider[];
  now?: () => number;
  procRoot?: string;
}

interface Issued {
  proposal: FixProposal;
  params?: Record<string, unknown>;
  provider: FixProvider;
}

/** How many past ids are remembered, to tell a stale id from one never issued. */
const REMEMBERED_IDS = 5000;

/**
 * Builds the remediation framework for one Headroom instance. `create.ts`
 * calls it with the engine it plans for; the engine calls `plan` after every
 * sample, and the CLI, the window and the tray call `list`, `preview` and `run`.
 */
export function createRemedies(deps: RemediesDeps, opts: RemediesOptions = {}): Remedies {
  const now = opts.now ?? Date.now;
  const procRoot = opts.procRoot ?? '/proc';
  const history = deps.history;
  // Asked on every use: the history store swaps its handle when it recovers from a damaged file.
  const historyDb = history ? () => history.db as unknown as AuditDatabase : null;
  if (historyDb === null) deps.log('remedies: no history database, so the fix audit log is kept in memory and is lost on exit');
  const audit: AuditStore = openAuditStore(historyDb, deps.log);

  const providers = opts.providers ?? defaultProviders(deps, audit, now, procRoot);
  const byKind = new Map<string, FixProvider>();
  for (const p of providers) for (const k of p.kinds) byKind.set(k, p);

  let current = new Map<string, Issued>();
  let planAt = 0;
  const issuedIds = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();

  const ttlMs = () => deps.settings().remedies.proposalTtlSeconds * 1000;

  async function plan(s: Snapshot, alerts: Alert[]): Promise<FixProposal[]> {
    const settings = deps.settings();
    const input: PlanInput = { snapshot: s, alerts, settings };
    const next = new Map<string, Issued>();
    const alertIds = new Set(alerts.map((a) => a.id));
    const t = now();
    for (const provider of providers) {
      let drafts: ProposalDraft[];
      try {
        drafts = await provider.propose(input);
      } catch (err) {
        // One provider failing (Docker down mid-call) must not take the other fixes away.
        deps.log(`remedies: ${provider.name} could not plan: ${(err as Error).message}`);
        continue;
      }
      for (const d of drafts) {
        if (!provider.kinds.includes(d.kind) || byKind.get(d.kind) !== provider) {
          deps.log(`remedies: ${provider.name} proposed a kind it does not run ("${String(d.kind).slice(0, 60)}"); ignored`);
          continue;
        }
        if (d.targets.length === 0) continue;
        const id = proposalId(d.kind, d.targets, d.idKey ?? '');
        if (next.has(id)) continue;
        const prev = current.get(id);
        const proposal: FixProposal = {
          id,
          kind: d.kind,
          title: d.title,
          targets: d.targets,
          expectedBytes: d.expectedBytes,
          risk: d.risk,
          destructive: d.destructive,
          undoable: d.undoable,
          command: d.command,
          reason: d.reason,
          createdAt: prev?.proposal.createdAt ?? t,
          // Only alerts of this plan's input; the engine turns these into each alert's fixIds (alert-fixes.ts).
          alertIds: d.addresses.filter((aid, k, all) => alertIds.has(aid) && all.indexOf(aid) === k),
        };
        next.set(id, { proposal, params: d.params, provider });
      }
    }
    current = next;
    planAt = t;
    for (const id of next.keys()) {
      issuedIds.delete(id);
      issuedIds.set(id, t);
    }
    while (issuedIds.size > REMEMBERED_IDS) issuedIds.delete(issuedIds.keys().next().value as string);
    return list();
  }

  function list(): FixProposal[] {
    if (now() - planAt > ttlMs()) return [];
    return [...current.values()].map((i) => publicCopy(i.proposal));
  }

  /** The issued proposal for an id, or a FixError. Ids are only ever looked up, never parsed for targets. */
  function lookup(id: unknown): Issued {
    const shown = typeof id === 'string' ? id.slice(0, 40).replace(/[^\x20-\x7e]/g, '?') : typeof id;
    if (typeof id !== 'string' || !FIX_ID_PATTERN.test(id)) throw new FixError('not-found', `unknown or stale fix id "${shown}"`);
    const i = current.get(id);
    if (i === undefined) {
      if (issuedIds.has(id)) throw new FixError('stale', `unknown or stale fix id "${id}": what it would touch has changed (a process exited or a PID was reused)`);
      throw new FixError('not-found', `unknown or stale fix id "${id}"`);
    }
    if (now() - planAt > ttlMs()) {
      throw new FixError('stale', `unknown or stale fix id "${id}": it was proposed more than ${deps.settings().remedies.proposalTtlSeconds} s ago`);
    }
    return i;
  }

  async function execute(id: string, dryRun: boolean, auditDryRun: boolean): Promise<FixResult> {
    const issued = lookup(id);
    const { proposal, provider } = issued;
    const full = { ...publicCopy(proposal), params: issued.params };
    const targets = proposal.targets;

    const memBefore = readUsedMemoryBytes(procRoot);
    const rssBefore = targetsRss(targets, procRoot);
    const verdicts = new Map<FixTarget, FixTargetResult>();
    const valid: FixTarget[] = [];
    const guard = createGuardContext(deps.settings(), { procRoot });
    for (const t of targets) {
      // The guards run here for every process target, whatever provider proposed it; then the provider's own check.
      let reason: string | null = t.kind === 'process' ? revalidateProcess(t, guard, issued.params, procRoot) : null;
      try {
        reason ??= await provider.revalidate(t, full);
      } catch (err) {
        reason = `could not be checked: ${(err as Error).message}`;
      }
      if (reason === null) valid.push(t);
      else verdicts.set(t, { target: t, outcome: 'skipped', detail: reason });
    }

    let undo: Record<string, unknown> | null = null;
    if (dryRun) {
      for (const t of valid) verdicts.set(t, { target: t, outcome: 'done', detail: `would ${actionText(proposal.kind, deps.settings())}` });
    } else {
      undo = await collectUndo(provider, valid, full);
      let acted: FixTargetResult[];
      try {
        acted = provider.applyAll ? await provider.applyAll(valid, full) : await applyEach(provider, valid, full);
      } catch (err) {
        acted = valid.map((t) => ({ target: t, outcome: 'failed' as const, detail: (err as Error).message }));
      }
      for (const r of acted) {
        const same = valid.find((t) => t === r.target) ?? valid.find((t) => targetKey(t) === targetKey(r.target));
        if (same) verdicts.set(same, { ...r, target: same });
      }
      for (const t of valid) if (!verdicts.has(t)) verdicts.set(t, { target: t, outcome: 'failed', detail: 'the provider reported nothing for this target' });
      // It ran; a fresh plan offers it again if something it targets is still there.
      current.delete(id);
    }
    const results = targets.map((t) => verdicts.get(t) as FixTargetResult);
    const memAfter = dryRun ? memBefore : readUsedMemoryBytes(procRoot);
    const rssAfter = dryRun ? rssBefore : targetsRss(targets, procRoot);
    const freedBytes = dryRun ? valid.reduce((s, t) => s + (t.kind === 'process' ? t.rssBytes : 0), 0) : Math.max(0, rssBefore - rssAfter);
    const done = results.filter((r) => r.outcome === 'done').length;
    const failed = results.filter((r) => r.outcome === 'failed').length;
    const ok = dryRun ? valid.length > 0 : done > 0 && failed === 0;

    let followUpFixIds: string[] | undefined;
    if (!dryRun && proposal.kind === PROCESS_FIX_KINDS.reapZombies && done > 0) {
      followUpFixIds = await followUps(proposal);
    }
    const result: FixResult = {
      fixId: id,
      ok,
      dryRun,
      summary: summarize(proposal, results, dryRun, freedBytes),
      results,
      memBefore,
      memAfter,
      freedBytes,
      ...(followUpFixIds && followUpFixIds.length > 0 ? { followUpFixIds } : {}),
    };
    if (!dryRun || auditDryRun) {
      try {
        audit.append({
          t: now(),
          fixId: id,
          kind: proposal.kind,
          title: proposal.title,
          dryRun,
          ok,
          summary: result.summary,
          targets: results.map((r) => ({ target: r.target, outcome: r.outcome, detail: r.detail })),
          memBefore,
          memAfter,
          targetsRssBefore: rssBefore,
          targetsRssAfter: rssAfter,
          undo,
        });
      } catch (err) {
        deps.log(`remedies: could not record fix ${id} in the audit log: ${(err as Error).message}`);
      }
    }
    return result;
  }

  /** Re-plans after a fix that changes what should be offered next (a reap that left zombies), and names the new fixes. */
  async function followUps(ran: FixProposal): Promise<string[]> {
    const snap = deps.engine.latest();
    if (snap === null) return [];
    const keys = new Set(ran.targets.map(targetKey));
    const fresh = await plan(snap, deps.engine.alerts());
    return fresh.filter((p) => p.id !== ran.id && p.targets.some((t) => keys.has(targetKey(t)))).map((p) => p.id);
  }

  /** One fix at a time: two runs touching the same processes must not interleave. */
  function serial<T>(job: () => Promise<T>): Promise<T> {
    const run = queue.then(job);
    queue = run.catch(() => undefined);
    return run;
  }

  const remedies: Remedies = {
    plan,
    list,
    // A preview acts on nothing, so it need not wait for a fix that is running (which may sit out a grace period).
    preview: (id: string, options?: { audit?: boolean }) => execute(id, true, options?.audit === true),
    run: (id: string) => serial(() => execute(id, false, false)),
    auditLog(limit = 50) {
      try {
        return audit.recent(limit);
      } catch (err) {
        deps.log(`remedies: could not read the fix audit log: ${(err as Error).message}`);
        return [];
      }
    },
  };
  return remedies;
}

/**
 * The providers of a Headroom instance: process fixes always; container fixes
 * when a Docker monitor is present.
 */
function defaultProviders(deps: RemediesDeps, audit: AuditStore, now: () => number, procRoot: string): FixProvider[] {
  // Parents already reminded to reap (in this or an earlier run of Headroom), so the plan offers to stop them.
  const reminded: string[] = [];
  try {
    for (const e of audit.ofKind(PROCESS_FIX_KINDS.reapZombies, now() - 24 * 3600 * 1000)) {
      if (e.dryRun) continue;
      for (const r of e.targets) if (r.outcome === 'done' && r.target.kind === 'process') reminded.push(`${r.target.pid}:${r.target.startTime}`);
    }
  } catch (err) {
    deps.log(`remedies: could not read earlier zombie reminders: ${(err as Error).message}`);
  }
  const providers: FixProvider[] = [
    createProcessFixProvider({
      settings: deps.settings,
      table: () => deps.engine.processes.table.entries as ReadonlyMap<number, TableProc>,
      reapTried: reminded,
      procRoot,
    }),
  ];
  // Container fixes (the Docker issue) register here, and only here: with a Docker monitor present.
  if (deps.docker) providers.push(createContainerFixProvider({ monitor: deps.docker, log: deps.log, now }));
  return providers;
}

async function applyEach(provider: FixProvider, targets: FixTarget[], proposal: FixProposal & { params?: Record<string, unknown> }): Promise<FixTargetResult[]> {
  const out: FixTargetResult[] = [];
  for (const t of targets) {
    try {
      out.push(await provider.apply(t, proposal));
    } catch (err) {
      out.push({ target: t, outcome: 'failed', detail: (err as Error).message });
    }
  }
  return out;
}

async function collectUndo(
  provider: FixProvider,
  targets: FixTarget[],
  proposal: FixProposal & { params?: Record<string, unknown> },
): Promise<Record<string, unknown> | null> {
  if (!provider.undoInfo) return null;
  const entries: { target: string; info: Record<string, unknown> }[] = [];
  for (const t of targets) {
    try {
      const info = await provider.undoInfo(t, proposal);
      if (info) entries.push({ target: targetKey(t), info });
    } catch {
      /* undo info is best effort; the fix itself still runs and is logged */
    }
  }
  return entries.length > 0 ? { targets: entries } : null;
}

/** RSS of the process targets that are still the same running process. */
function targetsRss(targets: readonly FixTarget[], procRoot: string): number {
  let sum = 0;
  for (const t of targets) {
    if (t.kind !== 'process') continue;
    const p = readLiveProcess(t.pid, procRoot);
    if (p !== null && p.startTime === t.startTime && p.state !== 'Z' && p.state !== 'X') sum += p.rssBytes;
  }
  return sum;
}

function actionText(kind: string, settings: Settings): string {
  if (STOP_KINDS.has(kind)) return `stop it (SIGTERM, then SIGKILL after ${settings.remedies.graceSeconds} s if still running)`;
  if (kind === PROCESS_FIX_KINDS.reapZombies) return 'send it SIGCHLD so it reaps its zombies';
  return 'act on it';
}

function summarize(p: FixProposal, results: readonly FixTargetResult[], dryRun: boolean, freedBytes: number): string {
  const n = results.length;
  const done = results.filter((r) => r.outcome === 'done').length;
  const skipped = results.filter((r) => r.outcome === 'skipped').length;
  const failed = results.filter((r) => r.outcome === 'failed').length;
  const tail = `${skipped > 0 ? `; ${skipped} skipped` : ''}${failed > 0 ? `; ${failed} failed` : ''}`;
  if (dryRun) return `Dry run: would act on ${done} of ${n} target${n === 1 ? '' : 's'}${skipped > 0 ? `; ${skipped} would be skipped` : ''}. Nothing was changed.`;
  if (STOP_KINDS.has(p.kind)) {
    const killed = results.filter((r) => r.outcome === 'done' && r.detail.includes('SIGKILL')).length;
    return (
      `Stopped ${done} of ${n} process${n === 1 ? '' : 'es'}` +
      (freedBytes > 0 ? `, ${formatBytes(freedBytes)} back` : '') +
      (killed > 0 ? ` (${killed} needed SIGKILL after ignoring SIGTERM)` : '') +
      tail
    );
  }
  if (p.kind === PROCESS_FIX_KINDS.reapZombies) {
    const r = results[0];
    return r ? `${r.detail.charAt(0).toUpperCase()}${r.detail.slice(1)}` : 'Nothing to do';
  }
  return `${p.title}: done for ${done} of ${n}${tail}`;
}

function publicCopy(p: FixProposal): FixProposal {
  return { ...p, targets: p.targets.map((t) => ({ ...t })), alertIds: [...p.alertIds] };
}
