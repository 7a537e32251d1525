/**
 * Fault: dockerd killed with SIGKILL in the middle of a container collect,
 * then started again on the same data (the way the machine's init would
 * restart it).
 *
 * The daemon is a private one (tests/helpers/private-dockerd.ts): killing the
 * system dockerd would kill everyone's containers with it (exit code 137 on a
 * shared machine; on a workstation, the user's database).
 *
 * The real engine (createHeadroom: history file, /proc collectors, the Docker
 * monitor on that daemon's socket) runs throughout. While the daemon is gone:
 *   (a) the Snapshot says Docker is "not running", with no stale containers,
 *       and the system and process samples keep coming;
 *   (b) once dockerd answers again, the containers are back in the Snapshot
 *       within one stats interval, without restarting anything on our side;
 *       the times are recorded as figures;
 *   (c) history loses nothing: container samples taken before the kill are
 *       still queryable, and every system tick of the outage was written at
 *       once (history never depended on Docker).
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { idleCommand, uniqueName } from '../../tests/engine/docker/engine-helper.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';
import { PRIVATE_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../support/private-dockerd.ts';
import { PROFILE, recordFigure, sized } from '../support/profile.ts';
import { rawPoints, secondsSince, sleep, startFaultHeadroom, tickTimes, until, type FaultHeadroom } from './harness.ts';

/** The full profile uses the shipped interval; the quick one a shorter one, to keep CI short. */
const STATS_MS = sized(5000, DEFAULT_SETTINGS.intervals.dockerStatsMs);
/** How long the daemon stays dead: long enough for several system ticks and a failed reconnection or two. */
const OUTAGE_MS = sized(4000, 20_000);
const CONTAINERS = 3;

const names = Array.from({ length: CONTAINERS }, () => uniqueName('fault-kill'));
let dockerd: PrivateDockerd | null = null;
let f: FaultHeadroom | null = null;

before(async () => {
  dockerd = await startPrivateDockerd(`fault-kill-${process.pid}`);
  // `always`: dockerd starts them again when it comes back, as a compose stack would be.
  // No network: the fault is the daemon, not the bridge.
  for (const n of names) await dockerd.docker('run', '-d', '--name', n, '--network', 'none', '--restart', 'always', PRIVATE_IMAGE, ...idleCommand());
});

after(async () => {
  try {
    await f?.dispose();
  } finally {
    await dockerd?.stop();
  }
});

const ours = (s: { containers: { name: string; state: string; memUsageBytes: number | null }[] } | null) =>
  s?.containers.filter((c) => names.includes(c.name) && c.state === 'running' && c.memUsageBytes !== null).length ?? 0;

test(`dockerd killed -9 mid-collect: "not running" while sampling goes on; restarted: containers back, history whole (${PROFILE})`, async () => {
  f = startFaultHeadroom({ docker: true, settings: { intervals: { dockerStatsMs: STATS_MS }, docker: { enabled: true, host: dockerd!.host, statsConcurrency: 4 } } });
  const { h, snaps, logs, errors } = f;
  const monitor = h.docker!;
  const before = await until('our containers in a snapshot', f.latest, (s) => s?.docker.status === 'ok' && ours(s) === CONTAINERS, 30_000);
  assert.ok(before);
  // Container samples in history before the fault (waited for: a loaded machine writes them late).
  const containerSeries = `container.${names[0]}.mem`;
  const t0 = snaps[0].t;
  const preKill = await until('container samples recorded before the fault', () => rawPoints(h, containerSeries, t0), (p) => p.t.length >= 2, STATS_MS * 3 + 30_000, 200);

  // Kill the daemon while a collect is in flight: start one, wait until it is talking to the daemon, kill.
  let collectDone = false;
  const collect = monitor.refreshContainers().finally(() => (collectDone = true));
  await sleep(3);
  const inFlightAtKill = !collectDone;
  const killing = dockerd!.stopDaemon('SIGKILL');
  const killedAt = performance.now();
  const killedWall = Date.now();
  await killing;
  const result = await collect; // never rejects, whatever happened to the socket
  assert.ok(inFlightAtKill, 'the collect was still in flight when dockerd was killed');
  assert.ok(Array.isArray(result));

  // (a) the user-visible state while dockerd is dead.
  const down = await until('Docker "not running" in the snapshot', f.latest, (s) => s?.docker.status === 'not-running', 20_000);
  const shownAfter = secondsSince(killedAt);
  assert.deepEqual(down!.containers, [], 'no stale containers while the engine is gone');
  assert.match(down!.docker.message ?? '', /not running|closed the connection/i);
  assert.ok(
    logs.some((l) => /docker: (container collect|disk usage) failed/.test(l) || /docker: not-running/.test(l)),
    `a log line says Docker went away:\n${logs.slice(-10).join('\n')}`,
  );
  const snapsAtDown = snaps.length;
  const processesAtDown = f.latest()!.sampledAt.processes;
  await sleep(OUTAGE_MS);
  const during = snaps.slice(snapsAtDown);
  // System ticks every 250 ms; allow for a loaded machine, but sampling must clearly go on.
  assert.ok(during.length >= OUTAGE_MS / 250 / 3, `snapshots kept coming while Docker was dead: ${during.length} in ${OUTAGE_MS} ms`);
  assert.ok(during.every((s) => s.docker.status !== 'ok' && s.containers.length === 0), 'every snapshot of the outage says Docker is unavailable');
  assert.ok(f.latest()!.sampledAt.processes > processesAtDown, 'processes kept being scanned');
  recordFigure({ area: 'fault', name: 'dockerd kill -9 → "not running" shown', value: shownAfter, unit: 's', bound: '≤ 5 s', ok: shownAfter <= 5 });

  // (b) the daemon comes back on the same data: containers back without restarting anything.
  const restartAt = performance.now();
  await dockerd!.startDaemon();
  const answeringAfter = secondsSince(restartAt);
  const answeredAt = performance.now();
  const back = await until('our containers back in a snapshot', f.latest, (s) => s?.docker.status === 'ok' && ours(s) === CONTAINERS, STATS_MS + 30_000, 100);
  const recovery = secondsSince(answeredAt);
  const total = secondsSince(killedAt);
  assert.equal(back!.docker.message, null);
  const bound = STATS_MS / 1000 + 5;
  recordFigure({ area: 'fault', name: 'dockerd answering again → containers back', value: recovery, unit: 's', bound: `≤ ${bound} s (one stats interval + a collect)`, ok: recovery <= bound });
  recordFigure({ area: 'fault', name: `dockerd kill -9 → containers back (daemon dead ${OUTAGE_MS / 1000} s, restart ${answeringAfter} s)`, value: total, unit: 's', ok: true });
  assert.ok(recovery <= bound, `containers back ${recovery} s after dockerd answered (bound ${bound} s)`);

  // (c) history: nothing from before the kill is gone, and the outage itself was recorded tick by tick.
  await sleep(600);
  const afterPoints = rawPoints(h, containerSeries, t0);
  for (const t of preKill.t) assert.ok(afterPoints.t.includes(t), `container sample at ${t} (before the kill) is still in history`);
  const outageTicks = tickTimes(snaps, killedWall, Date.now() - 300);
  const stored = new Set(rawPoints(h, 'system.mem.used', killedWall).t);
  const missing = outageTicks.filter((t) => !stored.has(t));
  assert.deepEqual(missing, [], `every system tick since the kill is in history (${outageTicks.length} ticks)`);
  assert.equal(h.history!.health().ok, true);
  assert.ok(f.latest()!.history?.ok, 'the snapshot says history is fine throughout');
  assert.deepEqual(errors, [], 'the engine reported no errors');
});
