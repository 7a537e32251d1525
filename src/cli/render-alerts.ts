/** Renders active alerts as terminal lines. Pure. */

import type { Alert } from '../shared/model.ts';

export function formatAlertLines(alerts: readonly Alert[]): string {
  const firing = alerts.filter((a) => a.state === 'firing');
  if (firing.length === 0) return 'Alerts     none';
  return ['Alerts', ...firing.map((a) => `  [${a.severity}] ${a.title}${a.fixIds.length ? `  (fix: ${a.fixIds.join(', ')})` : ''}`)].join('\n');
}
