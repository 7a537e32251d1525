/**
 * The process collector: scans /proc, then groups processes into applications
 * and finds zombies and orphans. Runs every 5 s by default (faster under
 * pressure). File descriptors are counted by the separate, slower fd collector,
 * which shares this collector's process table.
 */

import type { Orphan, ProcessGroup, Zombie } from '../../../shared/model.ts';
import type { GroupRule } from '../../../shared/settings.ts';
import { DEFAULT_GROUP_RULES } from '../grouping/default-rules.ts';
import { Grouper, groupProcesses } from '../grouping/grouper.ts';
import { ProcessTable, type ProcessSource } from '../platform/linux/process-table.ts';
import type { CollectorContext, FieldMeta, SyncCollector } from './collector.ts';
import { defineCollector } from './entry.ts';
import type { Watch } from './series.ts';

export interface ProcessReading {
  processCount: number;
  threadCount: number;
  groups: ProcessGroup[];
  zombies: Zombie[];
  orphans: Orphan[];
  groupOf: Map<number, string>;
}

const FIELDS: readonly FieldMeta[] = [
  { name: 'groups[].rssBytes', unit: 'bytes', description: 'Sum of resident set sizes of the application\'s processes' },
  { name: 'groups[].cpuPercent', unit: 'percent', description: 'CPU of the application\'s processes (100 = one core)' },
  { name: 'groups[].threads', unit: 'count', description: 'Threads across the application\'s processes' },
  { name: 'zombies[].sinceSeconds', unit: 'seconds', description: 'How long it has been a zombie: since this engine saw it exit, else since its kernel start time' },
  { name: 'orphans[].rssBytes', unit: 'bytes', description: 'RSS of the orphan and its whole process tree' },
];

export interface ProcessCollector extends SyncCollector<ProcessReading> {
  readonly table: ProcessSource;
  setRules(userRules: readonly GroupRule[]): string[];
}

/** `source` defaults to the Linux /proc reader; other platforms pass the systeminformation fallback. */
export function createProcessCollector(userRules: readonly GroupRule[], source: ProcessSource = new ProcessTable()): ProcessCollector {
  const table = source;
  // Only the /proc reader dates processes by their kernel start time; the fallback only knows when it first saw them.
  const kernelAges = source instanceof ProcessTable;
  const grouper = new Grouper(userRules, DEFAULT_GROUP_RULES);
  return {
    id: 'processes',
    intervalMs: 5000,
    fields: FIELDS,
    table,
    init() {},
    collect(ctx: CollectorContext): ProcessReading {
      const scan = table.scan(ctx.now, ctx.monotonic);
      const g = groupProcesses(table.entries, grouper, ctx.now);
      // Ages come from the kernel's start times, not from when this engine first saw a process (few: no cost to speak of).
      if (kernelAges) {
        for (const z of g.zombies) z.startedAt = table.entries.get(z.pid)?.firstSeen;
        for (const o of g.orphans) o.startedAt = table.entries.get(o.pid)?.firstSeen;
      }
      return { processCount: scan.processCount, threadCount: scan.threadCount, ...g };
    },
    setRules(rules) {
      const problems = grouper.setRules(rules, DEFAULT_GROUP_RULES);
      grouper.invalidate(table.entries.values());
      return problems;
    },
    dispose() {
      table.close?.();
      table.entries.clear();
    },
  };
}

/** Counts open fds on a slower interval (30 s): listing fds is the costly part of a scan. */
export function createFdCollector(table: ProcessSource): SyncCollector<void> {
  return {
    id: 'fds',
    intervalMs: 30000,
    fields: [{ name: 'groups[].fds', unit: 'count', description: 'Open file descriptors across the application\'s processes' }],
    init() {},
    collect() {
      table.countFds();
    },
    dispose() {},
  };
}

/** Groups smaller than this are not watched for leaks: a leak there cannot hurt the machine yet. */
export const MIN_WATCHED_GROUP_BYTES = 32 * 1024 * 1024;
/** At most this many groups are watched (×3 series each), to bound the detector's cost per tick. */
export const MAX_WATCHED_GROUPS = 40;

/**
 * Registry entry: the process scan on its interval. History records the top
 * groups (settings.groups.topN); the detector watches memory, threads and fds
 * of the largest groups from MIN_WATCHED_GROUP_BYTES. Group series are emitted
 * only on ticks with a fresh scan.
 */
export const processesEntry = defineCollector<ProcessReading>({
  id: 'processes',
  schedule: { kind: 'every', interval: 'processesMs' },
  create: (deps) => createProcessCollector(deps.settings.groups.rules, deps.platform.processes),
  merge(snap, r, at) {
    snap.processCount = r.processCount;
    snap.threadCount = r.threadCount;
    snap.groups = r.groups;
    snap.zombies = r.zombies;
    snap.orphans = r.orphans;
    snap.sampledAt.processes = at;
  },
  series: {
    names: ['system.processes', ...['rss', 'cpu', 'count', 'threads', 'fds'].map((x) => `process.group.<name>.${x}`)],
    emit(s, ctx, out) {
      out.add('system.processes', s.processCount, null, true, null);
      if (!ctx.fresh.processes) return;
      let watchedGroups = 0;
      // Groups are sorted by RSS: past the top N and the watch floor, nothing more is emitted.
      for (let i = 0; i < s.groups.length; i++) {
        const g = s.groups[i];
        const record = i < ctx.topN;
        const watch: Watch | null =
          watchedGroups < MAX_WATCHED_GROUPS && g.rssBytes >= MIN_WATCHED_GROUP_BYTES ? { segmentKey: '', culprit: g.name, members: g.pids } : null;
        if (!record && watch === null) break;
        if (watch) watchedGroups++;
        const p = `process.group.${g.name}`;
        out.add(`${p}.rss`, g.rssBytes, s.memory.totalBytes, record, watch);
        if (record) {
          out.add(`${p}.cpu`, g.cpuPercent, null, true, null);
          out.add(`${p}.count`, g.count, null, true, null);
        }
        out.add(`${p}.threads`, g.threads, null, record, watch);
        if (g.fds !== null) out.add(`${p}.fds`, g.fds, null, record, watch);
      }
    },
  },
});

/** Registry entry: the fd pass, on ticks with a process scan and at most every fdsMs; its counts reach the Snapshot through the scan's groups. */
export const fdsEntry = defineCollector<void>({
  id: 'fds',
  schedule: { kind: 'with', entry: 'processes', interval: 'fdsMs' },
  create: (deps) => createFdCollector(deps.platform.processes),
  merge() {},
});
