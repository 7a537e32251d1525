/**
 * Container fixes against the real engine: raising a limit takes effect and
 * records what undo needs; a first limit on an unbounded container; an engine
 * refusal comes back as a clear 'failed' result; restart and stop; and stale
 * targets are refused by revalidation.
 *
 * (The audit-log part of "raising a limit is recorded" belongs to the
 * remediation framework and is tested there; here: the FixTargetResult and
 * undoInfo the framework records.)
 *
 * On a private dockerd (tests/helpers/private-dockerd.ts): these fixes stop,
 * restart and resize containers, and the planner proposes them for every
 * container of the engine; on the system daemon those are the user's.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import type { Alert, ContainerStats } from '../../../src/shared/model.ts';
import { createDockerMonitor, type DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import { createContainerFixProvider } from '../../../src/main/engine/remedies/container-fixes.ts';
import type { FixProvider } from '../../../src/main/engine/remedies/provider.ts';
import { PRIVATE_IMAGE as TEST_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../../helpers/private-dockerd.ts';
import { Cleanup, MiB, dockerOn, idleCommand, uniqueName, waitFor } from './engine-helper.ts';
import { issue, planInput, proposalsFor } from './plan-helper.ts';

const settings: Settings = structuredClone(DEFAULT_SETTINGS);
// Stats of every running container in one round (~1 s).
settings.docker.statsConcurrency = 16;
let dockerd: PrivateDockerd | null = null;
let cleanup: Cleanup;
const logs: string[] = [];
let monitor: DockerMonitor;
let provider: FixProvider;
const docker = (...args: string[]): string => dockerOn(dockerd!.host, args);

const inspectField = (name: string, field: string): string => docker('inspect', '-f', `{{${field}}}`, name);
const idOf = (name: string): string => inspectField(name, '.Id');

async function seen(name: string, ok: (c: ContainerStats) => boolean, what: string): Promise<ContainerStats> {
  const c = await waitFor(what, async () => (await monitor.refreshContainers()).find((x) => x.name === name), (c) => c !== undefined && ok(c), 30_000);
  return c as ContainerStats;
}

before(async () => {
  dockerd = await startPrivateDockerd(`fixes-${process.pid}`);
  settings.docker.host = dockerd.host;
  cleanup = new Cleanup(dockerd.host);
  monitor = createDockerMonitor({ settings, log: (l) => logs.push(l) });
  provider = createContainerFixProvider({ monitor, log: (l) => logs.push(l) });
});

after(async () => {
  await monitor?.stop();
  await dockerd?.stop();
});

test('raise a limit: proposed with its new value and command, applied, visible in inspect, undo info recorded', async () => {
  const name = cleanup.container(uniqueName('raise'));
  docker('run', '-d', '--name', name, '--memory', '64m', '--tmpfs', '/grow:size=100m', TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; dd if=/dev/zero of=/grow/f bs=1M count=59 2>/dev/null; while :; do sleep 1; done');
  const id = idOf(name);
  const c = await seen(name, (c) => (c.memPercent ?? 0) >= settings.alerts.containerLimitPercent, 'the container near its 64 MiB limit');

  const [p] = await proposalsFor(provider, planInput(monitor, settings), 'container.raise-limit', id);
  assert.ok(p, `no raise-limit proposal for ${name} at ${c.memPercent}%`);
  // ~60 MiB in use × 1.5 = ~90 MiB → next nice size 96 MiB; swap keeps docker's default 2× ratio.
  assert.equal(p.params?.memoryBytes, 96 * MiB);
  assert.equal(p.params?.memorySwapBytes, 192 * MiB);
  assert.equal(p.command, `docker update --memory 96m --memory-swap 192m ${name}`);
  assert.equal(p.title, `Raise ${name}'s memory limit 64.0 MB → 96.0 MB`);
  assert.match(p.reason, /1\.5× its current usage/);
  assert.deepEqual(p.targets, [{ kind: 'container', id, name }]);
  assert.equal(p.risk, 'low');
  assert.equal(p.undoable, true);

  const target = p.targets[0];
  assert.equal(await provider.revalidate(target, p), null);
  const undoBefore = await provider.undoInfo!(target, p);
  assert.equal(undoBefore?.previousMemoryBytes, 64 * MiB);

  const result = await provider.apply(target, p);
  assert.equal(result.outcome, 'done', result.detail);
  assert.match(result.detail, /memory limit 64\.0 MB → 96\.0 MB \(memory\+swap 192 MB\)/);
  assert.equal(Number(inspectField(name, '.HostConfig.Memory')), 96 * MiB);
  assert.equal(Number(inspectField(name, '.HostConfig.MemorySwap')), 192 * MiB);

  const undo = await provider.undoInfo!(target, p);
  assert.equal(undo?.previousMemoryBytes, 64 * MiB);
  assert.equal(undo?.previousMemorySwapBytes, 128 * MiB);
  assert.equal(undo?.restorable, true);
  assert.equal(undo?.undoCommand, `docker update --memory 64m --memory-swap 128m ${name}`);

  // The same proposal again is stale: the limit is no longer the one it was made for.
  assert.match((await provider.revalidate(target, p)) ?? '', /limit changed since the proposal \(now 96\.0 MB, was 64\.0 MB\)/);

  // And the recorded values really put it back.
  const client = await monitor.connect();
  await client!.updateMemory(id, undo!.previousMemoryBytes as number, undo!.previousMemorySwapBytes as number);
  assert.equal(Number(inspectField(name, '.HostConfig.Memory')), 64 * MiB);
});

test('an engine refusal (cgroup v1: limit below current usage) comes back as failed, with the engine\'s reason', async () => {
  const name = cleanup.container(uniqueName('refuse'));
  docker('run', '-d', '--name', name, '--memory', '128m', TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; x=$(head -c 40000000 /dev/zero | tr "\\0" a); while :; do sleep 1; done');
  const id = idOf(name);
  await seen(name, (c) => (c.memUsageBytes ?? 0) > 30 * MiB, 'the container holding ~40 MB');
  const p = issue({
    kind: 'container.raise-limit',
    title: 'crafted: a limit below usage',
    targets: [{ kind: 'container', id, name }],
    expectedBytes: 0,
    risk: 'low',
    destructive: false,
    undoable: true,
    command: '',
    reason: '',
    addresses: [],
    params: { memoryBytes: 16 * MiB, memorySwapBytes: 32 * MiB, previousMemoryBytes: 128 * MiB, previousMemorySwapBytes: 256 * MiB },
  });
  assert.equal(await provider.revalidate(p.targets[0], p), null);
  const r = await provider.apply(p.targets[0], p);
  assert.equal(r.outcome, 'failed');
  assert.match(r.detail, /Docker refused: the limit \(16\.0 MB\) is below what the container uses now/);
  assert.match(r.detail, /cgroup v1/);
  assert.match(r.detail, /Engine said: .*unable to set memory limit/);
  assert.equal(Number(inspectField(name, '.HostConfig.Memory')), 128 * MiB, 'nothing changed');
});

test('set a first limit on an unbounded container (memory and swap together, as the engine requires)', async () => {
  const name = cleanup.container(uniqueName('unbounded'));
  docker('run', '-d', '--name', name, TEST_IMAGE, 'sh', '-c', 'trap "exit 0" TERM; x=$(head -c 3000000 /dev/zero | tr "\\0" a); while :; do sleep 1; done');
  const id = idOf(name);
  await seen(name, (c) => c.memUsageBytes !== null, 'stats of the unbounded container');
  const lowThreshold: Settings = { ...settings, alerts: { ...settings.alerts, unboundedContainerBytes: 1 * MiB } };
  const [p] = await proposalsFor(provider, planInput(monitor, lowThreshold), 'container.set-limit', id);
  assert.ok(p, 'a set-limit proposal for the unbounded container');
  assert.equal(p.command, `docker update --memory 256m --memory-swap 512m ${name}`);
  assert.equal(p.undoable, false, 'this engine cannot remove a limit once set');
  assert.match(p.title, /^Set a 256 MB memory limit on /);
  // Not proposed at the default 2 GiB threshold.
  assert.equal((await proposalsFor(provider, planInput(monitor, settings), 'container.set-limit', id)).length, 0);

  const r = await provider.apply(p.targets[0], p);
  assert.equal(r.outcome, 'done', r.detail);
  assert.match(r.detail, /no limit → 256 MB/);
  assert.equal(Number(inspectField(name, '.HostConfig.Memory')), 256 * MiB);
  assert.equal(Number(inspectField(name, '.HostConfig.MemorySwap')), 512 * MiB);
  const undo = await provider.undoInfo!(p.targets[0], p);
  assert.equal(undo?.previousMemoryBytes, 0);
  assert.equal(undo?.restorable, false);
  const after = await seen(name, (c) => c.memLimitBytes !== null, 'the new limit in the collector');
  assert.equal(after.memLimitBytes, 256 * MiB);
});

test('restart an unhealthy container: proposed, revalidated, restarted', async () => {
  const name = cleanup.container(uniqueName('unhealthy'));
  docker('run', '-d', '--name', name, '--health-cmd', 'exit 1', '--health-interval', '1s', '--health-retries', '1', TEST_IMAGE, ...idleCommand());
  const id = idOf(name);
  await seen(name, (c) => c.health === 'unhealthy', 'the failing health check');
  const startedBefore = inspectField(name, '.State.StartedAt');
  const [p] = await proposalsFor(provider, planInput(monitor, settings), 'container.restart', id);
  assert.ok(p, 'a restart proposal for the unhealthy container');
  assert.equal(p.command, `docker restart -t ${settings.remedies.graceSeconds} ${name}`);
  assert.match(p.reason, /health check fails/);
  assert.equal(await provider.revalidate(p.targets[0], p), null);
  const r = await provider.apply(p.targets[0], p);
  assert.equal(r.outcome, 'done', r.detail);
  assert.notEqual(inspectField(name, '.State.StartedAt'), startedBefore);
  assert.equal(inspectField(name, '.State.Status'), 'running');
});

test('stop a container in a restart loop: the loop ends; undo info says how to start it again', async () => {
  const name = cleanup.container(uniqueName('loop'));
  docker('run', '-d', '--name', name, '--restart', 'always', TEST_IMAGE, 'sh', '-c', 'exit 1');
  const id = idOf(name);
  await seen(name, (c) => c.recentRestarts >= settings.alerts.restartLoopCount && (c.state === 'restarting' || c.state === 'running'), 'the restart loop');
  const alert: Alert = {
    id: `container.restart-loop:${name}`, rule: 'container.restart-loop', severity: 'warning', state: 'firing', title: 't', detail: '',
    culprit: name, since: Date.now(), resolvedAt: null, fixIds: [],
  };
  const drafts = await provider.propose(planInput(monitor, settings, [alert]));
  const draft = drafts.find((d) => d.kind === 'container.stop' && d.targets.some((t) => t.kind === 'container' && t.id === id));
  assert.deepEqual(draft?.addresses, [alert.id], 'the stop fix addresses the restart-loop alert about this container');
  const p = issue(draft!);
  assert.ok(p, 'a stop proposal for the looping container');
  assert.match(p.title, /restarting in a loop/);
  assert.equal(p.undoable, true);
  const r = await provider.apply(p.targets[0], p);
  assert.equal(r.outcome, 'done', r.detail);
  const count = Number(inspectField(name, '.RestartCount'));
  await new Promise((res) => setTimeout(res, 1500));
  assert.equal(inspectField(name, '.State.Status'), 'exited');
  assert.equal(Number(inspectField(name, '.RestartCount')), count, 'the restart policy no longer restarts it');
  assert.deepEqual(await provider.undoInfo!(p.targets[0], p), { action: 'start', containerId: id, containerName: name, undoCommand: `docker start ${name}` });
});

test('a target that is gone or changed is refused before acting', async () => {
  const name = cleanup.container(uniqueName('gone'));
  docker('run', '-d', '--name', name, TEST_IMAGE, ...idleCommand());
  const id = idOf(name);
  const restart = issue({
    kind: 'container.restart', title: 't', targets: [{ kind: 'container', id, name }], expectedBytes: 0, risk: 'medium',
    destructive: false, undoable: false, command: '', reason: '', addresses: [], params: { timeoutSeconds: 0 },
  });
  assert.equal(await provider.revalidate(restart.targets[0], restart), null);
  docker('stop', '-t', '0', name);
  assert.match((await provider.revalidate(restart.targets[0], restart)) ?? '', /is exited now, not running/);
  docker('rm', '-f', name);
  assert.match((await provider.revalidate(restart.targets[0], restart)) ?? '', /no longer exists/);
  // Acting anyway (a framework bug) never throws: the engine's answer comes back as the result.
  const r = await provider.apply(restart.targets[0], restart);
  assert.equal(r.outcome, 'failed');
  assert.match(r.detail, /No such container/i);
});

test('nothing is proposed while Docker is not ok', async () => {
  const input = planInput(monitor, settings);
  input.snapshot.docker = { status: 'not-running', message: 'x', disk: null };
  assert.deepEqual(await provider.propose(input), []);
});
