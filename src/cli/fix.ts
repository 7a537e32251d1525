/**
 * `headroom fix <id> [--dry-run] [--yes] [--json]`: previews one proposal from
 * a fresh plan, asks for confirmation (unless --yes), runs it, and prints which
 * processes are gone and how much memory came back.
 *
 * Only an id is taken from the command line; what is touched comes from the
 * proposal Headroom itself just issued. An id that is malformed, unknown, or
 * whose targets changed since `headroom fixes` printed it is a one-line error
 * with exit code 2.
 */

import { createInterface } from 'node:readline/promises';
import { FIX_ID_PATTERN } from '../main/engine/remedies/proposal-id.ts';
import { FixError } from '../main/engine/remedies/types.ts';
import { formatBytes } from '../shared/format.ts';
import type { FixProposal, FixResult } from '../shared/model.ts';
import { parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import { targetLabel, withFreshPlan } from './fixes.ts';
import { UsageError, type CliIo } from './io.ts';

/** Asks a yes/no question on the terminal; false for anything but y/yes. */
export type Confirm = (question: string) => Promise<boolean>;

export async function fixCommand(args: string[], io: CliIo, confirm: Confirm | null = terminalConfirm()): Promise<number> {
  const { values, positionals } = parseFlags('fix', args, {
    'dry-run': { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
    json: { type: 'boolean' },
    'no-docker': { type: 'boolean' },
  });
  if (positionals.length !== 1) throw new UsageError('headroom fix: give one fix id, as `headroom fixes` lists them');
  const id = positionals[0];
  if (!FIX_ID_PATTERN.test(id)) throw new UsageError(`headroom fix: unknown or stale fix id "${printable(id)}" (run \`headroom fixes\` for the current ones)`);
  const dryRun = values['dry-run'] === true;
  // Refuse before sampling: without a terminal and without --yes there is no one to confirm.
  if (!dryRun && values.yes !== true && confirm === null) {
    throw new UsageError('headroom fix: stdin is not a terminal, so it cannot ask for confirmation; add --yes to run the fix');
  }

  const opts = { id, dryRun, json: values.json === true, yes: values.yes === true, confirm, io };
  const engine = await attachToEngine({ needs: ['fixes:list', 'fix:preview', 'fix:run'] });
  if (engine) {
    return withEngine(engine, async (c) => {
      const current = () => c.invoke('fixes:list', undefined);
      // The engine's preview is not audited: a dry run attached to it is recorded by neither side.
      return previewAndRun({ fixes: await current(), preview: (fixId) => c.invoke('fix:preview', { id: fixId }), run: (fixId) => c.invoke('fix:run', { id: fixId }), current }, opts);
    });
  }
  return withFreshPlan({ noDocker: values['no-docker'] === true, io }, (h, fixes) =>
    previewAndRun({ fixes, preview: (fixId) => h.remedies.preview(fixId, { audit: dryRun }), run: (fixId) => h.remedies.run(fixId), current: async () => h.remedies.list() }, opts),
  );
}

/** The fix operations, from the running engine or from a fresh plan of this process. */
interface FixOps {
  fixes: FixProposal[];
  preview(id: string): Promise<FixResult>;
  run(id: string): Promise<FixResult>;
  current(): Promise<FixProposal[]>;
}

async function previewAndRun(ops: FixOps, o: { id: string; dryRun: boolean; json: boolean; yes: boolean; confirm: Confirm | null; io: CliIo }): Promise<number> {
  const { id, io } = o;
  const proposal = ops.fixes.find((p) => p.id === id);
  const preview = await asUsage(() => ops.preview(id));
  if (!o.json && proposal) io.out(renderPreview(proposal, preview));
  if (o.dryRun) {
    if (o.json) io.out(JSON.stringify(preview));
    else io.out('Dry run: nothing was changed.');
    return 0;
  }
  if (!o.yes) {
    const yes = await (o.confirm as Confirm)('Run this fix? [y/N] ');
    if (!yes) {
      io.out('Nothing was changed.');
      return 1;
    }
  }
  const result = await asUsage(() => ops.run(id));
  if (o.json) io.out(JSON.stringify(result));
  else io.out(renderResult(result, await ops.current()));
  return result.ok ? 0 : 1;
}

/** A refused, unknown or stale id (a FixError here, an ApiError from the engine) is a one-line usage error. */
async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (err instanceof FixError || code === 'not-found' || code === 'stale' || code === 'refused' || code === 'bad-request') {
      throw new UsageError(`headroom fix: ${(err as { message: string }).message} (run \`headroom fixes\` for the current ones)`);
    }
    throw err;
  }
}

function renderPreview(p: FixProposal, preview: FixResult): string {
  const lines = [`${p.id}  ${p.title}`, `  ${p.reason}`, `  risk ${p.risk} · ${p.undoable ? 'can be undone' : 'cannot be undone'} · same as: ${p.command}`];
  for (const r of preview.results) {
    lines.push(`  ${r.outcome === 'done' ? 'will touch' : 'will skip '}  ${targetLabel(r.target)}${r.outcome === 'done' ? '' : `: ${r.detail}`}`);
  }
  return lines.join('\n');
}

/** The result: a summary line, one line per target, memory before and after, and any follow-up fix. */
export function renderResult(r: FixResult, current: readonly FixProposal[]): string {
  const lines = [r.summary];
  for (const t of r.results) {
    const label = t.outcome === 'done' ? (t.target.kind === 'process' && /stopped|SIGKILL/.test(t.detail) ? 'gone   ' : 'done   ') : t.outcome.padEnd(7);
    lines.push(`  ${label}  ${targetLabel(t.target)}: ${t.detail}`);
  }
  lines.push(`Memory back: ${formatBytes(r.freedBytes)} (RSS of the processes that are gone) · system memory used ${formatBytes(r.memBefore)} before, ${formatBytes(r.memAfter)} after`);
  for (const id of r.followUpFixIds ?? []) {
    const next = current.find((p) => p.id === id);
    lines.push(`Next: headroom fix ${id}${next ? `  (${next.title})` : ''}`);
  }
  lines.push('Recorded in `headroom log`.');
  return lines.join('\n');
}

/** A y/N prompt on the terminal, or null when stdin is not one (then only --yes can confirm). */
function terminalConfirm(): Confirm | null {
  if (!process.stdin.isTTY) return null;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await rl.question(question);
      return /^(y|yes)$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  };
}

function printable(s: string): string {
  return s.slice(0, 40).replace(/[^\x20-\x7e]/g, '?');
}
