/**
 * Docker collector benchmark, against the real engine:
 *  1. how long one container collect takes with 20 running containers
 *     (list + inspect + one-shot stats, bounded concurrency), and
 *  2. proof that the synchronous system sampling is not delayed meanwhile:
 *     the real system collector runs on a 100 ms timer during the collects,
 *     and its lateness is compared with the same loop while Docker is idle.
 *
 * Creates its 20 containers and removes them at the end, whatever happens.
 * Run: node --import tsx bench/docker.bench.ts
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_SETTINGS, type Settings } from '../src/shared/settings.ts';
import { createSystemCollector } from '../src/main/engine/collectors/system.ts';
import { createDockerMonitor } from '../src/main/engine/collectors/docker/index.ts';

const execFileAsync = promisify(execFile);
const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const IMAGE = 'headroom-test/busybox:1';
const COUNT = 20;
const ROUNDS = 5;
const TICK_MS = 100;
const env = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' };

const names = Array.from({ length: COUNT }, (_, i) => `hr-bench-${process.pid}-${i}`);

function stats(xs: number[]): { min: number; median: number; p95: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { min: s[0], median: at(0.5), p95: at(0.95), max: s[s.length - 1] };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Runs the real system collector every TICK_MS and records how late each tick fired, while `during` runs. */
async function samplingLateness(during: () => Promise<void>): Promise<number[]> {
  const system = createSystemCollector();
  const ctx = { now: Date.now(), log: () => {} };
  system.init(ctx);
  const lateness: number[] = [];
  let expected = performance.now() + TICK_MS;
  const timer = setInterval(() => {
    const t = performance.now();
    lateness.push(Math.max(0, t - expected));
    expected = t + TICK_MS;
    system.collect({ now: Date.now(), log: () => {} });
  }, TICK_MS);
  try {
    await during();
  } finally {
    clearInterval(timer);
  }
  return lateness;
}

async function main(): Promise<void> {
  execFileSync('bash', [join(ROOT, 'scripts/provision-docker.sh')], { stdio: ['ignore', 'ignore', 'inherit'], env });
  console.log(`creating ${COUNT} containers…`);
  const t0 = performance.now();
  for (let i = 0; i < COUNT; i += 5) {
    await Promise.all(
      names.slice(i, i + 5).map((n) =>
        execFileAsync(CLI, ['run', '-d', '--name', n, '--memory', '64m', IMAGE, 'sh', '-c', 'trap "exit 0" TERM; x=$(head -c 2000000 /dev/zero | tr "\\0" a); while :; do sleep 1; done'], { env }),
      ),
    );
  }
  console.log(`  created in ${Math.round(performance.now() - t0)} ms`);

  const results: Record<string, unknown> = {};
  for (const concurrency of [DEFAULT_SETTINGS.docker.statsConcurrency, COUNT]) {
    const settings: Settings = structuredClone(DEFAULT_SETTINGS);
    settings.docker.statsConcurrency = concurrency;
    const monitor = createDockerMonitor({ settings, log: () => {} });
    await monitor.refreshContainers(); // connect + first CPU baseline
    const durations: number[] = [];
    let seen = 0;
    const cpuBefore = process.cpuUsage();
    const lateness = await samplingLateness(async () => {
      for (let r = 0; r < ROUNDS; r++) {
        const t = performance.now();
        const list = await monitor.refreshContainers();
        durations.push(performance.now() - t);
        seen = list.filter((c) => names.includes(c.name) && c.memUsageBytes !== null).length;
      }
    });
    const cpu = process.cpuUsage(cpuBefore);
    await monitor.stop();
    if (seen !== COUNT) throw new Error(`expected figures for ${COUNT} bench containers, got ${seen}`);
    const d = stats(durations);
    const l = stats(lateness);
    results[`concurrency ${concurrency}`] = {
      collectMs: { min: Math.round(d.min), median: Math.round(d.median), max: Math.round(d.max) },
      ourCpuMsPerCollect: round1((cpu.user + cpu.system) / 1000 / ROUNDS),
      samplingTicks: lateness.length,
      samplingLatenessMs: { median: round1(l.median), p95: round1(l.p95), max: round1(l.max) },
    };
    console.log(
      `concurrency ${String(concurrency).padStart(2)}: collect of ${COUNT} running containers ` +
        `min ${Math.round(d.min)} / median ${Math.round(d.median)} / max ${Math.round(d.max)} ms ` +
        `(our CPU ${round1((cpu.user + cpu.system) / 1000 / ROUNDS)} ms per collect); ` +
        `100 ms system sampling during collects: ${lateness.length} ticks, lateness median ${round1(l.median)} / p95 ${round1(l.p95)} / max ${round1(l.max)} ms`,
    );
  }

  // The same sampling loop with Docker idle, as the baseline lateness of this machine's timers.
  const idle = stats(await samplingLateness(() => new Promise((r) => setTimeout(r, 3000))));
  results.idleBaseline = { samplingLatenessMs: { median: round1(idle.median), p95: round1(idle.p95), max: round1(idle.max) } };
  console.log(`baseline, Docker idle: 100 ms system sampling lateness median ${round1(idle.median)} / p95 ${round1(idle.p95)} / max ${round1(idle.max)} ms`);
  console.log(JSON.stringify({ bench: 'docker', containers: COUNT, rounds: ROUNDS, ...results }));
}

try {
  await main();
} finally {
  try {
    execFileSync(CLI, ['rm', '-f', ...names], { stdio: 'ignore', env });
  } catch {
    // some were never created
  }
}
