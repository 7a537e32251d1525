/**
 * `headroom fixes [--json]`: the fixes on offer right now, from a fresh sample.
 *
 * Also the shared part of `fixes` and `fix`: a Headroom instance that samples
 * twice (CPU figures and the `active` keep policy need two readings) and plans.
 * Proposal ids are derived from their targets, so the id `fixes` prints is the
 * id `fix` finds in its own fresh plan, as long as the same processes run.
 */

import { createHeadroom, type Headroom } from '../main/engine/create.ts';
import { formatBytes } from '../shared/format.ts';
import type { FixProposal, FixTarget } from '../shared/model.ts';
import { safeText } from '../shared/safe-text.ts';
import { parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import type { CliIo } from './io.ts';

/** Builds a Headroom, samples twice ~0.5 s apart, plans, runs `fn`, and always closes it. */
export async function withFreshPlan<T>(
  opts: { noDocker: boolean; io: CliIo },
  fn: (h: Headroom, fixes: FixProposal[]) => Promise<T>,
): Promise<T> {
  const h = createHeadroom({ docker: opts.noDocker ? false : undefined, log: opts.io.err });
  try {
    h.docker?.start();
    h.engine.sampleNow();
    // Docker needs a moment for its first container list and stats (bounded, like `snapshot`).
    const start = Date.now();
    await sleep(500);
    while (h.docker !== null && h.docker.state().status === 'ok' && h.docker.sampledAt() === null && Date.now() - start < 4000) await sleep(100);
    const snap = h.engine.sampleNow();
    const fixes = await h.remedies.plan(snap, h.engine.alerts());
    return await fn(h, fixes);
  } finally {
    await h.docker?.stop();
    await h.close();
  }
}

export async function fixesCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('fixes', args, { json: { type: 'boolean' }, 'no-docker': { type: 'boolean' } }, false);
  const engine = await attachToEngine({ needs: ['fixes:list'] });
  if (engine) return withEngine(engine, async (c) => printFixes(await c.invoke('fixes:list', undefined), values.json === true, io));
  return withFreshPlan({ noDocker: values['no-docker'] === true, io }, async (_h, fixes) => printFixes(fixes, values.json === true, io));
}

/** Prints the fixes on offer, the running engine's or a fresh plan's. */
function printFixes(fixes: FixProposal[], json: boolean, io: CliIo): number {
  if (json) {
    io.out(JSON.stringify(fixes));
    return 0;
  }
  if (fixes.length === 0) {
    io.out('No fixes on offer: nothing to stop or reap right now.');
    return 0;
  }
  io.out(`${fixes.length} fix${fixes.length === 1 ? '' : 'es'} on offer:`);
  for (const p of fixes) io.out(['', ...renderProposal(p)].join('\n'));
  io.out('\nPreview one with `headroom fix <id> --dry-run`; run it with `headroom fix <id>`.');
  return 0;
}

/** A proposal as terminal lines: id and title, what it frees and risks, its targets, the equivalent command. */
export function renderProposal(p: FixProposal, opts: { maxTargets?: number } = {}): string[] {
  const max = opts.maxTargets ?? 8;
  const lines = [`  ${p.id}  ${p.title}`];
  const frees = p.expectedBytes > 0 ? `frees about ${formatBytes(p.expectedBytes)}` : 'frees no memory';
  lines.push(`      ${frees} · risk ${p.risk} · ${p.undoable ? 'can be undone' : 'cannot be undone'}`);
  const shown = p.targets.slice(0, max).map(targetLabel);
  const more = p.targets.length > max ? `, … ${p.targets.length - max} more` : '';
  lines.push(`      targets: ${shown.join(', ')}${more}`);
  lines.push(`      why: ${p.reason}`);
  lines.push(`      same as: ${p.command}`);
  return lines;
}

/** "claude (PID 123, 1.1 MB)", "metamcp (container 4f2a…)". Names are untrusted text, shown through safeText. */
export function targetLabel(t: FixTarget): string {
  switch (t.kind) {
    case 'process':
      return `${safeText(t.name, 64)} (PID ${t.pid}, ${formatBytes(t.rssBytes)})`;
    case 'container':
      return `${safeText(t.name, 64)} (container ${t.id.slice(0, 12)})`;
    case 'docker-object':
      return `${t.objectType} ${safeText(t.name, 64)} (${formatBytes(t.bytes)})`;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
