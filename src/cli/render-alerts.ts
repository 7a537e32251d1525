/** Renders active alerts as terminal lines. Pure. Titles name processes and containers, so they are shown through `safeText`. */

import type { Alert } from '../shared/model.ts';
import { safeText } from '../shared/safe-text.ts';

export function formatAlertLines(alerts: readonly Alert[]): string {
  const firing = alerts.filter((a) => a.state === 'firing');
  if (firing.length === 0) return 'Alerts     none';
  return ['Alerts', ...firing.map((a) => `  [${a.severity}] ${safeText(a.title, 300)}${a.fixIds.length ? `  (fix: ${safeText(a.fixIds.join(', '), 300)})` : ''}`)].join('\n');
}
