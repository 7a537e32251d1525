/**
 * What the Alerts & fixes view shows where: firing alerts in order, each fix
 * in full under one alert, and fixes no firing alert asks for listed apart.
 * Pure, so it is tested under Node.
 */

import type { ApiError } from '../../shared/contract.ts';
import type { Alert, FixProposal } from '../../shared/model.ts';

const SEVERITY_ORDER: Record<Alert['severity'], number> = { critical: 0, warning: 1, info: 2 };

export interface AlertCardPlan {
  alert: Alert;
  /** Fixes shown in full under this alert. */
  fixes: FixProposal[];
  /** Fixes for this alert shown in full under another one, named here only. */
  elsewhere: FixProposal[];
}

/**
 * Firing alerts, most severe first and then oldest first, each with its fixes.
 * A fix that addresses several alerts is shown in full once, under the most
 * specific of them — the one offering the fewest fixes ("claude ×16" rather
 * than "memory 90 % used"), the first in order on a tie — and named by the
 * others. Fixes no firing alert refers to are `loose`, in their own order.
 */
export function arrangeAlerts(alerts: readonly Alert[], fixes: readonly FixProposal[]): { cards: AlertCardPlan[]; loose: FixProposal[] } {
  const firing = alerts.filter((a) => a.state === 'firing').sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.since - b.since);
  const byId = new Map(fixes.map((f) => [f.id, f]));
  const home = new Map<string, Alert>();
  for (const a of firing) {
    for (const id of a.fixIds) {
      const cur = home.get(id);
      if (!cur || a.fixIds.length < cur.fixIds.length) home.set(id, a);
    }
  }
  const attached = new Set<string>();
  const cards = firing.map((alert): AlertCardPlan => {
    const mine = alert.fixIds.map((id) => byId.get(id)).filter((f): f is FixProposal => f !== undefined);
    for (const f of mine) attached.add(f.id);
    return { alert, fixes: mine.filter((f) => home.get(f.id) === alert), elsewhere: mine.filter((f) => home.get(f.id) !== alert) };
  });
  return { cards, loose: fixes.filter((f) => !attached.has(f.id)) };
}

/** A failed preview or run, in words: out-of-date and vanished fixes say a fresh plan is coming. */
export function fixErrorText(e: ApiError): string {
  if (e.code === 'stale') return `This fix is out of date: ${e.message}. A fresh plan comes with the next sample.`;
  if (e.code === 'not-found') return `This fix no longer exists: ${e.message}. A fresh plan comes with the next sample.`;
  return e.message;
}
