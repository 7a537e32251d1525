/**
 * The drill-down from an application to its processes: the rows of the
 * engine's process table for one group's PIDs, with each process's own fixes
 * taken from the planner's current proposals (never invented here). Pure over
 * its inputs, so it is tested on fixtures.
 */

import type { ProcessRow } from '../../../shared/contract.ts';
import type { FixProposal, Snapshot } from '../../../shared/model.ts';

/** What a row needs from a process table entry; the engine's ProcEntry fits. */
export interface ProcessTableEntry {
  pid: number;
  ppid: number;
  startTime: number;
  name: string;
  state: string;
  /** Epoch ms the process started (kernel start time). */
  firstSeen: number;
  rssBytes: number;
  cpuPercent: number;
  threads: number;
  fds: number | null;
  cmdline: string;
}

/** Most rows returned: a group of thousands is summarised by its largest members. */
export const MAX_PROCESS_ROWS = 500;
/** Command lines are cut here: enough to recognise, bounded for the wire. */
const MAX_CMDLINE = 4096;

/**
 * The processes of `group` in `snapshot`, largest first, or null when the
 * snapshot has no such group. A fix is a process's own when it targets that
 * very process (same PID and start time) and few others — a fix over a whole
 * group stays with the group's alert, not repeated on each row.
 */
export function groupProcesses(
  snapshot: Pick<Snapshot, 'groups'>,
  table: ReadonlyMap<number, ProcessTableEntry>,
  fixes: readonly FixProposal[],
  group: string,
): ProcessRow[] | null {
  const g = snapshot.groups.find((x) => x.name === group);
  if (!g) return null;
  const own = new Map<string, string[]>();
  for (const f of fixes) {
    const procs = f.targets.filter((t) => t.kind === 'process');
    if (procs.length === 0 || procs.length > 1) continue;
    const key = `${procs[0].pid}:${procs[0].startTime}`;
    own.set(key, [...(own.get(key) ?? []), f.id]);
  }
  const rows: ProcessRow[] = [];
  for (const pid of g.pids) {
    const e = table.get(pid);
    if (!e) continue;
    rows.push({
      pid: e.pid,
      ppid: e.ppid,
      parentName: table.get(e.ppid)?.name ?? null,
      name: e.name,
      state: e.state,
      startedAt: e.firstSeen,
      rssBytes: e.rssBytes,
      cpuPercent: e.cpuPercent,
      threads: e.threads,
      fds: e.fds,
      cmdline: e.cmdline.length > MAX_CMDLINE ? `${e.cmdline.slice(0, MAX_CMDLINE)}…` : e.cmdline,
      fixIds: own.get(`${e.pid}:${e.startTime}`) ?? [],
    });
  }
  rows.sort((a, b) => b.rssBytes - a.rssBytes || a.pid - b.pid);
  return rows.slice(0, MAX_PROCESS_ROWS);
}
