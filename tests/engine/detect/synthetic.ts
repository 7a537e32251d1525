/**
 * Seeded generator of labelled memory traces for every shape the leak
 * detector must get right — leaks and look-alikes. The detector is tuned for
 * the idea, so these are drawn with random parameters (new ones per seed),
 * independent of the shared sample traces.
 *
 * Labels follow ../shared/traces/labels.json: leak, onset_s, slope_per_hour
 * (bytes per hour), max_latency_s, plus end_s for leaks that a restart ends.
 */

export interface TraceSample {
  t: number;
  value: number;
  limit: number | null;
}

export interface TraceLabel {
  leak: boolean;
  onset_s?: number;
  slope_per_hour?: number;
  max_latency_s?: number;
  /** The leak stops here (the process restarts); a leak.end is due after it. */
  end_s?: number;
  why: string;
}

export interface SyntheticTrace {
  name: string;
  series: string;
  samples: TraceSample[];
  label: TraceLabel;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const H = 3600;

/** mulberry32: small, fast, good enough for test data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rand {
  private spare: number | null = null;
  constructor(readonly next: () => number) {}
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  int(a: number, b: number): number {
    return Math.floor(this.uniform(a, b + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  gauss(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** AR(1) noise with a stationary standard deviation `sd` and a correlation time `tau` (seconds). */
export class ArNoise {
  private x: number;
  constructor(
    private readonly r: Rand,
    private readonly sd: number,
    private readonly tau: number,
  ) {
    this.x = r.gauss() * sd;
  }
  step(dt: number): number {
    const phi = Math.exp(-dt / this.tau);
    this.x = phi * this.x + Math.sqrt(1 - phi * phi) * this.sd * this.r.gauss();
    return this.x;
  }
}

/** Sample times every `dt` seconds with a little jitter, for `duration` seconds. */
export function times(r: Rand, duration: number, dt: number): number[] {
  const out: number[] = [];
  for (let t = 0; t <= duration; t += dt) out.push(Math.round(t + (t > 0 ? r.uniform(-0.1, 0.1) * dt : 0)));
  return out;
}

type Maker = (r: Rand) => SyntheticTrace;

// ─── Non-leaks ──────────────────────────────────────────────────────────────

const gcSawtoothFlat: Maker = (r) => {
  const base = r.uniform(0.3, 2) * GiB;
  const amp = base * r.uniform(0.2, 0.6);
  const period = r.uniform(50, 300);
  const limit = r.pick([16, 32]) * GiB;
  const noise = new ArNoise(r, base * 0.01, 30);
  let phase = r.uniform(0, 1);
  const samples: TraceSample[] = [];
  let prev = 0;
  for (const t of times(r, 8 * H, 5)) {
    phase += (t - prev) / (period * r.uniform(0.8, 1.2));
    prev = t;
    samples.push({ t, value: base + amp * (phase % 1) + noise.step(5), limit });
  }
  return { name: 'gc-sawtooth-flat', series: 'process.group.code.rss', samples, label: { leak: false, why: 'healthy garbage collector' } };
};

const warmupPlateau: Maker = (r) => {
  const limit = r.pick([16, 24, 32]) * GiB;
  const base = limit * r.uniform(0.2, 0.4);
  const amp = limit * r.uniform(0.08, 0.2);
  const tau = r.uniform(5, 15) * 60;
  const delay = r.pick([0, 0, r.uniform(0.5, 3) * H]);
  const noise = new ArNoise(r, limit * 0.003, 60);
  const samples = times(r, 6 * H + delay, 10).map((t) => ({
    t,
    value: base + (t < delay ? 0 : amp * (1 - Math.exp(-(t - delay) / tau))) + noise.step(10),
    limit,
  }));
  return { name: 'warmup-plateau', series: 'system.mem.used', samples, label: { leak: false, why: 'caches warm up, then level off' } };
};

const periodicBatch: Maker = (r) => {
  const limit = r.pick([16, 32, 64]) * GiB;
  const base = limit * r.uniform(0.2, 0.4);
  const amp = limit * r.uniform(0.05, 0.15);
  const period = r.uniform(0.5, 2) * H;
  const dur = period * r.uniform(0.1, 0.4);
  const ramp = r.uniform(10, 300);
  const offset = r.uniform(0, period);
  const noise = new ArNoise(r, limit * 0.002, 60);
  const samples = times(r, 8 * H, 10).map((t) => {
    const ph = (t + offset) % period;
    const up = ph < dur ? Math.min(1, ph / ramp) : Math.max(0, 1 - (ph - dur) / 60);
    return { t, value: base + amp * up + noise.step(10), limit };
  });
  return { name: 'periodic-batch', series: 'system.mem.used', samples, label: { leak: false, why: 'a batch job comes and goes' } };
};

const singleStep: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const base = limit * r.uniform(0.2, 0.5);
  const step = limit * r.uniform(0.05, 0.2);
  const at = r.uniform(0.5, 4) * H;
  const rise = r.uniform(5, 120);
  const noise = new ArNoise(r, limit * 0.003, 60);
  const samples = times(r, 6 * H, 10).map((t) => ({
    t,
    value: base + step * Math.min(1, Math.max(0, (t - at) / rise)) + noise.step(10),
    limit,
  }));
  return { name: 'single-step', series: 'system.mem.used', samples, label: { leak: false, why: 'one workload starts' } };
};

const spawnBurst: Maker = (r) => {
  const limit = 32 * GiB;
  const base = r.uniform(1, 4) * GiB;
  const at = r.uniform(0.5, 3) * H;
  const steps = r.int(2, 3);
  const stepSize = r.uniform(200, 600) * MiB;
  const gaps: number[] = [];
  for (let i = 0; i < steps; i++) gaps.push(at + i * r.uniform(20, 90));
  const noise = new ArNoise(r, 20 * MiB, 60);
  const samples = times(r, 6 * H, 5).map((t) => ({
    t,
    value: base + stepSize * gaps.filter((g) => t >= g).length + noise.step(5),
    limit,
  }));
  return { name: 'spawn-burst', series: 'process.group.claude.rss', samples, label: { leak: false, why: 'a few agents start at once, then nothing' } };
};

const autocorrelatedNoise: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const base = limit * r.uniform(0.3, 0.5);
  const noise = new ArNoise(r, limit * r.uniform(0.01, 0.03), r.uniform(10, 60) * 60);
  const fast = new ArNoise(r, limit * 0.002, 30);
  const samples = times(r, 8 * H, 10).map((t) => ({ t, value: base + noise.step(10) + fast.step(10), limit }));
  return { name: 'autocorrelated-noise', series: 'system.mem.used', samples, label: { leak: false, why: 'memory wanders for tens of minutes, no trend' } };
};

const slowDecline: Maker = (r) => {
  const limit = 16 * GiB;
  const base = r.uniform(2, 6) * GiB;
  const slope = -r.uniform(50, 300) * MiB;
  const noise = new ArNoise(r, 30 * MiB, 120);
  const samples = times(r, 8 * H, 10).map((t) => ({ t, value: base + (slope * t) / H + noise.step(10), limit }));
  return { name: 'slow-decline', series: 'process.group.node.rss', samples, label: { leak: false, why: 'memory slowly given back' } };
};

/**
 * Days of a busy production machine: 75–98 % used, a daily swing, dips
 * (jobs ending) followed by a climb back over minutes to hours, sampling gaps.
 */
const productionDays: Maker = (r) => {
  const total = r.pick([64, 128, 256]) * GiB;
  const limit = r.pick([total, total * 1.25]);
  const days = r.uniform(3, 5);
  const dt = r.pick([30, 60, 300]);
  const centre = r.uniform(0.84, 0.9);
  const swing = r.uniform(0.02, 0.05);
  const peakHour = r.uniform(10, 18);
  const noise = new ArNoise(r, total * r.uniform(0.004, 0.012), r.uniform(5, 30) * 60);
  // Dips: at random times, memory falls by 5–15 % of RAM and climbs back (exponentially or linearly).
  const dips: { at: number; depth: number; tau: number; linear: boolean }[] = [];
  for (let t = r.uniform(1, 8) * H; t < days * 86400; t += r.uniform(3, 14) * H) {
    dips.push({ at: t, depth: r.uniform(0.05, 0.15), tau: r.uniform(0.3, 2.5) * H, linear: r.next() < 0.4 });
  }
  const gaps: { from: number; to: number }[] = [];
  for (let i = 0; i < r.int(1, 4); i++) {
    const from = r.uniform(0.2, days) * 86400;
    gaps.push({ from, to: from + r.uniform(0.2, 6) * H });
  }
  const samples: TraceSample[] = [];
  let prev = 0;
  for (let t = 0; t < days * 86400; t += dt) {
    const step = t - prev;
    prev = t;
    const n = noise.step(step || dt);
    if (gaps.some((g) => t >= g.from && t < g.to)) continue;
    let frac = centre + swing * Math.cos((2 * Math.PI * (t / 3600 - peakHour)) / 24);
    for (const d of dips) {
      if (t < d.at) continue;
      const since = t - d.at;
      const left = d.linear ? Math.max(0, 1 - since / (2 * d.tau)) : Math.exp(-since / d.tau);
      frac -= d.depth * left;
    }
    frac = Math.min(0.985, Math.max(0.72, frac + n / total));
    samples.push({ t, value: frac * total, limit });
  }
  return { name: 'production-days', series: 'system.mem.used', samples, label: { leak: false, why: 'busy machine near its limit: daily swing, dips and climbs back' } };
};

// ─── Leaks ──────────────────────────────────────────────────────────────────

const fastSystemLeak: Maker = (r) => {
  const limit = r.pick([16, 24, 32]) * GiB;
  const base = limit * r.uniform(0.25, 0.45);
  const slope = limit * r.uniform(0.06, 0.12); // per hour
  const noise = new ArNoise(r, limit * r.uniform(0.002, 0.006), r.uniform(30, 180));
  const samples = times(r, 4 * H, 10).map((t) => ({ t, value: Math.min(limit, base + (slope * t) / H + noise.step(10)), limit }));
  return { name: 'fast-system-leak', series: 'system.mem.used', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 1800, why: 'whole machine climbing toward exhaustion' } };
};

const sawtoothLeak: Maker = (r) => {
  const base = r.uniform(0.3, 1) * GiB;
  const slope = r.uniform(80, 200) * MiB;
  const amp = base * r.uniform(0.15, 0.3);
  const period = r.uniform(50, 240);
  const limit = 16 * GiB;
  const noise = new ArNoise(r, 5 * MiB, 20);
  let phase = 0;
  let prev = 0;
  const samples = times(r, 8 * H, 5).map((t) => {
    phase += (t - prev) / period;
    prev = t;
    return { t, value: base + (slope * t) / H + amp * (phase % 1) + noise.step(5), limit };
  });
  return { name: 'gc-sawtooth-leak', series: 'process.group.node-mcp.rss', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 3 * H, why: 'GC sawtooth whose floor rises' } };
};

const containerLeak: Maker = (r) => {
  const host = r.pick([64, 128]) * GiB;
  const base = r.uniform(0.5, 3) * GiB;
  const slope = r.uniform(0.5, 2) * GiB;
  const noise = new ArNoise(r, r.uniform(10, 40) * MiB, 120);
  const samples = times(r, 6 * H, 30).map((t) => ({ t, value: base + (slope * t) / H + noise.step(30), limit: host }));
  return { name: 'container-unbounded-leak', series: 'container.api.mem', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 2700, why: 'container without a limit growing' } };
};

const lateLeak: Maker = (r) => {
  const limit = r.pick([16, 32]) * GiB;
  const base = limit * r.uniform(0.2, 0.4);
  const onset = r.uniform(1, 4) * H;
  const slope = limit * r.uniform(0.06, 0.12);
  const noise = new ArNoise(r, limit * 0.003, 120);
  const samples = times(r, onset + 3 * H, 10).map((t) => ({ t, value: base + (Math.max(0, t - onset) * slope) / H + noise.step(10), limit }));
  return { name: 'late-leak', series: 'system.mem.used', samples, label: { leak: true, onset_s: onset, slope_per_hour: slope, max_latency_s: 2400, why: 'leak that starts after hours of calm' } };
};

const stepwiseSpawning: Maker = (r) => {
  const base = r.uniform(1, 3) * GiB;
  const stepSize = r.uniform(250, 600) * MiB;
  const meanGap = r.uniform(4, 12) * 60;
  const noise = new ArNoise(r, 30 * MiB, 60);
  const steps: number[] = [];
  for (let t = r.uniform(0, meanGap); t < 5 * H; t += meanGap * r.uniform(0.5, 1.5)) steps.push(t);
  const slope = (stepSize * H) / meanGap;
  let k = 0;
  const samples = times(r, 5 * H, 5).map((t) => {
    while (k < steps.length && steps[k] <= t) k++;
    return { t, value: base + k * stepSize + noise.step(5), limit: 64 * GiB };
  });
  return { name: 'stepwise-spawning', series: 'process.group.claude.rss', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 3600, why: 'new agent instances keep spawning' } };
};

const oomSaw: Maker = (r) => {
  const limit = r.pick([1, 2, 4]) * GiB;
  const base = limit * r.uniform(0.1, 0.25);
  const fill = r.uniform(30, 90) * 60; // seconds from restart to the limit
  const slope = ((limit * 0.98 - base) / fill) * H;
  const noise = new ArNoise(r, limit * 0.005, 60);
  let segStart = 0;
  const samples = times(r, 6 * H, 15).map((t) => {
    let v = base + ((t - segStart) * slope) / H;
    if (v >= limit * 0.98) {
      segStart = t + r.uniform(10, 60); // killed; restarts shortly
      v = base * 0.5;
    } else if (t < segStart) v = base * 0.5;
    return { t, value: Math.max(0, v + noise.step(15)), limit };
  });
  return { name: 'oom-restart-saw', series: 'container.worker.mem', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: Math.min(2700, fill * 0.9), why: 'leak that OOM kill + restart keep resetting' } };
};

const leakEndsOnRestart: Maker = (r) => {
  const limit = 16 * GiB;
  const base = r.uniform(0.3, 1) * GiB;
  const slope = r.uniform(0.5, 1.5) * GiB;
  const end = r.uniform(1.5, 3) * H;
  const noise = new ArNoise(r, 15 * MiB, 60);
  const samples = times(r, end + 3 * H, 10).map((t) => ({
    t,
    value: (t < end ? base + (slope * t) / H : base) + noise.step(10),
    limit,
  }));
  return { name: 'leak-ends-on-restart', series: 'process.group.python.rss', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 2700, end_s: end, why: 'leak that a restart ends' } };
};

const slowLeak: Maker = (r) => {
  const base = r.uniform(0.4, 1.2) * GiB;
  const slope = base * r.uniform(0.04, 0.08); // 4–8 % of its size per hour
  const noise = new ArNoise(r, base * 0.02, 600);
  const samples = times(r, 10 * H, 10).map((t) => ({ t, value: base + (slope * t) / H + noise.step(10), limit: 32 * GiB }));
  return { name: 'slow-leak', series: 'process.group.java.rss', samples, label: { leak: true, onset_s: 0, slope_per_hour: slope, max_latency_s: 6 * H, why: 'slow leak: reported on hours of evidence' } };
};

const fdLeak: Maker = (r) => {
  const base = r.int(40, 400);
  const perHour = r.uniform(0.3, 1) * base;
  const samples = times(r, 4 * H, 30).map((t) => ({ t, value: Math.round(base + (perHour * t) / H + r.gauss() * 3), limit: null }));
  return { name: 'fd-leak', series: 'process.group.mcp-server.fds', samples, label: { leak: true, onset_s: 0, slope_per_hour: perHour, max_latency_s: 3600, why: 'open files pile up' } };
};

export const NON_LEAK_MAKERS: Record<string, Maker> = {
  gcSawtoothFlat,
  warmupPlateau,
  periodicBatch,
  singleStep,
  spawnBurst,
  autocorrelatedNoise,
  slowDecline,
  productionDays,
};

export const LEAK_MAKERS: Record<string, Maker> = {
  fastSystemLeak,
  sawtoothLeak,
  containerLeak,
  lateLeak,
  stepwiseSpawning,
  oomSaw,
  leakEndsOnRestart,
  slowLeak,
  fdLeak,
};

/** One trace of the named shape for a seed. */
export function makeTrace(shape: string, seed: number): SyntheticTrace {
  const maker = NON_LEAK_MAKERS[shape] ?? LEAK_MAKERS[shape];
  if (!maker) throw new Error(`unknown synthetic shape ${shape}`);
  const tr = maker(new Rand(prng(seed * 7919 + shape.length * 104729)));
  return { ...tr, name: `${tr.name}#${seed}` };
}
