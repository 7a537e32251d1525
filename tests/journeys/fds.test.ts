/**
 * Open-files journey (user report 002: "File Descriptors: 53,888", counted by
 * hand before and after): an agent-like process, `claude-hrj-<tag>`, opens a
 * file every second and keeps it open. Headroom must call it a trend on
 * `process.group.<name>.fds` and name it — on the API, in the notification
 * (with its fix as the action), the tray's view model and the page — and
 * invoking the fix from the notification must stop exactly that process.
 *
 * Shortened through settings: intervals.systemMs 1000, processesMs 1000,
 * fdsMs 1000; alerts.sustainSeconds 0, leakHorizonSeconds 30 d; detector
 * minSpanSeconds 15, minSamples 10, maxWindowSeconds 600, slowSpanSeconds
 * 300. Docker is off (`--no-docker`) and alerts about the rest of the machine
 * are set out of reach (zombies, orphans, instance counts).
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { isAlive } from '../helpers/procs.ts';
import { openPage, type JourneyPage } from './harness/browser.ts';
import { startDesktop, type Desktop } from './harness/desktop.ts';
import { fixesOf, startEngine, type JourneyEngine } from './harness/engine.ts';
import { JourneyProcesses, runTag } from './harness/fixtures.ts';
import { checkAllSurfaces, type Surfaces } from './harness/surfaces.ts';
import { waitFor } from './harness/wait.ts';

const NAME = `claude-hrj-${runTag()}`;
const SERIES = `process.group.${NAME}.fds`;

const SETTINGS = {
  intervals: { systemMs: 1000, processesMs: 1000, fdsMs: 1000, pressureFactor: 1 },
  alerts: { sustainSeconds: 0, leakHorizonSeconds: 30 * 86400, zombieSeconds: 86400, orphanAlerts: false, defaultMaxInstances: 10_000 },
  detector: { minSpanSeconds: 15, slowSpanSeconds: 300, maxWindowSeconds: 600, minSamples: 10 },
  groups: { rules: [{ name: NAME, kind: 'agent', exe: [NAME] }], topN: 15 },
};

const procs = new JourneyProcesses();
let desktop: Desktop | null = null;
let engine: JourneyEngine | null = null;
let page: JourneyPage | null = null;
let pid = 0;

before(async () => {
  desktop = await startDesktop();
  // 48 MB held: the analyzer watches open files of applications from 32 MB.
  pid = await procs.spawnFdLeaker(NAME, 48);
  engine = await startEngine(SETTINGS, { env: desktop.env, docker: false });
  page = await openPage(engine.url);
});

after(async () => {
  for (const stop of [() => page?.close(), () => engine?.stop(), () => procs.cleanup(), () => desktop?.stop()]) {
    try {
      await stop();
    } catch (err) {
      console.error(`fds journey teardown: ${(err as Error).message}`);
    }
  }
});

test('fds journey: a process piling up open files is an fd-trend alert naming it, on every surface, and its notification stops it', { timeout: 180_000 }, async () => {
  const e = engine!;
  const s: Surfaces = { desktop: desktop!, engine: e, page: page! };
  const alert = await e.waitForAlert(`the open-files trend alert of ${NAME}`, (a) => a.id === `leak:${SERIES}`, 240_000); // ~90–110 s alone; under the full suite the fd pass and detector run late
  assert.equal(alert.culprit, NAME);
  assert.match(alert.title, /\d fds, \+[\d,]+ fds\/h/, 'the title gives the count and its growth');
  const trend = (await e.api.invoke('trends:list', undefined)).find((t) => t.series === SERIES);
  // One file a second is 3,600 an hour.
  assert.ok(trend?.leaking && trend.slopePerHour > 1800 && trend.slopePerHour < 7200, `the detector calls ${SERIES} a rising trend: ${JSON.stringify(trend)}`);

  const [fix] = await fixesOf(e.api, alert);
  assert.ok(fix, `the alert offers a fix: ${JSON.stringify(alert)}`);
  // Only ever a fix whose every target this test started.
  assert.deepEqual(
    fix.targets.map((t) => (t.kind === 'process' && procs.ours(t.pid, t.startTime) ? t.pid : `not ours: ${JSON.stringify(t)}`)),
    [pid],
  );
  const note = await checkAllSurfaces(s, { alert, fix, titleHas: [NAME] });

  const before = desktop!.notifications().length;
  await desktop!.invokeAction(note.actions[1]);
  await waitFor(`${NAME} (PID ${pid}) to be stopped`, () => !isAlive(pid), 60_000, () => e.output().slice(-1500));
  const result = await desktop!.waitForNotification('the fix result notification', (n, i) => i >= before && n.body === note.actions[1], 30_000);
  assert.ok(!result.summary.startsWith('Could not'), `the fix worked: ${JSON.stringify(result)}`);
  const entry = (await e.api.invoke('audit:list', { limit: 20 })).find((a) => a.fixId === fix.id && !a.dryRun);
  assert.ok(entry?.ok, `the audit log has the run: ${JSON.stringify(entry)}`);
});
