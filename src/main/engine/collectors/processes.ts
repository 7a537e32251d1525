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
