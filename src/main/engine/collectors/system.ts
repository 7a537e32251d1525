/**
 * Whole-machine memory, swap, load, CPU and PSI pressure on Linux, from /proc.
 * Runs every system tick (2 s by default): a handful of small reads into one buffer.
 */

import type { MemoryStats, PressureStats } from '../../../shared/model.ts';
import { ProcFileReader } from '../platform/linux/proc-file.ts';
import {
  cpuPercentBetween,
  parseCpuLine,
  parseLoadavg,
  parseMeminfo,
  parsePressure,
  parseSwapIns,
  type CpuTimes,
} from '../platform/linux/system-files.ts';
import type { CollectorContext, FieldMeta, SyncCollector } from './collector.ts';
import { defineCollector } from './entry.ts';
import { MACHINE } from './series.ts';

export interface SystemReading {
  memory: MemoryStats;
  load: [number, number, number];
  cpuPercent: number;
  pressure: PressureStats | null;
  swapInPerSec: number;
}

const FIELDS: readonly FieldMeta[] = [
  { name: 'memory.usedBytes', unit: 'bytes', description: 'MemTotal − MemAvailable, as free(1) computes "used"' },
  { name: 'memory.availableBytes', unit: 'bytes', description: 'MemAvailable: what new work can get without swapping' },
  { name: 'memory.cachedBytes', unit: 'bytes', description: 'Page cache, buffers and reclaimable slab' },
  { name: 'memory.swapUsedBytes', unit: 'bytes', description: 'SwapTotal − SwapFree' },
  { name: 'cpuPercent', unit: 'percent', description: 'Busy CPU time across all cores since the previous tick' },
  { name: 'pressure.someAvg10', unit: 'percent', description: 'PSI: share of time some task stalled on memory (10 s average)' },
  { name: 'swapInPerSec', unit: 'pages/s', description: 'Pages swapped in per second: the real swap-pressure signal' },
];

export function createSystemCollector(procRoot = '/proc'): SyncCollector<SystemReading> {
  const reader = new ProcFileReader(16 * 1024);
  let prevCpu: CpuTimes | null = null;
  let prevSwapIns = -1;
  let prevAt = 0;
  let hasPressure = true;

  return {
    id: 'system',
    intervalMs: 2000,
    fields: FIELDS,
    init() {
      const stat = reader.text(`${procRoot}/stat`);
      if (stat) prevCpu = parseCpuLine(stat);
    },
    collect(ctx: CollectorContext): SystemReading {
      const meminfo = reader.text(`${procRoot}/meminfo`);
      if (meminfo === null) throw new Error(`cannot read ${procRoot}/meminfo`);
      const memory = parseMeminfo(meminfo);
      const loadText = reader.text(`${procRoot}/loadavg`);
      const load = loadText ? parseLoadavg(loadText) : ([0, 0, 0] as [number, number, number]);
      const statText = reader.text(`${procRoot}/stat`);
      let cpuPercent = 0;
      if (statText) {
        const cur = parseCpuLine(statText);
        if (prevCpu) cpuPercent = cpuPercentBetween(prevCpu, cur);
        prevCpu = cur;
      }
      let pressure: PressureStats | null = null;
      if (hasPressure) {
        const p = reader.text(`${procRoot}/pressure/memory`);
        if (p === null) hasPressure = false; // no PSI on this kernel: stop asking
        else pressure = parsePressure(p);
      }
      const vm = reader.text(`${procRoot}/vmstat`);
      const swapIns = vm ? parseSwapIns(vm) : 0;
      const at = ctx.monotonic ?? ctx.now;
      const dt = (at - prevAt) / 1000;
      const swapInPerSec = prevSwapIns >= 0 && dt > 0 ? Math.max(0, (swapIns - prevSwapIns) / dt) : 0;
      prevSwapIns = swapIns;
      prevAt = at;
      return { memory, load, cpuPercent: Math.round(cpuPercent * 10) / 10, pressure, swapInPerSec };
    },
    dispose() {},
  };
}

/** Registry entry: every system tick; the machine's series, used memory and swap watched for leaks. */
export const systemEntry = defineCollector<SystemReading>({
  id: 'system',
  schedule: { kind: 'every', interval: 'systemMs' },
  create: (deps) => deps.platform.system,
  merge(snap, r, at) {
    snap.memory = r.memory;
    snap.load = r.load;
    snap.cpuPercent = r.cpuPercent;
    snap.pressure = r.pressure;
    snap.swapInPerSec = Math.round(r.swapInPerSec * 10) / 10;
    snap.sampledAt.system = at;
  },
  series: {
    names: ['system.mem.used', 'system.mem.available', 'system.mem.cached', 'system.swap.used', 'system.cpu', 'system.load1', 'system.psi.some10', 'system.swapin'],
    emit(s, _ctx, out) {
      const m = s.memory;
      out.add('system.mem.used', m.usedBytes, m.totalBytes + m.swapTotalBytes, true, MACHINE);
      out.add('system.mem.available', m.availableBytes, m.totalBytes, true, null);
      out.add('system.mem.cached', m.cachedBytes, m.totalBytes, true, null);
      // Swap is watched only where there is some: an empty swap cannot fill.
      out.add('system.swap.used', m.swapUsedBytes, m.swapTotalBytes || null, true, m.swapTotalBytes > 0 ? MACHINE : null);
      out.add('system.cpu', s.cpuPercent, 100, true, null);
      out.add('system.load1', s.load[0], null, true, null);
      if (s.pressure) out.add('system.psi.some10', s.pressure.someAvg10, 100, true, null);
      out.add('system.swapin', s.swapInPerSec, null, true, null);
    },
  },
});
