/**
 * Pure parsers for the whole-machine /proc files, read once per system tick.
 * They take text and return plain data, so they are tested on fixtures.
 */

import type { MemoryStats, PressureStats } from '../../../../shared/model.ts';

/** Parses /proc/meminfo (values in kB) into bytes. `used` = total − available, as `free` computes it. */
export function parseMeminfo(text: string): MemoryStats {
  const kb: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = parseInt(line.slice(colon + 1), 10);
    if (Number.isFinite(value)) kb[line.slice(0, colon)] = value;
  }
  const total = (kb.MemTotal ?? 0) * 1024;
  if (total <= 0) throw new Error('meminfo: MemTotal missing');
  const free = (kb.MemFree ?? 0) * 1024;
  const cached = ((kb.Cached ?? 0) + (kb.Buffers ?? 0) + (kb.SReclaimable ?? 0)) * 1024;
  // MemAvailable exists since Linux 3.14; before that, free + cache is the usual estimate.
  const available = kb.MemAvailable !== undefined ? kb.MemAvailable * 1024 : Math.min(total, free + cached);
  const swapTotal = (kb.SwapTotal ?? 0) * 1024;
  const swapFree = (kb.SwapFree ?? 0) * 1024;
  return {
    totalBytes: total,
    usedBytes: total - available,
    availableBytes: available,
    freeBytes: free,
    cachedBytes: cached,
    swapTotalBytes: swapTotal,
    swapUsedBytes: Math.max(0, swapTotal - swapFree),
  };
}

/** Aggregate CPU jiffies from the first line of /proc/stat. */
export interface CpuTimes {
  busy: number;
  total: number;
}

export function parseCpuLine(statText: string): CpuTimes {
  const end = statText.indexOf('\n');
  const first = end < 0 ? statText : statText.slice(0, end);
  if (!first.startsWith('cpu ')) throw new Error('stat: no aggregate cpu line');
  const f = first.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  let total = 0;
  for (let i = 0; i < Math.min(f.length, 8); i++) total += f[i] || 0;
  return { busy: total - idle, total };
}

/** Boot time (seconds since the epoch) from the `btime` line of /proc/stat. */
export function parseBootTime(statText: string): number {
  const m = /^btime (\d+)$/m.exec(statText);
  if (!m) throw new Error('stat: no btime line');
  return Number(m[1]);
}

/** Busy percent between two readings, 0 when no time passed. */
export function cpuPercentBetween(prev: CpuTimes, cur: CpuTimes): number {
  const dt = cur.total - prev.total;
  if (dt <= 0) return 0;
  return Math.min(100, Math.max(0, ((cur.busy - prev.busy) / dt) * 100));
}

export function parseLoadavg(text: string): [number, number, number] {
  const f = text.trim().split(/\s+/);
  const a = Number(f[0]);
  const b = Number(f[1]);
  const c = Number(f[2]);
  if (![a, b, c].every(Number.isFinite)) throw new Error(`loadavg: cannot parse "${text.slice(0, 60)}"`);
  return [a, b, c];
}

/** Parses /proc/pressure/memory ("some avg10=… avg60=… avg300=… total=…" and "full …"). */
export function parsePressure(text: string): PressureStats {
  const pick = (kind: 'some' | 'full', key: string): number => {
    const m = new RegExp(`^${kind} .*\\b${key}=([0-9.]+)`, 'm').exec(text);
    return m ? Number(m[1]) : 0;
  };
  if (!/^some /m.test(text)) throw new Error('pressure: no "some" line');
  return {
    someAvg10: pick('some', 'avg10'),
    someAvg60: pick('some', 'avg60'),
    someAvg300: pick('some', 'avg300'),
    fullAvg10: pick('full', 'avg10'),
    fullAvg60: pick('full', 'avg60'),
    fullAvg300: pick('full', 'avg300'),
  };
}

/** Cumulative pages swapped in (`pswpin`) from /proc/vmstat; 0 when absent. */
export function parseSwapIns(vmstatText: string): number {
  const m = /^pswpin (\d+)$/m.exec(vmstatText);
  return m ? Number(m[1]) : 0;
}
