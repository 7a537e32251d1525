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

  return withFreshPlan({ noDocker: values['no-docker'] === true, io }, async (h, fixes) => {
    const proposal = fixes.find((p) => p.id === id);
    let preview: FixResult;
    try {
      preview = await h.remedies.preview(id, { audit: dryRun });
    } catch (err) {
      if (err instanceof FixError) throw new UsageError(`headroom fix: ${err.message} (run \`headroom fixes\` for the current ones)`);
      throw err;
    }
    if (!values.json && proposal) io.out(renderPreview(proposal, preview));
    if (dryRun) {
      if (values.json) io.out(JSON.stringify(preview));
      else io.out('Dry run: nothing was changed.');
      return 0;
    }
    if (values.yes !== true) {
      const yes = await (confirm as Confirm)('Run this fix? [y/N] ');
      if (!yes) {
        io.out('Nothing was changed.');
        return 1;
      }
    }
    let result: FixResult;
    try {
      result = await h.remedies.run(id);
    } catch (err) {
      if (err instanceof FixError) throw new UsageError(`headroom fix: ${err.message} (run \`headroom fixes\` for the current ones)`);
      throw err;
    }
    if (values.json) io.out(JSON.stringify(result));
    else io.out(renderResult(result, h.remedies.list()));
    return result.ok ? 0 : 1;
  });
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
