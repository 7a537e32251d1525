/**
 * The words of the window's frame (top bar and corner), apart from the
 * elements that show them. Pure, so they are tested under Node.
 */

import { formatBytes, formatPercent } from '../shared/format.ts';
import type { Alert, Snapshot } from '../shared/model.ts';
import type { ConnectionStatus } from './transport/ws.ts';

/** The connection in the top bar: "live · web", "connecting…", "disconnected — retrying". IPC has no "web". */
export function statusText(status: ConnectionStatus, transport: 'ipc' | 'web'): string {
  if (status === 'open') return transport === 'web' ? 'live · web' : 'live';
  return status === 'connecting' ? 'connecting…' : 'disconnected — retrying';
}

/** The Alerts link, with the number of firing alerts when there are any: "Alerts & fixes (2)". */
export function alertsLinkText(alerts: readonly Pick<Alert, 'state'>[]): string {
  const n = alerts.filter((a) => a.state === 'firing').length;
  return n > 0 ? `Alerts & fixes (${n})` : 'Alerts & fixes';
}

/** Headroom's own cost, for the corner: "Headroom: 1.2% CPU · 85 MB". */
export function overheadText(s: Pick<Snapshot, 'self'>): string {
  return `Headroom: ${formatPercent(s.self.cpuPercent, 1)} CPU · ${formatBytes(s.self.rssBytes)}`;
}
