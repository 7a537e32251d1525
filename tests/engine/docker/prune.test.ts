/**
 * Disk waste and the prune fixes against the real engine. A dangling image,
 * an anonymous volume, a named volume, BuildKit cache and a stopped container
 * are created here; the prune proposals list them with their bytes, applying
 * them removes exactly those objects, and the named volume is left alone until
 * its own explicit proposal is applied.
 *
 * It runs on a private dockerd (tests/helpers/private-dockerd.ts): the prune
 * proposals list every dangling image and unused volume of the engine, and on
 * the system daemon those are the user's. Even there, only this test's own
 * objects are ever acted on.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FixProposal, FixTarget } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { createDockerMonitor, type DockerMonitor } from '../../../src/main/engine/collectors/docker/index.ts';
import { createContainerFixProvider } from '../../../src/main/engine/remedies/container-fixes.ts';
import type { FixProvider, ProposalDraft } from '../../../src/main/engine/remedies/provider.ts';
import { PRIVATE_IMAGE as TEST_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../../helpers/private-dockerd.ts';
import { Cleanup, dockerOn, idleCommand, uniqueName } from './engine-helper.ts';
import { issue, planInput } from './plan-helper.ts';

const settings: Settings = structuredClone(DEFAULT_SETTINGS);
let dockerd: PrivateDockerd | null = null;
let cleanup: Cleanup;
let monitor: DockerMonitor;
let provider: FixProvider;
let work: string;
const docker = (...args: string[]): string => dockerOn(dockerd!.host, args);
const dockerWithInput = (args: string[], input: Buffer | string, env: Record<string, string> = {}): string => dockerOn(dockerd!.host, args, input, env);

/** A one-file tar archive (ustar), for `docker import`: an image of exactly known content. */
function tarOf(fileName: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512, 0);
  header.write(fileName, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii');
  header.write('0000000\0', 108, 8, 'ascii');
  header.write('0000000\0', 116, 8, 'ascii');
  header.write(content.length.toString(8).padStart(11, '0') + '\0', 124, 12, 'ascii');
  header.write(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0') + '\0', 136, 12, 'ascii');
  header.write('        ', 148, 8, 'ascii');
  header.write('0', 156, 1, 'ascii');
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, pad, Buffer.alloc(1024, 0)]);
}

/** Imports `bytes` of random data under `tag`, then re-imports the tag so the first image is left dangling. Returns its id. */
function makeDanglingImage(bytes: number): string {
  const tag = cleanup.image(`${uniqueName('dangle')}:1`);
  const first = dockerWithInput(['import', '-', tag], tarOf('blob', randomBytes(bytes)));
  dockerWithInput(['import', '-', tag], tarOf('blob', randomBytes(100)));
  return cleanup.image(first);
}

/** An anonymous volume holding `bytes`: mounted by a container that is then removed (without -v). */
function makeAnonymousVolume(bytes: number): string {
  const name = uniqueName('anon');
  docker('run', '--name', name, '-v', '/data', TEST_IMAGE, 'sh', '-c', `head -c ${bytes} /dev/urandom > /data/f`);
  const volume = docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', name);
  docker('rm', name);
  return cleanup.volume(volume);
}

const targetIds = (p: { targets: FixTarget[] }): string[] => p.targets.map((t) => (t.kind === 'process' ? String(t.pid) : t.id));
const objectTarget = (p: { targets: FixTarget[] }, id: string) => p.targets.find((t) => t.kind === 'docker-object' && t.id === id) as (FixTarget & { kind: 'docker-object' }) | undefined;
const exists = (...args: string[]): boolean => {
  try {
    docker(...args);
    return true;
  } catch {
    return false;
  }
};

async function proposals(): Promise<Map<string, FixProposal & { params?: Record<string, unknown> }>> {
  await monitor.refreshContainers();
  await monitor.refreshDisk();
  const drafts: ProposalDraft[] = await provider.propose(planInput(monitor, settings));
  return new Map(drafts.map((d) => [d.kind, issue(d)]));
}

/** What the framework does for each target: revalidate, then apply. Only for the ids given. */
async function applyTo(p: FixProposal & { params?: Record<string, unknown> }, ids: string[]) {
  const out = [];
  for (const id of ids) {
    const t = objectTarget(p, id);
    assert.ok(t, `${id} is a target of ${p.kind}`);
    const why = await provider.revalidate(t, p);
    assert.equal(why, null, `revalidate ${id}: ${why}`);
    out.push(await provider.apply(t, p));
  }
  return out;
}

let image: string;
let anonVolume: string;
let namedVolume: string;
let stopped: string;
let stoppedId: string;
let buildRecords: string[];

before(async () => {
  dockerd = await startPrivateDockerd(`prune-${process.pid}`);
  settings.docker.host = dockerd.host;
  cleanup = new Cleanup(dockerd.host);
  monitor = createDockerMonitor({ settings, log: () => {} });
  provider = createContainerFixProvider({ monitor });
  work = mkdtempSync(join(tmpdir(), 'hr-prune-'));

  image = makeDanglingImage(300_000);
  anonVolume = makeAnonymousVolume(200_000);
  namedVolume = cleanup.volume(uniqueName('named'));
  docker('volume', 'create', namedVolume);
  docker('run', '--rm', '-v', `${namedVolume}:/data`, TEST_IMAGE, 'sh', '-c', 'head -c 50000 /dev/urandom > /data/f');
  stopped = cleanup.container(uniqueName('stopped'));
  stoppedId = docker('create', '--name', stopped, TEST_IMAGE, 'true');

  // BuildKit cache: build an image, then remove it so its cache is no longer shared with an image.
  const ctx = join(work, 'build');
  mkdirSync(ctx);
  writeFileSync(join(ctx, 'Dockerfile'), `FROM ${TEST_IMAGE}\nRUN head -c 400000 /dev/urandom > /blob-${randomBytes(6).toString('hex')}\n`);
  const builtTag = cleanup.image(`${uniqueName('built')}:1`);
  const client = (await monitor.connect())!;
  const beforeIds = new Set(((await client.systemDf()).BuildCache ?? []).map((b) => b.ID));
  dockerWithInput(['build', '-q', '-t', builtTag, ctx], '', { DOCKER_BUILDKIT: '1' });
  docker('image', 'rm', builtTag);
  const df = await client.systemDf();
  buildRecords = (df.BuildCache ?? []).filter((b) => !beforeIds.has(b.ID) && !b.InUse && !b.Shared && b.Size > 0).map((b) => b.ID);
  assert.ok(buildRecords.length > 0, `the build left reclaimable cache: ${JSON.stringify(df.BuildCache)}`);
});

after(async () => {
  // The private daemon goes with everything on it (build cache included).
  await monitor?.stop();
  await dockerd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('disk waste: each kind measured, named volumes apart from anonymous ones', async () => {
  const inv = await monitor.refreshDisk();
  assert.ok(inv);
  assert.deepEqual(inv.danglingImages.find((o) => o.id === image), { id: image, name: image.slice(7, 19), bytes: 300_000 });
  assert.deepEqual(inv.anonymousVolumes.find((o) => o.id === anonVolume), { id: anonVolume, name: anonVolume, bytes: 200_000 });
  assert.deepEqual(inv.namedUnusedVolumes.find((o) => o.id === namedVolume), { id: namedVolume, name: namedVolume, bytes: 50_000 });
  assert.equal(inv.anonymousVolumes.some((o) => o.id === namedVolume), false);
  assert.ok(inv.stoppedContainers.some((o) => o.id === stoppedId && o.name === stopped));
  for (const id of buildRecords) assert.ok(inv.buildCache.some((o) => o.id === id), `build record ${id}`);
  const state = monitor.state();
  assert.equal(state.status, 'ok');
  assert.ok(state.disk && state.disk.namedUnusedVolumes.names.includes(namedVolume));
  assert.ok(state.disk.danglingImages.reclaimableBytes >= 300_000);
});

test('prune proposals show the exact objects and bytes; applying removes exactly them; the named volume stays', async () => {
  const ps = await proposals();
  const images = ps.get('docker.prune-dangling-images');
  const anon = ps.get('docker.prune-anonymous-volumes');
  const cache = ps.get('docker.prune-build-cache');
  const containers = ps.get('docker.prune-stopped-containers');
  const named = ps.get('docker.remove-named-volumes');
  assert.ok(images && anon && cache && containers && named, `proposals: ${[...ps.keys()].join(', ')}`);

  // Before acting: the objects with their bytes, and a command that names them.
  assert.deepEqual(objectTarget(images, image), { kind: 'docker-object', objectType: 'image', id: image, name: image.slice(7, 19), bytes: 300_000 });
  assert.ok(images.expectedBytes >= 300_000);
  assert.match(images.command, new RegExp(`^docker image rm .*${image.slice(7, 19)}`));
  assert.deepEqual(objectTarget(anon, anonVolume), { kind: 'docker-object', objectType: 'volume', id: anonVolume, name: anonVolume, bytes: 200_000 });
  assert.match(anon.command, new RegExp(`^docker volume rm .*${anonVolume}`));
  assert.equal(targetIds(anon).includes(namedVolume), false, 'a named volume is never in the anonymous prune');
  for (const id of buildRecords) assert.ok(objectTarget(cache, id), `build record ${id} listed`);
  assert.match(cache.command, /^docker builder prune --force --all --filter id=\S+( && docker builder prune --force --all --filter id=\S+)*$/);
  assert.ok(objectTarget(containers, stoppedId));

  // Named volumes: their own proposal, high risk, naming them.
  assert.equal(named.risk, 'high');
  assert.ok(objectTarget(named, namedVolume));
  assert.ok(named.title.includes(namedVolume));
  for (const p of ps.values()) if (p.kind !== 'docker.remove-named-volumes') assert.equal(targetIds(p).includes(namedVolume), false, `${p.kind} must not include a named volume`);

  const volumesBefore = docker('volume', 'ls', '-q').split('\n').filter(Boolean);
  const imagesBefore = docker('images', '-aq', '--no-trunc').split('\n').filter(Boolean);

  const results = [
    ...(await applyTo(images, [image])),
    ...(await applyTo(anon, [anonVolume])),
    ...(await applyTo(cache, buildRecords)),
    ...(await applyTo(containers, [stoppedId])),
  ];
  for (const r of results) assert.equal(r.outcome, 'done', r.detail);
  assert.match(results[0].detail, /removed image .* \(293 KB\)/);

  // Exactly those objects are gone…
  assert.equal(exists('image', 'inspect', image), false);
  assert.equal(exists('volume', 'inspect', anonVolume), false);
  assert.equal(exists('container', 'inspect', stoppedId), false);
  const df = await (await monitor.connect())!.systemDf();
  for (const id of buildRecords) assert.equal((df.BuildCache ?? []).some((b) => b.ID === id), false, `build record ${id} removed`);
  // …and nothing else: every other volume and image is still there, the named volume included.
  assert.equal(exists('volume', 'inspect', namedVolume), true);
  assert.deepEqual(docker('volume', 'ls', '-q').split('\n').filter(Boolean).sort(), volumesBefore.filter((v) => v !== anonVolume).sort());
  assert.deepEqual(docker('images', '-aq', '--no-trunc').split('\n').filter(Boolean).sort(), imagesBefore.filter((i) => i !== image).sort());

  // The named volume goes only through its own proposal.
  const [removed] = await applyTo(named, [namedVolume]);
  assert.equal(removed.outcome, 'done', removed.detail);
  assert.equal(exists('volume', 'inspect', namedVolume), false);
});

test('revalidation refuses objects that changed since the proposal', async () => {
  const retagged = makeDanglingImage(20_000);
  const reused = makeAnonymousVolume(1000);
  const ps = await proposals();
  const images = ps.get('docker.prune-dangling-images')!;
  const anon = ps.get('docker.prune-anonymous-volumes')!;

  docker('tag', retagged, cleanup.image(`${uniqueName('retag')}:1`));
  assert.match((await provider.revalidate(objectTarget(images, retagged)!, images)) ?? '', /is tagged .* now, no longer dangling/);

  const user = cleanup.container(uniqueName('user'));
  docker('run', '-d', '--name', user, '-v', `${reused}:/data`, TEST_IMAGE, ...idleCommand());
  assert.match((await provider.revalidate(objectTarget(anon, reused)!, anon)) ?? '', new RegExp(`is used by container ${user} now`));

  // A named volume smuggled into the anonymous prune is refused, whatever the proposal says.
  const named = cleanup.volume(uniqueName('smuggled'));
  docker('volume', 'create', named);
  const smuggled = { kind: 'docker-object', objectType: 'volume', id: named, name: named, bytes: 0 } as const;
  assert.match((await provider.revalidate(smuggled, anon)) ?? '', /named volume: only its own, explicit proposal removes it/);
  assert.equal(exists('volume', 'inspect', named), true);

  // An image used by a container is refused by the engine itself if acted on anyway: a clear failure.
  const usedImage = makeDanglingImage(10_000);
  const runner = cleanup.container(uniqueName('runner'));
  docker('create', '--name', runner, usedImage, 'x');
  const forced = issue({ ...images, targets: [{ kind: 'docker-object', objectType: 'image', id: usedImage, name: usedImage.slice(7, 19), bytes: 0 }], addresses: [] });
  assert.match((await provider.revalidate(forced.targets[0], forced)) ?? '', /is used by container/);
  const r = await provider.apply(forced.targets[0], forced);
  assert.equal(r.outcome, 'failed');
  assert.match(r.detail, /Docker refused \(conflict\): .*being used by/);
});
