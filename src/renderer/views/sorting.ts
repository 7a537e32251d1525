/**
 * How the tables sort: by one column's value, numbers by size and text in the
 * reader's collation, empty values (null) last in either direction. Pure.
 */

export type SortValue = number | string | null;

export interface SortState {
  key: string;
  descending: boolean;
}

/** A copy of `rows` ordered by `value`; equal values keep their order. */
export function sortRows<T>(rows: readonly T[], value: (row: T) => SortValue, descending: boolean): T[] {
  const dir = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const va = value(a);
    const vb = value(b);
    // Empty cells go last whichever way the column is sorted: they are not "smallest".
    if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
    return (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) * dir;
  });
}

/**
 * The sort after a click on the header of column `key`: the same column flips
 * direction; another starts largest-first when it holds figures, A→Z when it
 * holds names.
 */
export function nextSort(current: SortState, key: string, numeric: boolean): SortState {
  if (key === current.key) return { key, descending: !current.descending };
  return { key, descending: numeric };
}

/** The aria-sort value of a header. */
export function ariaSort(state: SortState, key: string): 'ascending' | 'descending' | 'none' {
  return key !== state.key ? 'none' : state.descending ? 'descending' : 'ascending';
}
