/**
 * The container collector against the real engine: memory rising against a
 * 64 MiB limit, an unbounded container, a restart loop, an OOM kill, health
 * and the compose project. Every container is created here under a unique
 * name and removed afterwards.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ContainerStats } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { createDockerMonitor, type DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import { Cleanup, MiB, TEST_IMAGE, acquireEngineLock, docker, idleCommand, requireEngine, uniqueName, waitFor } from './engine-helper.ts';

const settings: Settings = structuredClone(DEFAULT_SETTINGS);
// Stats of every running container in one round (~1 s): the engine may hold other people's containers too.
settings.docker.statsConcurrency = 16;
const cleanup = new Cleanup();
const logs: string[] = [];
let monitor: DockerMonitor;
let release: () => void = () => {};

const names = {
  unbounded: uniqueName('unbounded'),
  loop: uniqueName('loop'),
  oom: uniqueName('oom'),
  health: uniqueName('health'),
};

/** When the OOM container was started (seconds), for `docker events --since`. */
let oomSince = '';

const find = (list: ContainerStats[], name: string): ContainerStats | undefined => list.find((c) => c.name === name);

before(async () => {
  release = await acquireEngineLock();
  await requireEngine();
  monitor = createDockerMonitor({ settings, log: (l) => logs.push(l) });
  // Started together so they evolve while the growth test runs.
  docker('run', '-d', '--name', cleanup.container(names.unbounded), TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; x=$(head -c 3000000 /dev/zero | tr "\\0" a); while :; do sleep 1; done');
  docker('run', '-d', '--name', cleanup.container(names.loop), '--restart', 'on-failure:5', TEST_IMAGE, 'sh', '-c', 'exit 1');
  // The OOM kill takes a child and PID 1 lives on: when PID 1 itself was killed, the exit could reach dockerd
  // before the OOM event on a loaded machine, and Docker then records exit 137 without OOMKilled.
  oomSince = (Date.now() / 1000).toFixed(3);
  docker('run', '-d', '--name', cleanup.container(names.oom), '--memory', '16m', TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; (x=$(head -c 40000000 /dev/zero | tr "\\0" a)); while :; do sleep 1; done');
  docker(
    'run', '-d', '--name', cleanup.container(names.health),
    '--label', 'com.docker.compose.project=hr-test-project',
    '--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1',
    TEST_IMAGE, ...idleCommand(),
  );
});

after(async () => {
  await monitor?.stop();
  cleanup.run();
  release();
});

test('a --memory 64m container that grows is seen rising against its 64 MiB limit, and reported near it', async () => {
  const name = cleanup.container(uniqueName('grow'));
  // 10 × 6 MiB into a tmpfs (charged to the container's memory cgroup, never reclaimable as file cache): ~60 MiB in ~6 s.
  docker(
    'run', '-d', '--name', name, '--memory', '64m', '--tmpfs', '/grow:size=100m', TEST_IMAGE, 'sh', '-c',
    'trap "exit 0" TERM; i=0; while [ $i -lt 10 ]; do dd if=/dev/zero of=/grow/f$i bs=1M count=6 2>/dev/null; i=$((i+1)); sleep 0.6; done; while :; do sleep 1; done',
  );
  const readings: ContainerStats[] = [];
  await waitFor(
    'the growing container to reach its plateau',
    async () => {
      const c = find(await monitor.refreshContainers(), name);
      if (c && c.memUsageBytes !== null) readings.push(c);
      return c;
    },
    (c) => c !== undefined && c.memUsageBytes !== null && c.memUsageBytes >= 58 * MiB,
    40_000,
    0,
  );
  assert.equal(monitor.state().status, 'ok');
  const usages = readings.map((r) => r.memUsageBytes as number);
  for (const r of readings) assert.equal(r.memLimitBytes, 64 * MiB, 'the limit is the container\'s 64 MiB, not the host RAM');
  const rises = usages.filter((u, i) => i > 0 && u > usages[i - 1]).length;
  assert.ok(rises >= 3, `usage should be seen rising over several collects: ${usages.map((u) => (u / MiB).toFixed(1)).join(', ')} MiB`);
  assert.ok(usages[usages.length - 1] - usages[0] >= 20 * MiB, `rise too small: ${usages.map((u) => (u / MiB).toFixed(1)).join(', ')}`);
  const last = readings[readings.length - 1];
  assert.ok(last.memPercent !== null && last.memPercent >= settings.alerts.containerLimitPercent, `near its limit: ${last.memPercent}%`);
  assert.equal(last.state, 'running');
  assert.equal(typeof last.cpuPercent, 'number');
});

test('a container without a memory limit is reported unbounded (null limit), with its usage', async () => {
  const c = await waitFor('the unbounded container\'s stats', async () => find(await monitor.refreshContainers(), names.unbounded), (c) => c?.memUsageBytes != null);
  assert.equal(c!.memLimitBytes, null);
  assert.equal(c!.memPercent, null);
  assert.ok(c!.memUsageBytes! > 2 * MiB, `usage ${c!.memUsageBytes}`);
});

test('a --restart on-failure:5 container exiting 1 shows a restart loop', async () => {
  const c = await waitFor(
    'restarts of the looping container',
    async () => find(await monitor.refreshContainers(), names.loop),
    (c) => (c?.recentRestarts ?? 0) >= settings.alerts.restartLoopCount,
    30_000,
  );
  assert.ok(c!.restartCount >= 3);
  assert.ok(c!.recentRestarts >= 3, 'the container was created within the window: all its restarts are recent');
  assert.ok(['restarting', 'running', 'exited'].includes(c!.state));
});

test('an OOM-killed container is reported as such', async () => {
  // Docker sets OOMKilled when the container exits after an OOM kill it has recorded (its "oom" event):
  // wait for that event, then stop the container.
  await waitFor(
    'dockerd to record the OOM kill',
    () => docker('events', '--since', oomSince, '--until', (Date.now() / 1000).toFixed(3), '--filter', `container=${names.oom}`, '--filter', 'event=oom', '--format', '{{.Action}}'),
    (out) => out.includes('oom'),
    60_000,
    500,
  );
  docker('stop', '-t', '10', names.oom);
  const c = await waitFor('the OOM kill', async () => find(await monitor.refreshContainers(), names.oom), (c) => c?.oomKilled === true, 60_000);
  assert.equal(c!.state, 'exited');
  assert.equal(c!.memUsageBytes, null, 'no stats for a stopped container');
  assert.equal(c!.memLimitBytes, 16 * MiB);
});

test('health status and compose project come from inspect and labels', async () => {
  const c = await waitFor('the failing health check', async () => find(await monitor.refreshContainers(), names.health), (c) => c?.health === 'unhealthy', 20_000);
  assert.equal(c!.composeProject, 'hr-test-project');
  assert.ok(c!.startedAt && !Number.isNaN(Date.parse(c!.startedAt)));
  assert.equal(c!.image, TEST_IMAGE);
  assert.match(c!.id, /^[0-9a-f]{64}$/);
});
