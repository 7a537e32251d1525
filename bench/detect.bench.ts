/**
 * Detector cost: replay throughput (samples/s) over the shared traces, and CPU
 * per tick with 200 live series — both through the LeakDetector the app runs.
 * Prints numbers; asserts nothing. Run: node --import tsx bench/detect.bench.ts
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LeakDetector } from '../src/main/engine/detect/leak-detector.ts';
import { DEFAULT_SETTINGS } from '../src/shared/settings.ts';
import { TRACES_DIR } from '../tests/helpers/shared.ts';

const traces = TRACES_DIR;
const rows: { series: string; t: number; v: number; limit: number | null }[] = [];
if (existsSync(traces)) {
  for (const f of readdirSync(traces).filter((x) => x.endsWith('.csv')).sort()) {
    for (const line of readFileSync(join(traces, f), 'utf8').split(/\r?\n/).slice(1)) {
      if (!line) continue;
      const [t, series, v, limit] = line.split(',');
      rows.push({ series: `${f}:${series}`, t: Number(t), v: Number(v), limit: limit ? Number(limit) : null });
    }
  }
}

if (rows.length === 0) {
  console.log(`replay: no traces at ${traces} (skipped)`);
} else {
  // Replay throughput: all shared traces, 5 rounds, best round.
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const d = new LeakDetector(DEFAULT_SETTINGS.detector);
    const c0 = process.cpuUsage();
    for (const r of rows) d.push(r.series, r.t, r.v, r.limit);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1e6);
  }
  console.log(`replay: ${rows.length} samples in ${(best * 1000).toFixed(0)} ms CPU → ${Math.round(rows.length / best).toLocaleString('en-US')} samples/s`);
}

// Live cost: 200 series fed every 2 s tick for 6 simulated hours (the default window), CPU per tick
// after the window has filled (second half). One series in ten leaks; the rest wander or saw.
const d = new LeakDetector(DEFAULT_SETTINGS.detector);
const SERIES = 200;
const names = Array.from({ length: SERIES }, (_, i) => `process.group.app${i}.rss`);
const ticks = (6 * 3600) / 2;
const perTick: number[] = [];
let seed = 1;
const rand = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
for (let k = 0; k < ticks; k++) {
  const t = k * 2;
  const c0 = process.cpuUsage();
  for (let i = 0; i < SERIES; i++) {
    const base = 200e6 + i * 1e6;
    const v = i % 10 === 0 ? base + t * 20000 : base + 30e6 * Math.sin(t / (300 + i)) + (rand() - 0.5) * 5e6;
    d.push(names[i], t, v, 24e9);
  }
  d.trends();
  const c = process.cpuUsage(c0);
  if (k >= ticks / 2) perTick.push((c.user + c.system) / 1000);
}
perTick.sort((a, b) => a - b);
const mean = perTick.reduce((a, b) => a + b, 0) / perTick.length;
const leaking = d.trends().filter((x) => x.leaking).length;
console.log(
  `live: ${SERIES} series, 2 s ticks over 6 h: ${mean.toFixed(2)} ms CPU per tick on average, p99 ${perTick[Math.floor(perTick.length * 0.99)].toFixed(2)} ms, max ${perTick[perTick.length - 1].toFixed(2)} ms (second half); ${leaking} of ${SERIES / 10} planted leaks reported`,
);
