/**
 * Fault: /proc entries vanishing between the listing and the read.
 *
 * Spawners fork and exec very short-lived processes as fast as they can
 * (thousands in a few seconds, each gone a millisecond after it appears),
 * while the real process collector (the /proc table and the grouper the
 * engine runs) scans in a tight loop. Many PIDs are listed by readdir and
 * gone by the time their stat, statm, cmdline or status is opened, or exit
 * between two of those files.
 *   (a) nothing throws, every scan returns a consistent reading, and the
 *       collector counts what vanished mid-read (ScanResult.vanished,
 *       ProcessTable.vanishedTotal);
 *   (b) the figure is the scan rate and the vanished count under churn, and
 *       a scan right after the churn sees the spawners' processes gone;
 *   (c) no garbage rows: a process enters the table only with every file
 *       read (a UID from its status, a comm, a state, a start time that a
 *       second read of its stat confirmed) — never a half-read entry.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, test } from 'node:test';
import { createProcessCollector } from '../../src/main/engine/collectors/processes.ts';
import { ProcessTable } from '../../src/main/engine/platform/linux/process-table.ts';
import { PROFILE, recordFigure, sized } from '../support/profile.ts';
import { sleep } from './harness.ts';

/** Processes to churn through: the scans run until the spawners have started this many... */
const CHURN_TARGET = sized(3000, 20_000);
/** ...for at least this long, and at most this long (a busy machine spawns slower). */
const CHURN_MIN_MS = sized(5000, 20_000);
const CHURN_MAX_MS = sized(40_000, 120_000);
const SPAWNERS = 2;
const tag = `hr-vanish-${process.pid}`;
const spawners: ChildProcess[] = [];

after(() => {
  for (const c of spawners) if (c.exitCode === null) c.kill('SIGKILL');
});

/**
 * A bash loop that forks and execs /bin/true (named `<tag>-child`) until told
 * to stop; it prints its count every 100 processes and once more when stopped.
 */
function startSpawner(): { child: ChildProcess; started: () => number; count: Promise<number> } {
  const script = `n=0; trap 'echo $n; exit 0' TERM; while :; do (exec -a "${tag}-child" /bin/true); n=$((n+1)); [ $((n % 100)) -eq 0 ] && echo $n; done`;
  const child = spawn('bash', ['-c', 'exec -a "$0" bash -c "$1"', `${tag}-spawner`, script], { stdio: ['ignore', 'pipe', 'inherit'] });
  spawners.push(child);
  let latest = 0;
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    const lines = out.trim().split('\n');
    latest = Number(lines.at(-1)) || latest;
  });
  const count = new Promise<number>((resolve) => child.on('close', () => resolve(latest)));
  return { child, started: () => latest, count };
}

const STATES = new Set('RSDZTtWXxKPI'.split(''));

/** What a fully read entry looks like; returns the problem, or null. */
function partialEntryProblem(e: {
  pid: number;
  startTime: number;
  comm: string;
  name: string;
  cmdline: string;
  uid: number;
  state: string;
  threads: number;
  rssBytes: number;
  kernelThread: boolean;
}): string | null {
  if (!(e.pid > 0)) return 'no pid';
  if (!(e.startTime >= 0)) return 'no start time';
  if (e.comm === '') return 'no comm';
  if (e.name === '') return 'no name';
  if (!(e.uid >= 0)) return 'status never read (uid -1)';
  if (!STATES.has(e.state)) return `state ${JSON.stringify(e.state)}`;
  if (!(e.rssBytes >= 0) || !(e.threads >= 0)) return 'bad numbers';
  // A cmdline that was read names the process: argv[0]'s base name (or its first word).
  if (e.cmdline !== '' && !e.kernelThread && !e.cmdline.includes(e.name)) return `name ${e.name} not from cmdline ${e.cmdline.slice(0, 80)}`;
  return null;
}

test(`/proc entries vanishing mid-read: no throw, no half-read rows, vanished ones counted (${PROFILE})`, async () => {
  const table = new ProcessTable();
  const collector = createProcessCollector([{ name: tag, kind: 'other', cmdline: tag }], table);
  const log: string[] = [];
  const ctx = () => ({ now: Date.now(), monotonic: performance.now(), log: (l: string) => log.push(l) });
  collector.collect(ctx());

  const runs = Array.from({ length: SPAWNERS }, startSpawner);
  await sleep(200); // the loops are running
  const churnStart = performance.now();
  const churning = () => {
    const elapsed = performance.now() - churnStart;
    const started = runs.reduce((a, r) => a + r.started(), 0);
    return elapsed < CHURN_MAX_MS && (elapsed < CHURN_MIN_MS || started < CHURN_TARGET);
  };
  let scans = 0;
  let slowest = 0;
  let churnSeen = 0;
  const problems: string[] = [];
  while (churning()) {
    const t = performance.now();
    const reading = collector.collect(ctx());
    slowest = Math.max(slowest, performance.now() - t);
    const scan = { processCount: reading.processCount, entries: table.entries.size };
    scans++;
    // A reading agrees with the table it came from.
    if (scan.processCount !== scan.entries) problems.push(`scan ${scans}: ${scan.processCount} counted, ${scan.entries} in the table`);
    for (const e of table.entries.values()) {
      const p = partialEntryProblem(e);
      if (p) problems.push(`pid ${e.pid} (${e.comm}): ${p}`);
      if (e.name === `${tag}-child`) churnSeen++;
    }
    if (problems.length > 20) break;
    // Yield now and then so the test's own timers run; the spawners are other processes.
    if (scans % 20 === 0) await new Promise((r) => setImmediate(r));
  }
  const vanished = table.vanishedTotal;
  for (const r of runs) r.child.kill('SIGTERM');
  const counts = await Promise.all(runs.map((r) => r.count));
  const spawned = counts.reduce((a, b) => a + b, 0);
  const churnMs = performance.now() - churnStart;

  assert.deepEqual(problems.slice(0, 20), [], 'every entry of every scan was fully read');
  assert.deepEqual(log, [], 'nothing logged: vanishing processes are normal, not errors');
  assert.ok(spawned >= CHURN_TARGET, `the spawners started thousands of processes (${spawned} in ${Math.round(churnMs / 1000)} s)`);
  assert.ok(churnSeen > 0, 'the scans did see the short-lived processes (the churn reached the table)');
  assert.ok(vanished > 0, `some processes vanished mid-read and were counted (${vanished})`);

  // After the churn: the spawners and their children are gone from the next scan.
  await sleep(100);
  collector.collect(ctx());
  const leftovers = [...table.entries.values()].filter((e) => e.name.startsWith(tag));
  assert.deepEqual(leftovers.map((e) => `${e.pid} ${e.name}`), [], 'no row outlives its process');

  const rate = Math.round((spawned / churnMs) * 1000);
  recordFigure({ area: 'fault', name: `/proc churn: processes spawned and exited (${rate}/s)`, value: spawned, unit: 'processes', bound: `≥ ${CHURN_TARGET}`, ok: spawned >= CHURN_TARGET });
  recordFigure({ area: 'fault', name: '/proc churn: scans without a throw or a half-read row', value: scans, unit: 'scans', bound: '0 half-read rows', ok: problems.length === 0 });
  recordFigure({ area: 'fault', name: '/proc churn: processes vanished mid-read (counted, left out)', value: vanished, unit: 'processes', bound: '> 0 (the fault happened)', ok: vanished > 0 });
  recordFigure({ area: 'fault', name: '/proc churn: slowest scan', value: Math.round(slowest * 10) / 10, unit: 'ms', ok: true });
});
