/**
 * Bounding label cardinality: a machine can run hundreds of process groups and
 * containers, and every distinct label value is a new time series in
 * Prometheus. The largest N keep their own labels; the rest are summed into
 * one "other" row, so totals stay right and the series count stays fixed.
 */

import type { ProcessGroup } from '../../../shared/model.ts';

/** The label value that stands for every group outside the top N. */
export const OTHER = 'other';

export interface GroupRow {
  group: string;
  kind: string;
  memoryBytes: number;
  instances: number;
  threads: number;
  /** Sum of the known fd counts; null when none of the row's groups has one. */
  fds: number | null;
  cpuCores: number;
}

/**
 * The top `n` groups by memory (ties by name) and, when there are more, an
 * "other" row summing the rest. A real group named "other" is folded into the
 * "other" row too, so the label never means two things.
 */
export function topGroupsWithOther(groups: readonly ProcessGroup[], n: number): GroupRow[] {
  const sorted = [...groups].sort((a, b) => b.rssBytes - a.rssBytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows: GroupRow[] = [];
  const other: GroupRow = { group: OTHER, kind: OTHER, memoryBytes: 0, instances: 0, threads: 0, fds: null, cpuCores: 0 };
  let others = 0;
  for (const g of sorted) {
    if (rows.length < n && g.name !== OTHER) {
      rows.push({ group: g.name, kind: g.kind, memoryBytes: g.rssBytes, instances: g.count, threads: g.threads, fds: g.fds, cpuCores: g.cpuPercent / 100 });
      continue;
    }
    others++;
    other.memoryBytes += g.rssBytes;
    other.instances += g.count;
    other.threads += g.threads;
    other.cpuCores += g.cpuPercent / 100;
    if (g.fds !== null) other.fds = (other.fds ?? 0) + g.fds;
  }
  if (others > 0) rows.push(other);
  return rows;
}
