/**
 * Recommendations: one per finding, each tied to its evidence, with the
 * matching one-click fix id and the exact command that fix stands for. No
 * command is invented here: commands come from the fix proposals (which name
 * PIDs with their start times, or container names), and a proposal whose
 * command matches by pattern is withheld. Where no fix applies, only a
 * read-only command to look closer is given.
 */

import { formatBytes } from '../../../../shared/format.ts';
import { code, type ReportContext } from '../context.ts';
import { fixesFor, isSafeCommand, type Finding } from '../findings.ts';
import type { Block, ReportSection } from '../types.ts';

/** The "Recommendations" section: one per finding, then fixes on offer that no finding matched. */
export function recommendationsSection(ctx: ReportContext, findings: readonly Finding[]): ReportSection {
  const blocks: Block[] = [];
  const live = ctx.inputs.live;
  if (findings.length === 0) {
    blocks.push({ kind: 'p', text: 'None: nothing in this history or in the live sample calls for action.' });
  } else if (live) {
    blocks.push({
      kind: 'p',
      text: `Fix ids name the exact processes (PID and start time) or containers seen at ${ctx.clock.dateTime(live.snapshot.t)}. Preview one with ${code('headroom fix ID --dry-run')} and run it with ${code('headroom fix ID')}; an id resolves only while its targets are unchanged, and ${code('headroom fixes')} lists the current ones.`,
    });
  } else {
    blocks.push({ kind: 'p', text: `This report has no live sample, so no fix ids: run ${code('headroom fixes')} for the current proposals.` });
  }
  let n = 0;
  const offered = new Set<string>();
  for (const f of findings) {
    n++;
    blocks.push({ kind: 'h3', text: `${n}. ${f.headline}` });
    blocks.push({ kind: 'list', items: [`**Why:** ${f.title}.`, `**Evidence:** ${f.evidence}.`, `**What to do:** ${f.action}`] });
    const fixes = fixesFor(ctx, f);
    if (fixes.length === 0) {
      blocks.push({
        kind: 'p',
        text: live ? 'No one-click fix was proposed for this at report time.' : 'No fix ids without a live sample.',
      });
    }
    for (const p of fixes) {
      offered.add(p.id);
      blocks.push({
        kind: 'p',
        text: `One-click fix ${code(p.id)}: ${p.title} — risk ${p.risk}${p.destructive ? ', destructive' : ''}${p.undoable ? ', undoable' : ''}${p.expectedBytes > 0 ? `, frees about ${formatBytes(p.expectedBytes)}` : ''}. ${p.reason}`,
      });
      if (isSafeCommand(p.command)) {
        blocks.push({ kind: 'p', text: 'The same by hand:' });
        blocks.push({ kind: 'code', text: p.command });
      } else {
        blocks.push({ kind: 'p', text: 'Its command is withheld: it matches processes by pattern, which can hit the wrong ones.' });
      }
    }
    if (f.lookCloser) {
      blocks.push({ kind: 'p', text: `Look closer (read-only): ${code(f.lookCloser)}` });
    }
  }
  const others = (live?.fixes ?? []).filter((p) => !offered.has(p.id)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (others.length > 0) {
    blocks.push({ kind: 'h3', text: 'Other fixes on offer' });
    blocks.push({
      kind: 'list',
      items: others.map(
        (p) => `${code(p.id)}: ${p.title} — risk ${p.risk}. ${p.reason}${isSafeCommand(p.command) ? ` By hand: ${code(p.command)}` : ''}`,
      ),
    });
  }
  return { id: 'recommendations', title: 'Recommendations', blocks };
}
