/**
 * Bounded parallelism for engine calls: a one-shot stats call takes about a
 * second, so 20 containers one by one would take 20 s, and all at once would
 * load the engine. `limit` workers pull from a shared queue.
 */

/**
 * Maps `items` through `fn` with at most `limit` calls in flight; results keep
 * the input order. The first rejection rejects the whole map, after the calls
 * already in flight settle (so nothing keeps running behind the caller's back).
 */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (failure === null) {
      const i = next++;
      if (i >= items.length) return;
      try {
        out[i] = await fn(items[i], i);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  const n = Math.max(1, Math.min(Math.floor(limit) || 1, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure) throw (failure as { err: unknown }).err;
  return out;
}
