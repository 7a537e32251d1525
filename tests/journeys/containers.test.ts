/**
 * Containers journey (user reports 000 and 004: Docker stacks that fill
 * memory and disk, a service that keeps restarting), recreated for real on a
 * private dockerd (tests/helpers/private-dockerd.ts) — the prune this journey
 * runs must never reach the system daemon, whose images are the user's:
 *
 * - an unbounded container leaking: busybox writing 2 MB a second to
 *   /dev/shm, which counts against its cgroup, with no memory limit;
 * - a restart loop: `--restart always sh -c 'sleep 1; exit 1'`, ten restarts
 *   and more (Docker's backoff doubles, so ~2 minutes) — issue 13 #2;
 * - dangling images and build cache made by a real BuildKit `docker build`.
 *
 * `headroom serve` watches only that daemon (settings.docker.host). Each alert
 * is checked on the API, the notification, the tray's view model and the page;
 * the docker.disk alert's prune fix is invoked from its notification through
 * dunst, and the pruned objects, audit entry and result notification are
 * checked. Then the report (restart counts and the leak as the API showed
 * them, issue 13 #6) and the leak's end (issue 13 #5).
 *
 * Shortened through settings: intervals.systemMs 1000, processesMs 2000,
 * dockerStatsMs 1000, dockerDiskMs 10000; alerts.sustainSeconds 0,
 * restartLoopCount 10, unboundedContainerBytes 64 MB, dockerReclaimableBytes
 * 1 MB, leakHorizonSeconds 30 d; detector minSpanSeconds 15, minSamples 10,
 * maxWindowSeconds 600, slowSpanSeconds 300. Alerts about the rest of the
 * machine are set out of reach (zombies, orphans, instance counts), so this
 * session's notifications are the journey's.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, FixProposal, LeakTrend } from '../../src/shared/model.ts';
import { runCli } from '../helpers/cli.ts';
import { PRIVATE_IMAGE, startPrivateDockerd, type PrivateDockerd } from '../helpers/private-dockerd.ts';
import { openPage, type JourneyPage } from './harness/browser.ts';
import { startDesktop, type Desktop } from './harness/desktop.ts';
import { fixesOf, startEngine, trayAlertItem, waitForApi, type JourneyEngine } from './harness/engine.ts';
import { runTag } from './harness/fixtures.ts';
import { checkReport } from './harness/report.ts';
import { checkAllSurfaces, waitUntilGrowthStopped, type Surfaces } from './harness/surfaces.ts';
import { waitFor } from './harness/wait.ts';

const TAG = runTag();
const LEAKY = `hrj-${TAG}-shm`;
const LOOPY = `hrj-${TAG}-loop`;
const APP = `hrj-${TAG}/app`;
const RESTARTS = 10;

const SETTINGS = {
  intervals: { systemMs: 1000, processesMs: 2000, dockerStatsMs: 1000, dockerDiskMs: 10_000, pressureFactor: 1 },
  alerts: {
    sustainSeconds: 0,
    restartLoopCount: RESTARTS,
    restartLoopWindowSeconds: 600,
    unboundedContainerBytes: 64 * 1024 ** 2,
    dockerReclaimableBytes: 1_000_000,
    leakHorizonSeconds: 30 * 86400,
    zombieSeconds: 86400,
    orphanAlerts: false,
    defaultMaxInstances: 10_000,
  },
  detector: { minSpanSeconds: 15, slowSpanSeconds: 300, maxWindowSeconds: 600, minSamples: 10 },
};

let desktop: Desktop | null = null;
let dockerd: PrivateDockerd | null = null;
let engine: JourneyEngine | null = null;
let page: JourneyPage | null = null;
let work = '';
let startedAt = 0;
const shown: { trends: LeakTrend[]; alerts: Alert[]; fixes: FixProposal[] } = { trends: [], alerts: [], fixes: [] };
const s = (): Surfaces => ({ desktop: desktop!, engine: engine!, page: page! });

/** A real BuildKit build of a small image, twice under one tag: the first becomes a dangling image, both leave build cache. */
function buildTwice(d: PrivateDockerd): void {
  for (let i = 0; i < 2; i++) {
    const ctx = join(work, `build-${i}`);
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), `FROM ${PRIVATE_IMAGE}\nRUN head -c 3000000 /dev/urandom > /blob-${randomBytes(6).toString('hex')}\n`);
    d.dockerInput(['build', '-q', '-t', `${APP}:1`, ctx], '', { DOCKER_BUILDKIT: '1' });
  }
}

before(async () => {
  startedAt = Date.now();
  work = mkdtempSync(join(tmpdir(), 'headroom-journey-containers-'));
  desktop = await startDesktop();
  dockerd = await startPrivateDockerd(`journey-containers-${process.pid}`);
  // First, as its backoff is the slowest part of the journey.
  await dockerd.docker('run', '-d', '--name', LOOPY, '--restart', 'always', PRIVATE_IMAGE, 'sh', '-c', 'sleep 1; exit 1');
  await dockerd.docker('run', '-d', '--name', LEAKY, '--shm-size', '2g', PRIVATE_IMAGE, 'sh', '-c', 'i=0; while [ ! -e /tmp/stop ]; do dd if=/dev/zero of=/dev/shm/f$i bs=1M count=2 2>/dev/null; i=$((i+1)); sleep 1; done; exec sleep 3600');
  buildTwice(dockerd);
  engine = await startEngine({ ...SETTINGS, docker: { enabled: true, host: dockerd.host, statsConcurrency: 4 } }, { env: desktop.env, docker: true });
  page = await openPage(engine.url);
});

after(async () => {
  for (const stop of [() => page?.close(), () => engine?.stop(), () => dockerd?.stop(), () => desktop?.stop(), () => work && rmSync(work, { recursive: true, force: true })]) {
    try {
      await stop();
    } catch (err) {
      console.error(`containers journey teardown: ${(err as Error).message}`);
    }
  }
});

test('containers journey — issue 13 #1, #2: disk waste, an unbounded leak and a restart loop reach every surface; the prune runs from its notification', { timeout: 180_000 }, async (t) => {
  const e = engine!;
  const api = e.api;

  await t.test('docker.disk: reclaimable bytes on every surface, and its prune fix run from the notification', async () => {
    const settings = await api.invoke('settings:get', undefined);
    assert.equal(settings.docker.host, dockerd!.host, 'the engine watches the private dockerd only');
    const da = await e.waitForAlert('the docker.disk alert', (a) => a.id === 'docker.disk', 60_000);
    const snap = await api.invoke('snapshot:get', undefined);
    const disk = snap?.docker.status === 'ok' ? snap.docker.disk : null;
    assert.ok(disk && disk.danglingImages.count >= 1 && disk.danglingImages.reclaimableBytes > 0, `a dangling image with reclaimable bytes: ${JSON.stringify(disk)}`);
    assert.ok(disk.buildCache.count >= 1, `build cache records: ${JSON.stringify(disk.buildCache)}`);
    assert.match(da.title, /of disk reclaimable/);
    const [fix] = await fixesOf(api, da);
    assert.ok(fix && fix.kind.startsWith('docker.prune'), `the docker.disk alert offers a prune fix first: ${JSON.stringify(da.fixIds)}`);
    assert.ok(fix.targets.every((x) => x.kind === 'docker-object'), 'the prune touches Docker objects only');
    const note = await checkAllSurfaces(s(), { alert: da, fix, titleHas: ['Docker', 'reclaimable'] });

    const before = desktop!.notifications().length;
    await desktop!.invokeAction(note.actions[1]);
    const ids = fix.targets.flatMap((x) => (x.kind === 'docker-object' ? [x.id] : []));
    const present = async (): Promise<string[]> => {
      const images = (await dockerd!.docker('images', '-aq', '--no-trunc')).split('\n');
      const cache = (await dockerd!.docker('buildx', 'du', '--verbose').catch(() => '')).split('\n');
      return ids.filter((id) => images.some((l) => l && (l === id || id.startsWith(l) || l.endsWith(id))) || cache.some((l) => l.includes(id)));
    };
    let left: string[] = [];
    await waitFor('the pruned objects to be gone from the private dockerd', async () => (left = await present()).length === 0, 60_000, () => `still there: ${left.join(', ')}`, 1000);
    const result = await desktop!.waitForNotification('the prune result notification', (n, i) => i >= before && n.body === note.actions[1], 30_000);
    assert.ok(!result.summary.startsWith('Could not'), `the prune worked: ${JSON.stringify(result)}`);
    const entry = (await api.invoke('audit:list', { limit: 20 })).find((a) => a.fixId === fix.id && !a.dryRun);
    assert.ok(entry?.ok, `the audit log has the prune: ${JSON.stringify(entry)}`);
    const cli = await runCli(['log', '--json'], e.home);
    assert.ok((JSON.parse(cli.stdout) as { fixId: string }[]).some((x) => x.fixId === fix.id), '`headroom log --json` lists it');
  });

  await t.test('the unbounded container leaking: leak alert and fix on every surface', async () => {
    const la = await e.waitForAlert(`the leak alert of ${LEAKY}`, (a) => a.id === `leak:container.${LEAKY}.mem`, 120_000);
    assert.equal(la.culprit, LEAKY);
    assert.match(la.title, /no limit/);
    const [fix] = await fixesOf(api, la);
    assert.ok(fix, `the leak alert offers a fix: ${JSON.stringify(la)}`);
    await checkAllSurfaces(s(), { alert: la, fix, titleHas: [LEAKY, '/h'] });
  });

  await t.test(`issue 13 #2: a restart loop of ≥ ${RESTARTS} restarts alerts, on every surface`, async () => {
    const ra = await e.waitForAlert(`the restart-loop alert of ${LOOPY}`, (a) => a.id === `container.restart-loop:${LOOPY}`, 170_000);
    const c = (await api.invoke('snapshot:get', undefined))?.containers.find((x) => x.name === LOOPY);
    assert.ok(c && c.recentRestarts >= RESTARTS, `${LOOPY} restarted ≥ ${RESTARTS} times: ${JSON.stringify(c)}`);
    assert.equal(ra.severity, 'critical');
    const [fix] = await fixesOf(api, ra);
    assert.ok(fix, `the restart-loop alert offers a fix: ${JSON.stringify(ra)}`);
    await checkAllSurfaces(s(), { alert: ra, fix, titleHas: [LOOPY, 'restarting in a loop'] });
    // Frozen for the report: stopped, its restart count stops moving.
    await dockerd!.docker('update', '--restart', 'no', LOOPY);
    await dockerd!.docker('stop', '--time', '1', LOOPY);
    shown.trends = await api.invoke('trends:list', undefined);
    shown.alerts = await api.invoke('alerts:list', undefined);
    shown.fixes = await api.invoke('fixes:list', undefined);
  });
});

test('containers journey — issue 13 #6: the report gives the restart counts and the leak the API showed', { timeout: 120_000 }, async () => {
  assert.ok(shown.trends.length > 0, 'the containers journey ran first');
  const api = engine!.api;
  const loop = await waitForApi(`${LOOPY} to stay down`, () => api.invoke('snapshot:get', undefined), (snap) => snap?.containers.find((c) => c.name === LOOPY)?.state !== 'restarting', 60_000);
  const restarts = loop?.containers.find((c) => c.name === LOOPY)?.restartCount ?? -1;
  await checkReport({ engine: engine!, sinceMs: startedAt, shown, culprits: [LEAKY, LOOPY], leakSeries: [`container.${LEAKY}.mem`], restartCounts: { [LOOPY]: restarts } });
});

test('containers journey — issue 13 #5: once the container stops growing, no surface counts down to its limit', { timeout: 120_000 }, async () => {
  // It was counting down: the leak alert fires with a time to exhaustion.
  await engine!.waitForAlert('the leak alert, before growth stops', (x) => x.id === `leak:container.${LEAKY}.mem`, 10_000);
  await dockerd!.docker('exec', LEAKY, 'touch', '/tmp/stop');
  await waitUntilGrowthStopped(s(), `container.${LEAKY}.mem`, 90_000);
});
