/**
 * The one search box in the top bar: what it holds, and whether a row matches
 * it. Applications, their processes and containers all filter by it. Pure
 * matching, so it is tested under Node.
 */

/** True when every word of `query` occurs (case-insensitively) in one of `fields`. An empty query matches all. */
export function matchesQuery(query: string, fields: readonly (string | number | null | undefined)[]): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = fields
    .filter((f) => f !== null && f !== undefined)
    .map((f) => String(f).toLowerCase())
    .join('\n');
  return words.every((w) => hay.includes(w));
}

/** The current query and who wants to know when it changes. */
export class SearchQuery {
  private value = '';
  private readonly listeners = new Set<() => void>();

  get text(): string {
    return this.value;
  }

  set(text: string): void {
    if (text === this.value) return;
    this.value = text;
    for (const l of this.listeners) l();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
