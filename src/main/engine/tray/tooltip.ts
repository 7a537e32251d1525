/**
 * The tray tooltip: memory used and total, swap, and the top 3 applications.
 * Windows cuts tooltips at 127 characters, so the text is built to a budget and
 * drops applications (never the memory line) to fit.
 */

import type { Snapshot } from '../../../shared/model.ts';
import { formatBytes, formatPercent } from '../../../shared/format.ts';
import { machineLive } from '../../../shared/machines.ts';
import { memoryPercent, type TrayMachine } from './state.ts';

/** Windows' NOTIFYICONDATA.szTip holds 128 UTF-16 units including the terminator. */
export const WINDOWS_TOOLTIP_MAX = 127;

/** Builds the tooltip text; `maxLength` caps it (pass WINDOWS_TOOLTIP_MAX on Windows). */
export function buildTrayTooltip(s: Snapshot | null, maxLength = 1000): string {
  if (!s) return 'Headroom — measuring…';
  const m = s.memory;
  const memory = `Memory ${formatPercent(memoryPercent(s))}: ${formatBytes(m.usedBytes)} of ${formatBytes(m.totalBytes)}`;
  const swap = m.swapTotalBytes > 0 ? `Swap ${formatBytes(m.swapUsedBytes)} of ${formatBytes(m.swapTotalBytes)}` : 'Swap: none';
  const apps = s.groups.slice(0, 3).map((g) => `${g.name} ×${g.count} ${formatBytes(g.rssBytes)}`);
  for (let n = apps.length; n >= 0; n--) {
    const lines = ['Headroom', memory, swap];
    if (n > 0) lines.push(apps.slice(0, n).join(' · '));
    const text = lines.join('\n');
    if (text.length <= maxLength) return text;
  }
  return `Headroom\n${memory}`.slice(0, maxLength);
}

/** Appends one line per followed box ("dev-box: memory 62%", "dev-box: unreachable"), as many as fit in `maxLength`. */
export function withMachineLines(tooltip: string, machines: readonly TrayMachine[], maxLength = 1000): string {
  let text = tooltip;
  for (const m of machines) {
    const what = machineLive(m.status) && m.snapshot ? `memory ${formatPercent(memoryPercent(m.snapshot))}` : m.status.state.replace(/-/g, ' ');
    const line = `\n${m.status.name}: ${what}`;
    if (text.length + line.length > maxLength) break;
    text += line;
  }
  return text;
}
