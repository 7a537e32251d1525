/**
 * Proposal ids, derived from what a proposal touches.
 *
 * The CLI is a separate process from any running app: `headroom fixes` and then
 * `headroom fix <id>` plan twice, in two processes. The id is therefore a hash
 * of the kind and the exact targets (PID *with start time*, container id), so
 * the same situation yields the same id, and an id whose targets changed — a
 * process exited, a PID was reused — no longer resolves.
 */

import { createHash } from 'node:crypto';
import type { FixTarget } from '../../../shared/model.ts';

/** Ids look like `fx-` and 10 hex digits. */
export const FIX_ID_PATTERN = /^fx-[0-9a-f]{10}$/;

/** A stable key for one target: `p:PID:STARTTIME`, `c:ID`, `o:TYPE:ID`. */
export function targetKey(t: FixTarget): string {
  switch (t.kind) {
    case 'process':
      return `p:${t.pid}:${t.startTime}`;
    case 'container':
      return `c:${t.id}`;
    case 'docker-object':
      return `o:${t.objectType}:${t.id}`;
  }
}

/** The deterministic id of a proposal: kind + sorted target keys (+ an optional extra identity). */
export function proposalId(kind: string, targets: readonly FixTarget[], extra = ''): string {
  const keys = targets.map(targetKey).sort();
  const h = createHash('sha256').update(kind).update('\n').update(keys.join(',')).update('\n').update(extra).digest('hex');
  return `fx-${h.slice(0, 10)}`;
}
