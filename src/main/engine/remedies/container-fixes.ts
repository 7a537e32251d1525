/**
 * Container remediations, as a FixProvider for the remediation framework:
 * restart or stop a container, raise or set its memory limit, and remove
 * exactly the Docker objects a prune proposal lists.
 *
 * Rules this file keeps:
 * - A prune removes the objects named in the proposal's targets, one by one,
 *   by id — never a blanket prune call (on API 1.41 `volume prune` also takes
 *   named volumes).
 * - Named volumes are only ever removed by their own, separate, high-risk
 *   proposal that names them.
 * - Every target is re-checked right before acting (same id, same state, still
 *   dangling / unused), and an engine refusal comes back as a 'failed' result
 *   carrying the engine's message and what it means.
 */

import type { Alert, ContainerStats, FixProposal, FixTarget, FixTargetResult } from '../../../shared/model.ts';
import { formatBytes } from '../../../shared/format.ts';
import type { Settings } from '../../../shared/settings.ts';
import {
  engineMessage,
  engineStatusCode,
  type ApiContainerInspect,
  type ApiSystemDf,
  type DockerClient,
} from '../collectors/docker/client.ts';
import type { DiskObject, DockerMonitor } from '../collectors/docker/index.ts';
import { isAnonymousVolume, isDanglingImage, shortImageId } from '../collectors/docker/disk.ts';
import type { FixProvider, PlanInput, ProposalDraft } from './provider.ts';

export const CONTAINER_FIX_KINDS = [
  'container.restart',
  'container.stop',
  'container.raise-limit',
  'container.set-limit',
  'docker.prune-dangling-images',
  'docker.prune-anonymous-volumes',
  'docker.prune-build-cache',
  'docker.prune-stopped-containers',
  'docker.remove-named-volumes',
] as const;

export type ContainerFixKind = (typeof CONTAINER_FIX_KINDS)[number];

type Proposal = FixProposal & { params?: Record<string, unknown> };

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// ─── Pure helpers: limits, sizes, messages ───────────────────────────────────

/** The smallest "nice" size ≥ bytes: 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768 MiB, 1, 1.5, 2, 3, 4, 6 GiB… */
export function niceMemoryUp(bytes: number): number {
  for (let p = 16 * MiB; ; p *= 2) {
    if (p >= bytes) return p;
    if (p * 1.5 >= bytes) return p * 1.5;
  }
}

/** The largest "nice" size ≤ bytes (at least 16 MiB). */
export function niceMemoryDown(bytes: number): number {
  let best = 16 * MiB;
  for (let p = 16 * MiB; p <= bytes; p *= 2) {
    best = p;
    if (p * 1.5 <= bytes) best = p * 1.5;
  }
  return best;
}

/** A size as the docker CLI takes it: "768m", "2g", or plain bytes. */
export function dockerSize(bytes: number): string {
  if (bytes === -1) return '-1';
  if (bytes > 0 && bytes % GiB === 0) return `${bytes / GiB}g`;
  if (bytes > 0 && bytes % MiB === 0) return `${bytes / MiB}m`;
  return String(bytes);
}

export interface LimitSuggestion {
  limitBytes: number;
  /** Why this value, in words a user can check. */
  why: string;
}

/**
 * A new, higher limit for a container near its limit or OOM-killed: at least
 * 1.5× its current usage and 1.25× its current limit (2× the limit after an
 * OOM kill, where usage says nothing), rounded up to a nice size, and kept
 * under the machine's RAM. Null when no meaningful raise fits.
 */
export function suggestRaisedLimit(input: { usageBytes: number | null; limitBytes: number; oomKilled: boolean; hostTotalBytes: number }): LimitSuggestion | null {
  const { limitBytes, oomKilled, hostTotalBytes } = input;
  const usage = input.usageBytes ?? 0;
  const byUsage = usage * 1.5;
  const byLimit = limitBytes * 1.25;
  const byOom = oomKilled ? limitBytes * 2 : 0;
  const target = Math.max(byUsage, byLimit, byOom);
  let limit = niceMemoryUp(target);
  let capped = false;
  const cap = niceMemoryDown(hostTotalBytes * 0.9);
  if (limit > cap) {
    limit = cap;
    capped = true;
  }
  if (limit <= limitBytes) return null;
  let why: string;
  if (byOom >= byUsage && byOom >= byLimit) why = `it was OOM-killed at its ${formatBytes(limitBytes)} limit; ${formatBytes(limit)} doubles it`;
  else if (byUsage >= byLimit) why = `${formatBytes(limit)} leaves room for 1.5× its current usage (${formatBytes(usage)})`;
  else why = `${formatBytes(limit)} is the next size up from its ${formatBytes(limitBytes)} limit, with room for growth`;
  if (capped) why += ` (kept under the machine's ${formatBytes(hostTotalBytes)} of RAM)`;
  return { limitBytes: limit, why };
}

/**
 * A first limit for a container that has none: 1.5× its usage (at least
 * 256 MiB), rounded up to a nice size, at most 75% of the machine's RAM. Null
 * when that would leave it less than 10% headroom — a limit would then just
 * OOM-kill it, and a restart is the better fix.
 */
export function suggestFirstLimit(input: { usageBytes: number; hostTotalBytes: number }): LimitSuggestion | null {
  const { usageBytes, hostTotalBytes } = input;
  let limit = niceMemoryUp(Math.max(usageBytes * 1.5, 256 * MiB));
  let capped = false;
  const cap = niceMemoryDown(hostTotalBytes * 0.75);
  if (limit > cap) {
    limit = cap;
    capped = true;
  }
  if (limit < usageBytes * 1.1) return null;
  const why = capped
    ? `${formatBytes(limit)} (¾ of the machine's ${formatBytes(hostTotalBytes)}) bounds it while leaving room above its current ${formatBytes(usageBytes)}`
    : `${formatBytes(limit)} is 1.5× its current usage (${formatBytes(usageBytes)}), so a leak stops there instead of taking the machine`;
  return { limitBytes: limit, why };
}

/**
 * The MemorySwap (memory + swap) to send with a new memory limit. The engine
 * refuses a memory limit above the current MemorySwap ("Memory limit should be
 * smaller than already set memoryswap limit"), so both always go together:
 * unlimited swap (-1) stays unlimited, a set ratio is kept (the default
 * `--memory` gives 2×), and a container that had no limit gets 2×, as
 * `docker run --memory` would.
 */
export function swapForNewLimit(newMemoryBytes: number, prevMemoryBytes: number, prevMemorySwapBytes: number): number {
  if (prevMemorySwapBytes === -1) return -1;
  if (prevMemoryBytes > 0 && prevMemorySwapBytes > 0) {
    const scaled = Math.round((newMemoryBytes * (prevMemorySwapBytes / prevMemoryBytes)) / MiB) * MiB;
    return Math.max(newMemoryBytes, scaled);
  }
  return newMemoryBytes * 2;
}

/** The engine's message, plus what it means when we know the pattern. */
export function explainEngineError(err: unknown): string {
  const msg = engineMessage(err);
  const status = engineStatusCode(err);
  if (status === null) {
    const code = (err as { code?: unknown } | null)?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return `Docker is not running (${msg})`;
    return `Cannot reach Docker: ${msg}`;
  }
  const usage = /unable to set memory limit to (\d+) \(current usage: (\d+)/.exec(msg);
  if (usage) {
    return `Docker refused: the limit (${formatBytes(Number(usage[1]))}) is below what the container uses now (${formatBytes(Number(usage[2]))}); on cgroup v1 a limit cannot be set below current usage. Engine said: ${msg}`;
  }
  if (/memoryswap limit/i.test(msg)) {
    return `Docker refused: the memory+swap limit must be raised together with the memory limit. Engine said: ${msg}`;
  }
  if (/Minimum memory limit allowed/i.test(msg)) return `Docker refused: the limit is below the engine's minimum. Engine said: ${msg}`;
  if (status === 409) return `Docker refused (conflict): ${msg}`;
  if (status === 404) return `Not found: ${msg}`;
  return `Docker refused (HTTP ${status}): ${msg}`;
}

// ─── Provider ────────────────────────────────────────────────────────────────

export interface ContainerFixOptions {
  /** The Docker monitor: the latest disk inventory, container limits, and the client to act through. */
  monitor: Pick<DockerMonitor, 'connect' | 'diskInventory' | 'containerDetail'>;
  log?: (line: string) => void;
  now?: () => number;
}

/** Firing alerts about one container: by culprit name or by its series (container.<name>.mem). */
function alertsAbout(name: string, alerts: readonly Alert[]): Alert[] {
  const series = `container.${name}.`;
  return alerts.filter((a) => a.state === 'firing' && (a.culprit === name || a.culprit === `container.${name}` || a.id.includes(series) || (a.culprit ?? '').startsWith(series)));
}

const isRestartAlert = (a: Alert): boolean => /restart/i.test(a.rule) || /restart/i.test(a.id);
const isDiskAlert = (a: Alert): boolean => a.state === 'firing' && (a.rule.startsWith('docker.disk') || a.id.startsWith('docker.disk'));

function containerTarget(c: ContainerStats): FixTarget {
  return { kind: 'container', id: c.id, name: c.name };
}

function objectTargets(objectType: 'image' | 'volume' | 'build-cache' | 'container', list: readonly DiskObject[]): FixTarget[] {
  return list.map((o) => ({ kind: 'docker-object', objectType, id: o.id, name: o.name, bytes: o.bytes }));
}

const sumBytes = (list: readonly DiskObject[]): number => list.reduce((s, o) => s + o.bytes, 0);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function namesList(list: readonly DiskObject[], max = 5): string {
  const names = list.slice(0, max).map((o) => o.name);
  return list.length > max ? `${names.join(', ')} and ${list.length - max} more` : names.join(', ');
}

function memoryPhrase(c: ContainerStats): string {
  if (c.memUsageBytes === null) return '';
  if (c.memLimitBytes === null) return `${formatBytes(c.memUsageBytes)}, no limit`;
  return `${formatBytes(c.memUsageBytes)} of its ${formatBytes(c.memLimitBytes)} limit`;
}

export function createContainerFixProvider(opts: ContainerFixOptions): FixProvider {
  const log = opts.log ?? (() => {});
  const now = opts.now ?? Date.now;
  /** Limits as they were right before a limit change, by proposal id + container id, for undoInfo. */
  const before = new Map<string, { memory: number; swap: number; name: string }>();
  let dfCache: { at: number; df: Promise<ApiSystemDf> } | null = null;

  const client = async (): Promise<DockerClient> => {
    const c = await opts.monitor.connect();
    if (!c) throw Object.assign(new Error('Docker is not available'), { code: 'ENOENT' });
    return c;
  };

  /** Build-cache records are only visible through /system/df; one reading serves a whole proposal's targets. */
  const systemDf = async (c: DockerClient): Promise<ApiSystemDf> => {
    if (!dfCache || now() - dfCache.at > 5000) {
      const df = c.systemDf();
      dfCache = { at: now(), df };
      df.catch(() => {
        dfCache = null;
      });
    }
    return dfCache.df;
  };

  const inspectOrNull = async (c: DockerClient, id: string): Promise<ApiContainerInspect | null> => {
    try {
      return await c.inspectContainer(id);
    } catch (err) {
      if (engineStatusCode(err) === 404) return null;
      throw err;
    }
  };

  function propose(input: PlanInput): ProposalDraft[] {
    const { snapshot, alerts, settings } = input;
    if (snapshot.docker.status !== 'ok') return [];
    const drafts: ProposalDraft[] = [];
    for (const c of snapshot.containers) drafts.push(...containerDrafts(c, alerts, settings, snapshot.memory.totalBytes));
    drafts.push(...pruneDrafts(alerts));
    return drafts;
  }

  function containerDrafts(c: ContainerStats, alerts: readonly Alert[], settings: Settings, hostTotal: number): ProposalDraft[] {
    const out: ProposalDraft[] = [];
    const grace = Math.max(0, Math.round(settings.remedies.graceSeconds));
    const about = alertsAbout(c.name, alerts);
    const memAlerts = about.filter((a) => !isRestartAlert(a)).map((a) => a.id);
    const loopAlerts = about.filter(isRestartAlert).map((a) => a.id);
    const running = c.state === 'running';
    const nearLimit = c.memLimitBytes !== null && c.memPercent !== null && c.memPercent >= settings.alerts.containerLimitPercent;
    const bigUnbounded = c.memLimitBytes === null && c.memUsageBytes !== null && c.memUsageBytes >= settings.alerts.unboundedContainerBytes;
    const looping = c.recentRestarts >= settings.alerts.restartLoopCount;
    const unhealthy = c.health === 'unhealthy';
    const detail = opts.monitor.containerDetail(c.id);
    const target = containerTarget(c);

    if (c.memLimitBytes !== null && (nearLimit || c.oomKilled) && detail && detail.memoryBytes > 0) {
      const s = suggestRaisedLimit({ usageBytes: c.memUsageBytes, limitBytes: detail.memoryBytes, oomKilled: c.oomKilled, hostTotalBytes: hostTotal });
      if (s) {
        const swap = swapForNewLimit(s.limitBytes, detail.memoryBytes, detail.memorySwapBytes);
        const state = c.oomKilled && !nearLimit ? 'was OOM-killed' : `uses ${memoryPhrase(c)} (${Math.round(c.memPercent ?? 0)}%)`;
        out.push({
          kind: 'container.raise-limit',
          title: `Raise ${c.name}'s memory limit ${formatBytes(detail.memoryBytes)} → ${formatBytes(s.limitBytes)}`,
          targets: [target],
          expectedBytes: 0,
          risk: 'low',
          destructive: false,
          undoable: true,
          command: `docker update --memory ${dockerSize(s.limitBytes)} --memory-swap ${dockerSize(swap)} ${c.name}`,
          reason: `${c.name} ${state}; ${s.why}. The change applies live, without a restart.`,
          addresses: memAlerts,
          params: { memoryBytes: s.limitBytes, memorySwapBytes: swap, previousMemoryBytes: detail.memoryBytes, previousMemorySwapBytes: detail.memorySwapBytes },
        });
      }
    }

    if (bigUnbounded && running && detail && detail.memoryBytes === 0 && c.memUsageBytes !== null) {
      const s = suggestFirstLimit({ usageBytes: c.memUsageBytes, hostTotalBytes: hostTotal });
      if (s) {
        const swap = swapForNewLimit(s.limitBytes, 0, detail.memorySwapBytes);
        out.push({
          kind: 'container.set-limit',
          title: `Set a ${formatBytes(s.limitBytes)} memory limit on ${c.name} (none today, using ${formatBytes(c.memUsageBytes)})`,
          targets: [target],
          expectedBytes: 0,
          risk: 'medium',
          destructive: false,
          // The engine cannot remove a limit once set (it refuses Memory -1 / 0 as "below the minimum"); only a recreate drops it.
          undoable: false,
          command: `docker update --memory ${dockerSize(s.limitBytes)} --memory-swap ${dockerSize(swap)} ${c.name}`,
          reason: `${c.name} has no memory limit and uses ${formatBytes(c.memUsageBytes)}; ${s.why}. If it outgrows the limit the kernel kills it inside the container, not elsewhere on the machine.`,
          addresses: memAlerts,
          params: { memoryBytes: s.limitBytes, memorySwapBytes: swap, previousMemoryBytes: 0, previousMemorySwapBytes: detail.memorySwapBytes },
        });
      }
    }

    const leakAlert = about.some((a) => /leak/i.test(a.rule) || a.id.startsWith('leak:'));
    if (running && (nearLimit || unhealthy || bigUnbounded || leakAlert)) {
      const why = [
        nearLimit ? `it is at ${Math.round(c.memPercent ?? 0)}% of its memory limit` : null,
        bigUnbounded ? `it uses ${formatBytes(c.memUsageBytes ?? 0)} with no limit` : null,
        leakAlert ? 'its memory keeps growing' : null,
        unhealthy ? 'its health check fails' : null,
      ].filter(Boolean);
      out.push({
        kind: 'container.restart',
        title: `Restart ${c.name}${c.memUsageBytes !== null ? ` (${memoryPhrase(c)})` : ''}`,
        targets: [target],
        expectedBytes: c.memUsageBytes ?? 0,
        risk: 'medium',
        destructive: false,
        undoable: false,
        command: `docker restart -t ${grace} ${c.name}`,
        reason: `${c.name}: ${why.join(', ')}. A restart gives the memory back; the container is down for a few seconds and loses what it holds only in memory.`,
        addresses: about.filter((a) => !isRestartAlert(a)).map((a) => a.id),
        params: { timeoutSeconds: grace },
      });
    }

    if (looping && (c.state === 'running' || c.state === 'restarting')) {
      out.push({
        kind: 'container.stop',
        title: `Stop ${c.name} (restarting in a loop: ${plural(c.recentRestarts, 'restart')} in ${Math.round(settings.alerts.restartLoopWindowSeconds / 60)} min, ${c.restartCount} in all)`,
        targets: [target],
        expectedBytes: c.memUsageBytes ?? 0,
        risk: 'medium',
        destructive: false,
        undoable: true,
        command: `docker stop -t ${grace} ${c.name}`,
        reason: `${c.name} keeps crashing and its restart policy keeps starting it again. Stopping it ends the loop until you start it (docker start ${c.name}); check its logs first (docker logs ${c.name}).`,
        addresses: loopAlerts,
        params: { timeoutSeconds: grace },
      });
    }
    return out;
  }

  function pruneDrafts(alerts: readonly Alert[]): ProposalDraft[] {
    const inv = opts.monitor.diskInventory();
    if (!inv) return [];
    const addresses = alerts.filter(isDiskAlert).map((a) => a.id);
    const out: ProposalDraft[] = [];
    if (inv.danglingImages.length > 0) {
      const l = inv.danglingImages;
      out.push({
        kind: 'docker.prune-dangling-images',
        title: `Remove ${plural(l.length, 'dangling image')} (${formatBytes(sumBytes(l))})`,
        targets: objectTargets('image', l),
        expectedBytes: sumBytes(l),
        risk: 'low',
        destructive: true,
        undoable: false,
        command: `docker image rm ${l.map((o) => shortImageId(o.id)).join(' ')}`,
        reason: `Untagged images no container uses: ${namesList(l)}. Rebuilding or pulling brings an image back.`,
        addresses,
      });
    }
    if (inv.anonymousVolumes.length > 0) {
      const l = inv.anonymousVolumes;
      out.push({
        kind: 'docker.prune-anonymous-volumes',
        title: `Remove ${plural(l.length, 'unused anonymous volume')} (${formatBytes(sumBytes(l))})`,
        targets: objectTargets('volume', l),
        expectedBytes: sumBytes(l),
        risk: 'medium',
        destructive: true,
        undoable: false,
        command: `docker volume rm ${l.map((o) => o.name).join(' ')}`,
        reason: `Volumes with generated names that no container uses, left behind by removed containers. Named volumes are not touched.`,
        addresses,
      });
    }
    if (inv.buildCache.length > 0) {
      const l = inv.buildCache;
      out.push({
        kind: 'docker.prune-build-cache',
        title: `Remove unused build cache (${formatBytes(sumBytes(l))} in ${plural(l.length, 'record')})`,
        targets: objectTargets('build-cache', l),
        expectedBytes: sumBytes(l),
        risk: 'low',
        destructive: true,
        undoable: false,
        // One filter value per call: the engine refuses `--filter id=a --filter id=b`.
        command: l.map((o) => `docker builder prune --force --all --filter id=${o.id}`).join(' && '),
        reason: 'BuildKit cache that no build is using and no image shares. The next build of the same Dockerfile runs those steps again.',
        addresses,
      });
    }
    if (inv.stoppedContainers.length > 0) {
      const l = inv.stoppedContainers;
      out.push({
        kind: 'docker.prune-stopped-containers',
        title: `Remove ${plural(l.length, 'stopped container')} (${formatBytes(sumBytes(l))})`,
        targets: objectTargets('container', l),
        expectedBytes: sumBytes(l),
        risk: 'medium',
        destructive: true,
        undoable: false,
        command: `docker container rm ${l.map((o) => o.id.slice(0, 12)).join(' ')}`,
        reason: `Stopped containers: ${namesList(l)}. Their writable layers are deleted; their volumes are kept.`,
        addresses,
      });
    }
    if (inv.namedUnusedVolumes.length > 0) {
      const l = inv.namedUnusedVolumes;
      // Never folded into another prune: named volumes usually hold data someone meant to keep.
      out.push({
        kind: 'docker.remove-named-volumes',
        title: `Delete unused named ${l.length === 1 ? 'volume' : 'volumes'} ${namesList(l, 8)} (${formatBytes(sumBytes(l))}) — their data is lost`,
        targets: objectTargets('volume', l),
        expectedBytes: sumBytes(l),
        risk: 'high',
        destructive: true,
        undoable: false,
        command: `docker volume rm ${l.map((o) => o.name).join(' ')}`,
        reason: `No container uses these named volumes now, but named volumes usually hold data (databases, caches) a stack mounts again when it starts. Delete them only if you know you do not need: ${l.map((o) => o.name).join(', ')}.`,
        addresses: [],
      });
    }
    return out;
  }

  async function revalidateContainer(c: DockerClient, target: FixTarget, p: Proposal): Promise<string | null> {
    if (target.kind !== 'container') return `expected a container target, got ${target.kind}`;
    const insp = await inspectOrNull(c, target.id);
    if (!insp) return `container ${target.name} no longer exists`;
    if (insp.Id !== target.id) return `${target.name} is a different container now (id ${insp.Id.slice(0, 12)})`;
    const st = insp.State;
    const params = p.params ?? {};
    switch (p.kind) {
      case 'container.restart':
        return st.Running || st.Restarting ? null : `${target.name} is ${st.Status} now, not running`;
      case 'container.stop':
        return st.Running || st.Restarting || st.Status === 'paused' ? null : `${target.name} is already ${st.Status}`;
      case 'container.raise-limit':
      case 'container.set-limit': {
        const prevMem = Number(params.previousMemoryBytes);
        const prevSwap = Number(params.previousMemorySwapBytes);
        if (!Number.isFinite(Number(params.memoryBytes)) || !Number.isFinite(Number(params.memorySwapBytes))) return 'the proposal carries no limit to set';
        if (insp.HostConfig.Memory !== prevMem) {
          return `${target.name}'s memory limit changed since the proposal (now ${insp.HostConfig.Memory > 0 ? formatBytes(insp.HostConfig.Memory) : 'none'}, was ${prevMem > 0 ? formatBytes(prevMem) : 'none'})`;
        }
        if (insp.HostConfig.MemorySwap !== prevSwap) return `${target.name}'s swap limit changed since the proposal`;
        return null;
      }
      default:
        return `unknown fix kind ${p.kind}`;
    }
  }

  async function revalidateObject(c: DockerClient, target: FixTarget, p: Proposal): Promise<string | null> {
    if (target.kind !== 'docker-object') return `expected a Docker object target, got ${target.kind}`;
    const expected: Record<string, string> = {
      'docker.prune-dangling-images': 'image',
      'docker.prune-anonymous-volumes': 'volume',
      'docker.remove-named-volumes': 'volume',
      'docker.prune-build-cache': 'build-cache',
      'docker.prune-stopped-containers': 'container',
    };
    if (expected[p.kind] !== target.objectType) return `a ${target.objectType} is not a target of ${p.kind}`;
    switch (target.objectType) {
      case 'image': {
        let img;
        try {
          img = await c.inspectImage(target.id);
        } catch (err) {
          if (engineStatusCode(err) === 404) return `image ${target.name} is already gone`;
          throw err;
        }
        if (img.Id !== target.id) return `${target.name} now names a different image`;
        const users = await c.listContainers({ ancestor: target.id });
        if (!isDanglingImage({ RepoTags: img.RepoTags, Containers: users.length })) {
          const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
          return tags.length > 0 ? `image ${target.name} is tagged ${tags[0]} now, no longer dangling` : `image ${target.name} is used by container ${users[0]?.Names?.[0]?.replace(/^\//, '') ?? '?'}`;
        }
        return null;
      }
      case 'volume': {
        let vol;
        try {
          vol = await c.inspectVolume(target.id);
        } catch (err) {
          if (engineStatusCode(err) === 404) return `volume ${target.name} is already gone`;
          throw err;
        }
        const anonymous = isAnonymousVolume(vol);
        if (p.kind === 'docker.prune-anonymous-volumes' && !anonymous) return `volume ${target.name} is a named volume: only its own, explicit proposal removes it`;
        if (p.kind === 'docker.remove-named-volumes' && anonymous) return `volume ${target.name} is anonymous, not one of the named volumes`;
        const users = await c.listContainers({ volume: target.id });
        if (users.length > 0) return `volume ${target.name} is used by container ${users[0].Names?.[0]?.replace(/^\//, '') ?? users[0].Id.slice(0, 12)} now`;
        return null;
      }
      case 'build-cache': {
        const df = await systemDf(c);
        const rec = (df.BuildCache ?? []).find((b) => b.ID === target.id);
        if (!rec) return `build-cache record ${target.id} is already gone`;
        if (rec.InUse) return `build-cache record ${target.id} is in use by a build`;
        if (rec.Shared) return `build-cache record ${target.id} is shared with an image now; removing it would free nothing`;
        return null;
      }
      case 'container': {
        const insp = await inspectOrNull(c, target.id);
        if (!insp) return `container ${target.name} is already gone`;
        if (insp.State.Running || insp.State.Restarting || insp.State.Status === 'paused') return `container ${target.name} is ${insp.State.Status} again`;
        return null;
      }
    }
  }

  async function applyLimit(c: DockerClient, target: FixTarget & { kind: 'container' }, p: Proposal): Promise<FixTargetResult> {
    const memory = Number(p.params?.memoryBytes);
    const swap = Number(p.params?.memorySwapBytes);
    const prior = await c.inspectContainer(target.id);
    before.set(`${p.id}:${target.id}`, { memory: prior.HostConfig.Memory, swap: prior.HostConfig.MemorySwap, name: target.name });
    // Bounded: undoInfo is asked right around apply; old entries are of no use.
    if (before.size > 256) before.delete(before.keys().next().value as string);
    await c.updateMemory(target.id, memory, swap);
    const after = await c.inspectContainer(target.id);
    if (after.HostConfig.Memory !== memory) {
      return { target, outcome: 'failed', detail: `Docker accepted the update but reports a ${formatBytes(after.HostConfig.Memory)} limit, not ${formatBytes(memory)}` };
    }
    const was = prior.HostConfig.Memory > 0 ? formatBytes(prior.HostConfig.Memory) : 'no limit';
    const swapText = after.HostConfig.MemorySwap === -1 ? 'unlimited swap' : `memory+swap ${formatBytes(after.HostConfig.MemorySwap)}`;
    return { target, outcome: 'done', detail: `${target.name}: memory limit ${was} → ${formatBytes(memory)} (${swapText})` };
  }

  async function applyOne(target: FixTarget, p: Proposal): Promise<FixTargetResult> {
    const c = await client();
    const timeout = Math.max(0, Number(p.params?.timeoutSeconds ?? 10));
    switch (p.kind) {
      case 'container.restart':
        if (target.kind !== 'container') break;
        await c.restartContainer(target.id, timeout);
        return { target, outcome: 'done', detail: `restarted ${target.name}` };
      case 'container.stop':
        if (target.kind !== 'container') break;
        try {
          await c.stopContainer(target.id, timeout);
        } catch (err) {
          if (engineStatusCode(err) === 304) return { target, outcome: 'done', detail: `${target.name} was already stopped` };
          throw err;
        }
        return { target, outcome: 'done', detail: `stopped ${target.name}; its restart policy will not start it again until you do (docker start ${target.name})` };
      case 'container.raise-limit':
      case 'container.set-limit':
        if (target.kind !== 'container') break;
        return applyLimit(c, target, p);
      case 'docker.prune-dangling-images':
      case 'docker.prune-anonymous-volumes':
      case 'docker.remove-named-volumes':
      case 'docker.prune-stopped-containers':
      case 'docker.prune-build-cache':
        if (target.kind !== 'docker-object') break;
        return removeObject(c, target, p);
    }
    return { target, outcome: 'skipped', detail: `${p.kind} does not act on a ${target.kind} target` };
  }

  async function removeObject(c: DockerClient, target: FixTarget & { kind: 'docker-object' }, p: Proposal): Promise<FixTargetResult> {
    const size = formatBytes(target.bytes);
    try {
      switch (target.objectType) {
        case 'image':
          await c.removeImage(target.id);
          return { target, outcome: 'done', detail: `removed image ${target.name} (${size})` };
        case 'volume':
          await c.removeVolume(target.id);
          return { target, outcome: 'done', detail: `removed volume ${target.name} (${size})` };
        case 'container':
          await c.removeContainer(target.id);
          return { target, outcome: 'done', detail: `removed stopped container ${target.name} (${size})` };
        case 'build-cache': {
          const res = await c.pruneBuildCache([target.id]);
          dfCache = null;
          if (!res.deleted.includes(target.id)) return { target, outcome: 'failed', detail: `Docker removed nothing for build-cache record ${target.id} (in use, or already gone)` };
          const extra = res.deleted.filter((id) => id !== target.id);
          if (extra.length > 0) log(`docker fixes: ${p.kind}: the engine also removed ${extra.join(', ')}`);
          return { target, outcome: 'done', detail: `removed build-cache record ${target.id} (${formatBytes(res.reclaimedBytes)})${extra.length ? `; the engine also removed ${extra.join(', ')}` : ''}` };
        }
      }
    } catch (err) {
      if (engineStatusCode(err) === 404) return { target, outcome: 'skipped', detail: `${target.objectType} ${target.name} was already gone` };
      throw err;
    }
  }

  return {
    name: 'containers',
    kinds: CONTAINER_FIX_KINDS,
    propose,
    async revalidate(target, proposal) {
      try {
        const c = await client();
        return proposal.kind.startsWith('container.') ? await revalidateContainer(c, target, proposal) : await revalidateObject(c, target, proposal);
      } catch (err) {
        return `cannot check ${target.kind === 'process' ? target.pid : target.name}: ${explainEngineError(err)}`;
      }
    },
    async apply(target, proposal) {
      try {
        return await applyOne(target, proposal);
      } catch (err) {
        const detail = explainEngineError(err);
        log(`docker fixes: ${proposal.kind} on ${target.kind === 'process' ? target.pid : target.name} failed: ${detail}`);
        return { target, outcome: 'failed', detail };
      }
    },
    async undoInfo(target, proposal) {
      if (target.kind !== 'container') return null;
      if (proposal.kind === 'container.stop') {
        return { action: 'start', containerId: target.id, containerName: target.name, undoCommand: `docker start ${target.name}` };
      }
      if (proposal.kind !== 'container.raise-limit' && proposal.kind !== 'container.set-limit') return null;
      let prev = before.get(`${proposal.id}:${target.id}`);
      if (!prev) {
        // Asked before apply: the container's limits now are the ones to put back.
        try {
          const insp = await (await client()).inspectContainer(target.id);
          prev = { memory: insp.HostConfig.Memory, swap: insp.HostConfig.MemorySwap, name: target.name };
        } catch {
          prev = { memory: Number(proposal.params?.previousMemoryBytes), swap: Number(proposal.params?.previousMemorySwapBytes), name: target.name };
        }
      }
      const restorable = prev.memory > 0;
      return {
        action: 'set-memory-limit',
        containerId: target.id,
        containerName: target.name,
        previousMemoryBytes: prev.memory,
        previousMemorySwapBytes: prev.swap,
        appliedMemoryBytes: Number(proposal.params?.memoryBytes),
        appliedMemorySwapBytes: Number(proposal.params?.memorySwapBytes),
        restorable,
        undoCommand: restorable
          ? `docker update --memory ${dockerSize(prev.memory)} --memory-swap ${dockerSize(prev.swap)} ${target.name}`
          : null,
        note: restorable ? null : 'The container had no limit; the engine cannot remove a limit once set (recreate the container to drop it).',
      };
    },
  };
}
