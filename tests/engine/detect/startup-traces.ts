/**
 * Seeded traces of what happens right after a start, when the detector has no
 * history: the shapes behind the cold-start rule (leak-detector.ts). Drawn like
 * the production false alarms the rule answers — a climb of several GB in about
 * half an hour on a machine 74–98 % used, then flat, sampled every 10 s with
 * gaps — and the leaks that must still be reported from the first sample.
 */

import { ArNoise, prng, Rand, times, type SyntheticTrace, type TraceSample } from './synthetic.ts';

const GiB = 1024 ** 3;
const MIN = 60;
const H = 3600;

type Maker = (r: Rand) => SyntheticTrace;

/** 10 s samples with the holes real machines have: a few lost samples, and one longer gap (suspend, a stalled box). */
function withGaps(r: Rand, samples: TraceSample[]): TraceSample[] {
  const gapAt = r.uniform(1.2, 3) * H;
  const gapLen = r.uniform(2, 5) * MIN;
  return samples.filter((s) => r.next() > 0.02 && !(s.t >= gapAt && s.t < gapAt + gapLen));
}

/** Login warm-up: services, caches and apps fill memory for 20–35 min, then it stays where it got to. */
const loginWarmup: Maker = (r) => {
  const limit = r.pick([16, 32, 64]) * GiB;
  const climb = r.uniform(4.5, 7.5) * GiB * (limit === 16 * GiB ? 0.7 : 1);
  const climbFor = r.uniform(20, 35) * MIN;
  const slope = climb / climbFor;
  // Where it ends: 15–45 min from the limit at its climbing rate (the false alarms had ETAs of 17–45 min), and 74–95 % used.
  const end = Math.min(0.95 * limit, Math.max(0.74 * limit, limit - r.uniform(15, 45) * MIN * slope));
  const base = end - climb;
  const eased = r.next() < 0.5; // half climb in a straight line then stop, half slow down into the plateau
  const noise = new ArNoise(r, limit * r.uniform(0.002, 0.008), r.uniform(60, 600));
  const samples = times(r, 4 * H, 10).map((t) => {
    const x = Math.min(1, t / climbFor);
    const shape = eased ? 1 - (1 - x) ** 1.6 : x;
    return { t, value: base + climb * shape + noise.step(10), limit };
  });
  return { name: 'login-warmup', series: 'system.mem.used', samples: withGaps(r, samples), label: { leak: false, why: 'memory fills for half an hour after login, then levels off' } };
};

/** An app starting on a busy machine: its RSS climbs for 15–30 min while it loads, then it idles. */
const appWarmup: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const climb = r.uniform(2, 5) * GiB;
  const climbFor = r.uniform(15, 30) * MIN;
  const base = r.uniform(0.2, 0.6) * GiB;
  const noise = new ArNoise(r, climb * 0.01, r.uniform(30, 300));
  const samples = times(r, 3 * H, 10).map((t) => ({ t, value: base + climb * (1 - (1 - Math.min(1, t / climbFor)) ** 1.3) + noise.step(10), limit }));
  return { name: 'app-warmup', series: 'process.group.idea.rss', samples: withGaps(r, samples), label: { leak: false, why: 'an application loading after start, then idle' } };
};

/** A runaway present from the first sample: the machine would run out within 20–40 min. */
const runawayFromStart: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const base = limit * r.uniform(0.55, 0.8);
  const fill = r.uniform(20, 40) * MIN;
  const slope = ((limit * 0.98 - base) / fill) * H;
  const noise = new ArNoise(r, limit * 0.003, r.uniform(30, 120));
  const samples = times(r, fill, 10).map((t) => ({ t, value: base + (slope * t) / H + noise.step(10), limit }));
  // Reported with a quarter of the time to exhaustion still left to act in.
  return { name: 'runaway-from-start', series: 'system.mem.used', samples: withGaps(r, samples), label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: Math.round(0.75 * fill), why: 'memory running out within the first hour, from the first sample' } };
};

/** A steady leak present from the first sample, far from the limit: judged as usual (hours of headroom). */
const steadyLeakFromStart: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const base = limit * r.uniform(0.25, 0.45);
  const slope = limit * r.uniform(0.06, 0.12); // 6–12 % of RAM an hour
  const noise = new ArNoise(r, limit * 0.002, r.uniform(30, 180));
  const samples = times(r, 3 * H, 10).map((t) => ({ t, value: base + (slope * t) / H + noise.step(10), limit }));
  return { name: 'steady-leak-from-start', series: 'system.mem.used', samples: withGaps(r, samples), label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 1800, why: 'a leak from the first sample with hours of headroom' } };
};

export const STARTUP_NON_LEAKS: Record<string, Maker> = { loginWarmup, appWarmup };
export const STARTUP_LEAKS: Record<string, Maker> = { runawayFromStart, steadyLeakFromStart };

export function makeStartupTrace(shape: string, seed: number): SyntheticTrace {
  const maker = STARTUP_NON_LEAKS[shape] ?? STARTUP_LEAKS[shape];
  if (!maker) throw new Error(`unknown startup shape ${shape}`);
  const tr = maker(new Rand(prng(seed * 6007 + shape.length * 7727)));
  return { ...tr, name: `${tr.name}#${seed}` };
}
