/**
 * Stopping dockerd under a running Headroom engine: snapshots keep coming and
 * say Docker is "not running"; starting dockerd again brings the containers
 * back, without restarting anything on our side.
 *
 * dockerd is stopped by PID and started again with the provision script's own
 * command. Whatever happens, the file leaves dockerd running.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createDockerMonitor, type DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import { Cleanup, TEST_IMAGE, acquireEngineLock, docker, dockerdPid, idleCommand, requireEngine, startDockerd, stopDockerd, uniqueName, waitFor } from './engine-helper.ts';

const settings: Settings = structuredClone(DEFAULT_SETTINGS);
settings.intervals.systemMs = 250;
settings.intervals.dockerStatsMs = 1000;

const cleanup = new Cleanup();
const logs: string[] = [];
let release: () => void = () => {};
let engine: Engine | null = null;
let monitor: DockerMonitor;
const name = uniqueName('survivor');

before(async () => {
  release = await acquireEngineLock();
  await requireEngine();
  // `always`: the engine starts it again when the daemon comes back.
  docker('run', '-d', '--name', cleanup.container(name), '--restart', 'always', TEST_IMAGE, ...idleCommand());
});

after(async () => {
  await engine?.stop();
  try {
    // Leave dockerd running, whatever the test did.
    if (dockerdPid() === null) await startDockerd();
  } finally {
    cleanup.run();
    release();
  }
});

test('dockerd stopped mid-run: "not running" while sampling goes on; started again: containers back', async () => {
  monitor = createDockerMonitor({ settings, log: (l) => logs.push(l) });
  engine = new Engine({ settings: () => settings, log: (l) => logs.push(l), containers: monitor });
  const snaps: Snapshot[] = [];
  const errors: Error[] = [];
  engine.on('snapshot', (s) => snaps.push(s));
  engine.on('error', (e) => errors.push(e));
  engine.start();

  const latest = () => engine!.latest();
  await waitFor('our container in a snapshot', latest, (s) => s?.docker.status === 'ok' && s.containers.some((c) => c.name === name && c.memUsageBytes !== null), 15_000);

  await stopDockerd();
  const down = await waitFor('Docker "not running" in the snapshot', latest, (s) => s?.docker.status === 'not-running', 20_000);
  assert.deepEqual(down!.containers, [], 'no stale containers while the engine is gone');
  // Caught while the daemon is going away the socket resets ("closed the connection … stopping or restarting?");
  // once it is gone the socket is refused or missing ("not running"). Both are the not-running state, said clearly.
  assert.match(down!.docker.message ?? '', /not running|closed the connection .*\(stopping or restarting\?\)/i);
  // Sampling goes on at its own pace while Docker is away, and asking for containers does not throw.
  const before = snaps.length;
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(snaps.length >= before + 3, `snapshots kept coming: ${snaps.length - before} in 1.5 s`);
  assert.deepEqual(await monitor.refreshContainers(), []);
  assert.equal(snaps[snaps.length - 1].docker.status, 'not-running');

  await startDockerd();
  const back = await waitFor(
    'the container back in a snapshot',
    latest,
    (s) => s?.docker.status === 'ok' && s.containers.some((c) => c.name === name && c.state === 'running'),
    30_000,
  );
  assert.equal(back!.docker.message, null);
  assert.deepEqual(errors, [], 'the engine reported no errors');
  assert.ok(logs.some((l) => /docker: not-running/.test(l)) && logs.some((l) => /docker: ok/.test(l)), logs.join('\n'));
});
