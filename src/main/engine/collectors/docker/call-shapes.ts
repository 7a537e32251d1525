/**
 * What the two transports (http-client.ts, ssh-client.ts) send alike for the
 * calls that are more than one plain request, so the rules live once: the
 * container-list filters, the bound on stop/restart, and build-cache pruning
 * one record at a time.
 */

/** `filters` for `GET /containers/json` (JSON, as the engine wants it), or undefined for none. */
export function containerListFilters(filter?: { volume?: string; ancestor?: string }): string | undefined {
  const filters: Record<string, string[]> = {};
  if (filter?.volume) filters.volume = [filter.volume];
  if (filter?.ancestor) filters.ancestor = [filter.ancestor];
  return Object.keys(filters).length > 0 ? JSON.stringify(filters) : undefined;
}

/** Stop and restart wait for the container's grace period, which may exceed the usual request bound: the grace time plus 30 s. */
export function graceBound(timeoutSeconds: number): AbortSignal {
  return AbortSignal.timeout((timeoutSeconds + 30) * 1000);
}

/** One `/build/prune` reply. */
export interface PruneReply {
  CachesDeleted: string[] | null;
  SpaceReclaimed: number;
}

/**
 * Prunes exactly the listed build-cache records, one call per id: the engine refuses several values for
 * one filter key ("filters expect only one value"), needs all=true (else only "dangling" records are
 * pruned and the id filter matches nothing), and matches ids by prefix — BuildKit ids are fixed-length,
 * so a full id matches only itself.
 */
export async function pruneEach(ids: readonly string[], pruneOne: (id: string) => Promise<PruneReply>): Promise<{ deleted: string[]; reclaimedBytes: number }> {
  const deleted: string[] = [];
  let reclaimedBytes = 0;
  for (const id of ids) {
    const out = await pruneOne(id);
    deleted.push(...(out.CachesDeleted ?? []));
    reclaimedBytes += out.SpaceReclaimed ?? 0;
  }
  return { deleted, reclaimedBytes };
}
