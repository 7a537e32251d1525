/** `headroom log [--json] [--limit N]`: the fix audit log, most recent first. */

import { createHeadroom } from '../main/engine/create.ts';
import type { AuditEntry } from '../main/engine/remedies/types.ts';
import { formatBytes } from '../shared/format.ts';
import { parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import { targetLabel } from './fixes.ts';
import { UsageError, type CliIo } from './io.ts';

export async function logCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('log', args, { json: { type: 'boolean' }, limit: { type: 'string', default: '20' }, 'no-docker': { type: 'boolean' } }, false);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100000) throw new UsageError('headroom log: --limit expects a whole number from 1 to 100000');
  const engine = await attachToEngine({ needs: ['audit:list'] });
  if (engine) return withEngine(engine, async (c) => printLog(await c.invoke('audit:list', { limit }), values.json === true, io));
  const h = createHeadroom({ docker: false, log: io.err });
  try {
    return printLog(h.remedies.auditLog(limit), values.json === true, io);
  } finally {
    await h.close();
  }
}

/** Prints audit entries, from the engine or from the file. */
function printLog(entries: AuditEntry[], json: boolean, io: CliIo): number {
  if (json) {
    io.out(JSON.stringify(entries));
    return 0;
  }
  if (entries.length === 0) {
    io.out('No fixes have been run yet.');
    return 0;
  }
  io.out(entries.map((e) => renderEntry(e)).join('\n\n'));
  return 0;
}

/** One audit entry as terminal lines. */
export function renderEntry(e: AuditEntry, maxTargets = 20): string {
  const lines = [`${new Date(e.t).toLocaleString()}  ${e.fixId}  ${e.dryRun ? '[dry run] ' : ''}${e.ok ? '' : '[not ok] '}${e.title}`];
  lines.push(`  ${e.summary}`);
  const rss = e.targetsRssBefore !== undefined ? ` · targets' RSS ${formatBytes(e.targetsRssBefore)} → ${formatBytes(e.targetsRssAfter ?? 0)}` : '';
  lines.push(`  memory used ${formatBytes(e.memBefore)} → ${formatBytes(e.memAfter)}${rss}`);
  for (const t of e.targets.slice(0, maxTargets)) {
    const label = e.dryRun && t.outcome === 'done' ? 'checked' : t.outcome;
    lines.push(`  ${label.padEnd(7)}  ${targetLabel(t.target)}: ${t.detail}`);
  }
  if (e.targets.length > maxTargets) lines.push(`  … ${e.targets.length - maxTargets} more targets (see --json)`);
  if (e.undo) lines.push(`  undo: ${JSON.stringify(e.undo).slice(0, 300)}`);
  return lines.join('\n');
}
