/**
 * The Docker monitor's states and timers: disabled, not installed, not
 * running and misconfigured are states (never throws), and start()/stop()
 * drive collection on their own against the real engine.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { createDockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import type { ResolveEnv } from '../../../src/main/engine/collectors/docker/connection.ts';
import { Cleanup, TEST_IMAGE, acquireEngineLock, docker, idleCommand, requireEngine, uniqueName, waitFor } from './engine-helper.ts';

const noDocker = (binaries: string[] = []): ResolveEnv => ({
  env: {},
  platform: 'linux',
  home: '/nonexistent-home',
  exists: () => false,
  installed: (b) => binaries.includes(b),
});

const withSettings = (patch: (s: Settings) => void): Settings => {
  const s = structuredClone(DEFAULT_SETTINGS);
  patch(s);
  return s;
};

test('disabled in settings: state "disabled", nothing collected, no connection attempted', async () => {
  const logs: string[] = [];
  const m = createDockerMonitor({ settings: withSettings((s) => (s.docker.enabled = false)), log: (l) => logs.push(l) });
  m.start();
  assert.deepEqual(await m.refreshContainers(), []);
  assert.equal(await m.refreshDisk(), null);
  assert.equal(m.state().status, 'disabled');
  assert.equal(m.client(), null);
  assert.deepEqual(logs, []);
  await m.stop();
});

test('no engine on this (described) machine: "not installed", or "not running" when a binary is there — states, not throws', async () => {
  const none = createDockerMonitor({ settings: DEFAULT_SETTINGS, log: () => {}, resolveEnv: noDocker() });
  assert.deepEqual(await none.refreshContainers(), []);
  assert.equal(none.state().status, 'not-installed');
  assert.match(none.state().message ?? '', /not installed/);
  assert.equal(none.state().disk, null);
  const stopped = createDockerMonitor({ settings: DEFAULT_SETTINGS, log: () => {}, resolveEnv: noDocker(['dockerd']) });
  await stopped.refreshContainers();
  assert.equal(stopped.state().status, 'not-running');
  const bad = createDockerMonitor({ settings: withSettings((s) => (s.docker.host = 'ftp://nowhere')), log: () => {} });
  await bad.refreshContainers();
  assert.equal(bad.state().status, 'error');
  assert.match(bad.state().message ?? '', /settings: unsupported scheme/);
});

const cleanup = new Cleanup();
let release: () => void = () => {};
before(async () => {
  release = await acquireEngineLock();
  await requireEngine();
});
after(() => {
  cleanup.run();
  release();
});

test('start() collects on its own timers (containers, then disk waste); stop() ends it', async () => {
  const name = cleanup.container(uniqueName('timer'));
  docker('run', '-d', '--name', name, TEST_IMAGE, ...idleCommand());
  const settings = withSettings((s) => {
    s.intervals.dockerStatsMs = 1000;
    s.docker.statsConcurrency = 16;
  });
  const m = createDockerMonitor({ settings, log: () => {} });
  assert.equal(m.sampledAt(), null);
  m.start();
  await waitFor('a timed collect with our container', () => m.containers(), (l) => l.some((c) => c.name === name), 15_000);
  const first = m.sampledAt()!;
  await waitFor('a second timed collect', () => m.sampledAt(), (t) => t !== null && t > first, 10_000);
  await waitFor('disk waste measured after connecting', () => m.state().disk, (d) => d !== null, 10_000);
  assert.equal(m.state().status, 'ok');
  await m.stop();
  const stoppedAt = m.sampledAt();
  await new Promise((r) => setTimeout(r, 2500));
  assert.equal(m.sampledAt(), stoppedAt, 'no collect after stop()');
});
