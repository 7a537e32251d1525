/**
 * Docker disk waste, from `/system/df` (what `docker system df` shows):
 * dangling images, unused volumes (anonymous and named kept apart: named ones
 * usually hold data someone meant to keep), build cache, stopped containers.
 *
 * Besides the totals for the Snapshot, it keeps the objects themselves (ids,
 * names, sizes) so a prune proposal can name exactly what it would remove.
 * `/system/df` walks every volume and layer, so it runs rarely (10 min default).
 */

import type { DockerDiskWaste } from '../../../../shared/model.ts';
import type { Collector, FieldMeta } from '../collector.ts';
import type { ApiDfImage, ApiDfVolume, ApiSystemDf, DockerClient } from './client.ts';
import { containerName } from './containers.ts';

/** One removable object, as a prune proposal lists it. */
export interface DiskObject {
  id: string;
  name: string;
  bytes: number;
}

/** The waste totals plus the objects behind each total. */
export interface DockerDiskInventory {
  waste: DockerDiskWaste;
  danglingImages: DiskObject[];
  anonymousVolumes: DiskObject[];
  namedUnusedVolumes: DiskObject[];
  buildCache: DiskObject[];
  stoppedContainers: DiskObject[];
}

/** Engines since 23.0 label anonymous volumes; older ones (this 20.10 engine) only give them a 64-hex name. */
export const ANONYMOUS_VOLUME_LABEL = 'com.docker.volume.anonymous';
const HEX64 = /^[0-9a-f]{64}$/;

/** An anonymous volume: the engine's label when it sets one, else the random 64-hex name it generates. */
export function isAnonymousVolume(v: Pick<ApiDfVolume, 'Name' | 'Labels'>): boolean {
  if (v.Labels && ANONYMOUS_VOLUME_LABEL in v.Labels) return true;
  return HEX64.test(v.Name);
}

/** Untagged (`<none>:<none>` or no tags) and not used by any container: what `docker image prune` removes. */
export function isDanglingImage(img: Pick<ApiDfImage, 'RepoTags' | 'Containers'>): boolean {
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
  return tags.length === 0 && !(img.Containers > 0);
}

/** "sha256:89e9112b749a…" → "89e9112b749a", as the CLI shows image ids. */
export function shortImageId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

const STOPPED_STATES = new Set(['exited', 'created', 'dead']);

/** Sizes the engine did not compute come back as -1: count them as 0, never as negative. */
const size = (n: number | null | undefined): number => (typeof n === 'number' && n > 0 ? n : 0);

/**
 * Sorts `/system/df` into waste categories. Pure. Bytes are what removal
 * frees: an image's size minus what it shares with other images, a volume's
 * measured size, a build-cache record's size, a container's writable layer.
 * Shared build-cache records are left out, as `docker system df` does: an
 * image still holds their data, so removing them frees nothing.
 */
export function summarizeDiskUsage(df: ApiSystemDf, measuredAt: number): DockerDiskInventory {
  const danglingImages: DiskObject[] = [];
  for (const img of df.Images ?? []) {
    if (!isDanglingImage(img)) continue;
    const shared = size(img.SharedSize);
    danglingImages.push({ id: img.Id, name: shortImageId(img.Id), bytes: Math.max(0, size(img.Size) - shared) });
  }
  const anonymousVolumes: DiskObject[] = [];
  const namedUnusedVolumes: DiskObject[] = [];
  for (const v of df.Volumes ?? []) {
    // RefCount -1 means "not computed": treat as in use, never as removable.
    if (!v.UsageData || v.UsageData.RefCount !== 0) continue;
    const obj = { id: v.Name, name: v.Name, bytes: size(v.UsageData.Size) };
    (isAnonymousVolume(v) ? anonymousVolumes : namedUnusedVolumes).push(obj);
  }
  const buildCache: DiskObject[] = [];
  for (const b of df.BuildCache ?? []) {
    if (b.InUse || b.Shared) continue;
    buildCache.push({ id: b.ID, name: b.Description || b.Type || b.ID, bytes: size(b.Size) });
  }
  const stoppedContainers: DiskObject[] = [];
  for (const c of df.Containers ?? []) {
    if (!STOPPED_STATES.has(c.State)) continue;
    stoppedContainers.push({ id: c.Id, name: containerName(c.Names, c.Id), bytes: size(c.SizeRw) });
  }
  const bySizeDesc = (a: DiskObject, b: DiskObject) => b.bytes - a.bytes || a.name.localeCompare(b.name);
  for (const l of [danglingImages, anonymousVolumes, namedUnusedVolumes, buildCache, stoppedContainers]) l.sort(bySizeDesc);
  const total = (l: DiskObject[]) => ({ count: l.length, reclaimableBytes: l.reduce((s, o) => s + o.bytes, 0) });
  return {
    waste: {
      danglingImages: total(danglingImages),
      anonymousVolumes: total(anonymousVolumes),
      namedUnusedVolumes: { ...total(namedUnusedVolumes), names: namedUnusedVolumes.map((v) => v.name) },
      buildCache: total(buildCache),
      stoppedContainers: total(stoppedContainers),
      measuredAt,
    },
    danglingImages,
    anonymousVolumes,
    namedUnusedVolumes,
    buildCache,
    stoppedContainers,
  };
}

const FIELDS: readonly FieldMeta[] = [
  { name: 'danglingImages.reclaimableBytes', unit: 'bytes', description: 'Untagged images no container uses' },
  { name: 'anonymousVolumes.reclaimableBytes', unit: 'bytes', description: 'Unused volumes with generated names' },
  { name: 'namedUnusedVolumes.reclaimableBytes', unit: 'bytes', description: 'Unused named volumes (may hold data to keep)' },
  { name: 'buildCache.reclaimableBytes', unit: 'bytes', description: 'BuildKit cache not in use and not shared with an image' },
  { name: 'stoppedContainers.reclaimableBytes', unit: 'bytes', description: 'Writable layers of stopped containers' },
];

export function createDiskCollector(opts: { client: () => DockerClient }): Collector<DockerDiskInventory> {
  return {
    id: 'docker.disk',
    intervalMs: 600_000,
    fields: FIELDS,
    init() {},
    async collect(ctx) {
      return summarizeDiskUsage(await opts.client().systemDf(), ctx.now);
    },
    dispose() {},
  };
}
