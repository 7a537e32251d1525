/**
 * Headroom's own cost, side by side with the alternatives, in one run on one
 * process set: about 1,000 idle processes, then every monitor started at once
 * (so load changes hit them all alike), warmed up, and measured over the same
 * window, counting each one's whole process tree:
 *   - `headroom serve --no-open` (Docker as the settings say: on) and
 *     `headroom metrics`, each on its own data directory, no client connected;
 *   - `headroom serve --no-docker`;
 *   - `headroom serve` at the calm-time pace (engine/pace.ts): calmAfterSeconds
 *     10, so it slows down within the warm-up where nothing moves (by default
 *     it waits 10 minutes of quiet);
 *   - `headroom serve` without the once-a-minute full GC (heap-trim.ts,
 *     HEADROOM_HEAP_TRIM_MS=0): what trimming costs in CPU, and what it saves;
 *   - Glances at 2 s with its CSV export (installed from Debian when missing);
 *   - a naive Node /proc reader (bench/support/naive-reader.mjs).
 * Prints CPU as % of one core and RSS, their ratios to Glances, and for each
 * Headroom engine its anonymous and file-backed RSS and its peak. Figures only;
 * the machine is shared, so its load is printed at both ends.
 *
 *   npm run bench -- overhead                 20 s warm-up, 60 s measured (the issue's profile)
 *   npm run bench -- overhead --quick         5 s + 20 s, for iterating
 *   --procs N                                 processes to top the machine up to (default 1000)
 *   --only serve,glances                      a subset of monitors (by label fragment)
 *   --node-options=--max-semi-space-size=1    adds `headroom serve` run with these NODE_OPTIONS
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { processCount, startSwarm } from './support/swarm.ts';
import { memoryParts, readTree, type MemoryParts } from './support/tree-meter.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean' },
    procs: { type: 'string' },
    only: { type: 'string' },
    'node-options': { type: 'string' },
  },
  allowPositionals: true,
  strict: false,
});
const WARM_S = flags.quick ? 5 : 20;
const MEASURE_S = flags.quick ? 20 : 60;
const TARGET = Number(flags.procs ?? process.env.BENCH_PROCS ?? 1000);
const MB = 1024 * 1024;

interface Monitor {
  label: string;
  headroom: boolean;
  cmd: string;
  args: string[];
  env?: Record<string, string>;
  /** settings.json written into its data directory before it starts. */
  settings?: Record<string, unknown>;
  proc?: ChildProcess;
  home?: string;
  start?: { cpuSeconds: number; at: number };
  rss: number[];
  cpuPct?: number;
  parts?: MemoryParts | null;
  exited?: string;
}

function load(): string {
  return loadavg().map((l) => l.toFixed(1)).join(' ');
}

/** Glances from Debian's package when it is missing; null when it is there, else why it is not. */
function ensureGlances(): string | null {
  if (spawnSync('sh', ['-c', 'command -v glances'], { stdio: 'ignore' }).status === 0) return null;
  if (process.getuid?.() !== 0) return 'glances is not installed and this is not root (apt-get install glances)';
  console.log('glances is missing: installing the Debian package (apt-get install -y glances)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'glances'], { env, encoding: 'utf8' });
  if (r.status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
    r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'glances'], { env, encoding: 'utf8' });
  }
  if (r.status !== 0) return `apt-get install glances failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()}`;
  console.log('glances installed');
  return null;
}

function dockerAnswers(): boolean {
  return spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

function headroomMonitor(label: string, args: string[], env: Record<string, string> = {}, settings?: Record<string, unknown>): Monitor {
  return { label, headroom: true, cmd: process.execPath, args: [join(root, 'bin', 'headroom.mjs'), ...args], env, settings, rss: [] };
}

const monitors: Monitor[] = [
  headroomMonitor('headroom serve', ['serve', '--no-open', '--port', '0']),
  headroomMonitor('headroom metrics', ['metrics', '--port', '0']),
  headroomMonitor('headroom serve --no-docker', ['serve', '--no-open', '--port', '0', '--no-docker']),
  headroomMonitor('headroom serve, calm pace from 10 s of quiet', ['serve', '--no-open', '--port', '0'], {}, { version: 1, intervals: { calmAfterSeconds: 10 } }),
  headroomMonitor('headroom serve, no forced GC', ['serve', '--no-open', '--port', '0'], { HEADROOM_HEAP_TRIM_MS: '0' }),
];
if (typeof flags['node-options'] === 'string') {
  monitors.push(headroomMonitor(`headroom serve, NODE_OPTIONS=${flags['node-options']}`, ['serve', '--no-open', '--port', '0'], { NODE_OPTIONS: flags['node-options'] }));
}
const glancesProblem = ensureGlances();
if (glancesProblem === null) {
  const csv = join(mkdtempSync(join(tmpdir(), 'hr-bench-glances-')), 'glances.csv');
  monitors.push({ label: 'Glances, 2 s, CSV export', headroom: false, cmd: 'glances', args: ['-q', '-t', '2', '--export', 'csv', '--export-csv-file', csv], rss: [] });
} else console.log(`Glances left out: ${glancesProblem}`);
monitors.push({ label: 'naive Node /proc reader', headroom: false, cmd: process.execPath, args: [join(root, 'bench', 'support', 'naive-reader.mjs')], rss: [] });

const only = typeof flags.only === 'string' ? flags.only.split(',') : null;
const chosen = only ? monitors.filter((m) => only.some((o) => m.label.includes(o))) : monitors;

// Build dist/ before any engine starts, so none of them builds it inside the measurement.
spawnSync(process.execPath, [join(root, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
const swarm = await startSwarm(TARGET);
const stop = (m: Monitor) => {
  try {
    process.kill(-(m.proc?.pid as number), 'SIGTERM');
  } catch {
    /* gone */
  }
};
try {
  console.log(
    `machine: ${availableParallelism()} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, ${processCount()} processes (${swarm.spawned} idle ones added), ` +
      `Docker ${dockerAnswers() ? 'answering' : 'not answering'}; load average at start ${load()}`,
  );
  console.log(`profile: ${WARM_S} s warm-up, then ${MEASURE_S} s measured, all monitors at once; each counted with its whole process tree`);
  for (const m of chosen) {
    if (m.headroom) m.home = mkdtempSync(join(tmpdir(), 'hr-bench-home-'));
    if (m.home && m.settings) writeFileSync(join(m.home, 'settings.json'), JSON.stringify(m.settings));
    const env: NodeJS.ProcessEnv = { ...process.env, ...m.env, ...(m.home ? { HEADROOM_HOME: m.home } : {}) };
    delete env.DISPLAY; // nobody opens a browser: "no client connected"
    m.proc = spawn(m.cmd, m.args, { env, stdio: 'ignore', detached: true });
    m.proc.once('exit', (code, sig) => (m.exited = `exited with ${code ?? sig} during the run`));
  }
  await sleep(WARM_S * 1000);
  for (const m of chosen) if (m.proc?.pid && !m.exited) m.start = { cpuSeconds: readTree(m.proc.pid).cpuSeconds, at: performance.now() };
  const samples = Math.max(2, Math.round(MEASURE_S / 5));
  for (let i = 0; i < samples; i++) {
    await sleep((MEASURE_S * 1000) / samples);
    for (const m of chosen) if (m.proc?.pid && !m.exited) m.rss.push(readTree(m.proc.pid).rssBytes);
  }
  for (const m of chosen) {
    if (!m.proc?.pid || !m.start || m.exited) continue;
    const end = readTree(m.proc.pid);
    m.cpuPct = ((end.cpuSeconds - m.start.cpuSeconds) / ((performance.now() - m.start.at) / 1000)) * 100;
    if (m.headroom) m.parts = memoryParts(m.proc.pid);
  }
  const endLoad = load();
  report(chosen);
  console.log(`\nload average at end ${endLoad}; ${processCount()} processes`);
} finally {
  for (const m of chosen) stop(m);
  swarm.stop();
  await sleep(500);
  for (const m of chosen) if (m.home) rmSync(m.home, { recursive: true, force: true });
}

function report(ms: Monitor[]): void {
  const glances = ms.find((m) => m.label.startsWith('Glances') && m.cpuPct !== undefined);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`\n${'monitor'.padEnd(56)} ${'CPU % of a core'.padStart(16)} ${'RSS mean'.padStart(9)} ${'RSS max'.padStart(8)}   ${glances ? 'vs Glances: CPU   RSS' : ''}`);
  for (const m of ms) {
    if (m.cpuPct === undefined) {
      console.log(`${m.label.padEnd(56)} ${m.exited ?? 'not measured'}`);
      continue;
    }
    const rss = mean(m.rss);
    const vs = glances && m !== glances ? `${(m.cpuPct / (glances.cpuPct as number)).toFixed(2).padStart(15)}× ${(rss / mean(glances.rss)).toFixed(2).padStart(5)}×` : '';
    console.log(`${m.label.padEnd(56)} ${`${m.cpuPct.toFixed(2)}%`.padStart(16)} ${`${(rss / MB).toFixed(0)} MB`.padStart(9)} ${`${(Math.max(...m.rss) / MB).toFixed(0)} MB`.padStart(8)}   ${vs}`);
  }
  console.log('\nHeadroom engines, from /proc/PID/status at the end:');
  for (const m of ms) {
    if (!m.parts) continue;
    const p = m.parts;
    console.log(`  ${m.label.padEnd(54)} anonymous ${(p.anonBytes / MB).toFixed(0)} MB, file-backed ${(p.fileBytes / MB).toFixed(0)} MB, shmem ${(p.shmemBytes / MB).toFixed(0)} MB, peak (VmHWM) ${(p.peakBytes / MB).toFixed(0)} MB`);
  }
  const engine = ms.find((m) => m.label === 'headroom serve' && m.cpuPct !== undefined);
  if (engine) {
    const rss = mean(engine.rss) / MB;
    console.log(`\ngoal for the headless engine (headroom serve, default settings): ≤ 0.5% of a core and ≤ 60 MB RSS → ${engine.cpuPct?.toFixed(2)}% and ${rss.toFixed(0)} MB`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
