/**
 * Stopping dockerd under a running Headroom engine: snapshots keep coming and
 * say Docker is "not running"; starting dockerd again brings the containers
 * back, without restarting anything on our side.
 *
 * The daemon is a private one (tests/helpers/private-dockerd.ts), stopped by
 * its PID and started again on the same data: stopping the system dockerd
 * would stop everyone's containers (on a workstation, the user's database).
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createDockerMonitor, type DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import { PRIVATE_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../../helpers/private-dockerd.ts';
import { idleCommand, uniqueName, waitFor } from './engine-helper.ts';

const settings: Settings = structuredClone(DEFAULT_SETTINGS);
settings.intervals.systemMs = 250;
settings.intervals.dockerStatsMs = 1000;

const logs: string[] = [];
let engine: Engine | null = null;
let monitor: DockerMonitor;
let dockerd: PrivateDockerd | null = null;
const name = uniqueName('survivor');

before(async () => {
  dockerd = await startPrivateDockerd(`restart-${process.pid}`);
  settings.docker.host = dockerd.host;
  // `always`: the engine starts it again when the daemon comes back.
  dockerd.dockerSync('run', '-d', '--name', name, '--network', 'none', '--restart', 'always', PRIVATE_IMAGE, ...idleCommand());
});

after(async () => {
  await engine?.stop();
  await dockerd?.stop();
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
  await waitFor('our container in a snapshot', latest, (s) => s?.docker.status === 'ok' && s.containers.some((c) => c.name === name && c.memUsageBytes !== null), 60_000);

  await dockerd!.stopDaemon('SIGTERM');
  const down = await waitFor('Docker "not running" in the snapshot', latest, (s) => s?.docker.status === 'not-running', 60_000);
  assert.deepEqual(down!.containers, [], 'no stale containers while the engine is gone');
  // Caught while the daemon is going away the socket resets ("closed the connection … stopping or restarting?");
  // once it is gone the socket is refused or missing ("not running"). Both are the not-running state, said clearly.
  assert.match(down!.docker.message ?? '', /not running|closed the connection .*\(stopping or restarting\?\)/i);
  // Sampling goes on while Docker is away (waited for, not timed: a loaded machine ticks late), and asking for
  // containers does not throw.
  const before = snaps.length;
  await waitFor('three more snapshots while Docker is away', () => snaps.length, (n) => n >= before + 3, 60_000);
  assert.ok(snaps.slice(before).every((s) => s.docker.status === 'not-running' && s.containers.length === 0));
  assert.deepEqual(await monitor.refreshContainers(), []);
  assert.equal(snaps[snaps.length - 1].docker.status, 'not-running');

  await dockerd!.startDaemon();
  const back = await waitFor(
    'the container back in a snapshot',
    latest,
    (s) => s?.docker.status === 'ok' && s.containers.some((c) => c.name === name && c.state === 'running'),
    60_000,
  );
  assert.equal(back!.docker.message, null);
  assert.deepEqual(errors, [], 'the engine reported no errors');
  assert.ok(logs.some((l) => /docker: not-running/.test(l)) && logs.some((l) => /docker: ok/.test(l)), logs.join('\n'));
});
