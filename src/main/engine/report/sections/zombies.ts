/**
 * Zombies and orphans, from the live sample taken with the report: history
 * keeps numbers per series, not process lists, so without a live sample this
 * section says they were not measured instead of implying there were none.
 */

import { formatBytes, formatDuration } from '../../../../shared/format.ts';
import { code, type ReportContext } from '../context.ts';
import type { Block, ReportSection } from '../types.ts';

/** The "Zombies and orphans" section. */
export function zombiesSection(ctx: ReportContext): ReportSection {
  const blocks: Block[] = [];
  const live = ctx.inputs.live;
  const title = 'Zombies and orphans';
  if (!live) {
    blocks.push({
      kind: 'p',
      text: 'Not measured: zombies and orphans are found by a live process scan, and this report was made from history alone (no live sample), which keeps no process lists.',
    });
    return { id: 'zombies', title, blocks };
  }
  const s = live.snapshot;
  const starts = live.processStarts;
  const startedAt = (pid: number) => (starts[pid] !== undefined ? ctx.clock.dateTime(starts[pid]) : 'not readable');
  blocks.push({ kind: 'p', text: `From the process scan at ${ctx.clock.dateTime(s.sampledAt.processes || s.t)}.` });

  blocks.push({ kind: 'h3', text: `Zombies (${s.zombies.length})` });
  if (s.zombies.length === 0) {
    blocks.push({ kind: 'p', text: 'None: every exited process had been reaped by its parent.' });
  } else {
    blocks.push({
      kind: 'p',
      text: 'A zombie has already exited and holds no memory, only a process-table entry. It cannot be killed; only its parent can reap it, so the remedy is always about the parent. How long each has been a zombie counts from its exit where the engine saw it exit, else from its start in the kernel (an upper bound: it exited some time after).',
    });
    const zs = [...s.zombies].sort((a, b) => a.ppid - b.ppid || a.pid - b.pid);
    blocks.push({
      kind: 'table',
      head: ['PID', 'Name', 'Parent (must reap it)', 'Parent started', 'Zombie started', 'A zombie for'],
      align: ['r', 'l', 'l', 'l', 'l', 'r'],
      rows: zs.map((z) => [
        String(z.pid),
        code(z.name),
        `${z.ppid} ${code(z.parentName)}`,
        startedAt(z.ppid),
        startedAt(z.pid),
        // Ages come from the kernel (the engine's exit sighting, else the start time), so a fresh scan knows them too.
        formatDuration(z.sinceSeconds),
      ]),
    });
  }

  blocks.push({ kind: 'h3', text: `Orphans (${s.orphans.length})` });
  if (s.orphans.length === 0) {
    blocks.push({ kind: 'p', text: 'None: no agent or MCP process had lost the session that started it.' });
  } else {
    blocks.push({
      kind: 'p',
      text: 'Agent or MCP processes whose launching session is gone: they were re-parented to PID 1 or a subreaper and keep running, with their descendants, until stopped.',
    });
    const os = [...s.orphans].sort((a, b) => b.rssBytes - a.rssBytes || a.pid - b.pid);
    blocks.push({
      kind: 'table',
      head: ['PID', 'Application', 'Started as', 'Now child of', 'Running since', 'Memory with descendants', 'Descendants'],
      align: ['r', 'l', 'l', 'r', 'l', 'r', 'r'],
      rows: os.map((o) => [
        String(o.pid),
        o.group,
        code(o.cmdline.length > 80 ? `${o.cmdline.slice(0, 77)}...` : o.cmdline),
        String(o.ppid),
        startedAt(o.pid),
        formatBytes(o.rssBytes),
        String(o.treePids.length),
      ]),
    });
  }
  return { id: 'zombies', title, blocks };
}
