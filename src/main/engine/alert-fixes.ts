/**
 * The one step that joins alerts and fixes: each alert gets the ids of the
 * proposals that address it (`FixProposal.alertIds`, decided by the planner).
 *
 * Pure, and it never mutates its input. The rules emit their alerts with empty
 * `fixIds`; the planner only reads them; the engine calls this on both the
 * current list and the tick's transitions, so the window, the tray and the
 * notifications all receive the same linked objects. (Before, the planner wrote
 * into copies while notifications got the rules' own objects, and no
 * notification ever carried its fix.)
 */

import type { Alert, FixProposal } from '../../shared/model.ts';

/** Copies of `alerts`, each with the ids of the fixes in `fixes` that address it, in plan order (best first). */
export function linkFixes(alerts: readonly Alert[], fixes: readonly FixProposal[]): Alert[] {
  const byAlert = new Map<string, string[]>();
  for (const f of fixes) {
    for (const aid of f.alertIds) {
      const list = byAlert.get(aid);
      if (list === undefined) byAlert.set(aid, [f.id]);
      else if (!list.includes(f.id)) list.push(f.id);
    }
  }
  // A resolved alert needs no fix: offering one would act on something that is fine now.
  return alerts.map((a) => ({ ...a, fixIds: a.state === 'resolved' ? [] : [...(byAlert.get(a.id) ?? [])] }));
}
