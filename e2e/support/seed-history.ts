/**
 * A synthetic past for the e2e's fresh data directory: one day of system
 * series written through the real HistoryStore before `headroom serve` opens
 * it. Without it every chart would hold only the seconds since start, and
 * range switching and downsampling in main would have nothing to show. Values
 * wander around this machine's real memory use; live samples continue from now.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryStore } from '../../src/main/engine/history/store.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';

function meminfo(key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** Writes `hours` of samples every `stepMs`, ending just before now. Returns the number of timestamps written. */
export function seedHistory(home: string, hours = 24, stepMs = 30_000): number {
  const store = HistoryStore.open({ path: join(home, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {} });
  const total = meminfo('MemTotal');
  const swapTotal = meminfo('SwapTotal');
  const used = total - meminfo('MemAvailable');
  const now = Date.now();
  const n = Math.floor((hours * 3600_000) / stepMs);
  try {
    for (let i = n; i > 0; i--) {
      const t = now - i * stepMs;
      const phase = (t / 3600_000) * (Math.PI / 6); // a 12-hour wave, plus faster ripples
      const v = used * (1 + 0.15 * Math.sin(phase) + 0.03 * Math.sin(phase * 17));
      store.record(t, [
        { series: 'system.mem.used', value: Math.max(0, Math.min(total, v)), limit: total + swapTotal },
        { series: 'system.swap.used', value: swapTotal * 0.1 * (1 + Math.sin(phase / 2)), limit: swapTotal || null },
        { series: 'system.psi.some10', value: Math.max(0, 2 * Math.sin(phase * 3)), limit: 100 },
        { series: 'system.swapin', value: Math.max(0, 40 * Math.sin(phase * 5)), limit: null },
      ]);
    }
  } finally {
    store.close();
  }
  return n;
}
