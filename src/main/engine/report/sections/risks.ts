/**
 * Risk assessment: every finding, ordered by time to impact — what is already
 * hurting first, then projected impacts soonest first, then risks with no
 * projected time — each with how that time was obtained.
 */

import { formatDuration } from '../../../../shared/format.ts';
import type { ReportContext } from '../context.ts';
import type { Finding } from '../findings.ts';
import type { Block, ReportSection } from '../types.ts';

/** "now", "~2 h 10 min (projection)" or "none projected". */
export function formatTimeToImpact(f: Finding): string {
  if (f.timeToImpactSeconds === null) return 'none projected';
  if (f.timeToImpactSeconds === 0) return 'now';
  return `${formatDuration(f.timeToImpactSeconds)} (projection)`;
}

/** The "Risk assessment" section. */
export function risksSection(_ctx: ReportContext, findings: readonly Finding[]): ReportSection {
  const blocks: Block[] = [];
  if (findings.length === 0) {
    blocks.push({ kind: 'p', text: 'No risk found: no leak trend, no memory or container limit near, no restart loop, no orphan or zombie in the live sample.' });
  } else {
    blocks.push({
      kind: 'table',
      head: ['#', 'Severity', 'Risk', 'Time to impact', 'Basis'],
      align: ['r', 'l', 'l', 'r', 'l'],
      rows: findings.map((f, i) => [String(i + 1), f.severity, f.title, formatTimeToImpact(f), f.impactBasis]),
    });
  }
  return { id: 'risks', title: 'Risk assessment', blocks };
}
