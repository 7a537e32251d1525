/**
 * Following a remote box over real SSH (issue 18): a private OpenSSH server on
 * 127.0.0.1 stands for the box, and a second Headroom engine runs behind it as
 * its own user, on its own data directory (support/box.ts). The laptop side is
 * this process: the connection manager (remote/manager.ts) running the real
 * `ssh` with the box's ssh config, and the real CLI entry.
 *
 * The box runs a swarm of processes over a per-run group maximum, so its
 * engine raises an alert with a fix; the tests follow that alert to the
 * laptop's surfaces, run the fix from the laptop, then restart sshd and
 * change its host key.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../src/cli.ts';
import type { MachineStatus } from '../../../src/shared/machines.ts';
import type { Alert, FixProposal } from '../../../src/shared/model.ts';
import type { HeadroomNotification, NotificationEvents, Notifier } from '../../../src/main/engine/notify/notifier.ts';
import { attachRemoteNotifications } from '../../../src/main/engine/notify/remote.ts';
import { RemoteMachines } from '../../../src/main/engine/remote/manager.ts';
import type { TrayMenuItem } from '../../../src/main/engine/tray/menu.ts';
import { computeTrayView } from '../../../src/main/engine/tray/view.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { repoRoot, tempHome } from '../../helpers/cli.ts';
import { openPage, type JourneyPage } from '../../journeys/harness/browser.ts';
import { startEngine, waitForApi } from '../../journeys/harness/engine.ts';
import WebSocket from 'ws';
import { createWsApi, socketUrlFor, type SocketClass } from '../../../src/renderer/transport/ws.ts';
import { isAlive, waitUntil } from '../../helpers/procs.ts';
import { boxUnavailable, TestBox } from './support/box.ts';

const skip = boxUnavailable();
const tag = randomBytes(3).toString('hex');
const GROUP = `claude-${tag}`;
const seconds = Number(`600.${randomInt(100, 999)}1`);
const MACHINE = 'dev-box';

/** The tray's view with nothing happening on the laptop itself, so whatever it shows comes from the box. */
function trayView(machines: RemoteMachines) {
  return computeTrayView({ snapshot: null, alerts: [], trends: [], fixes: [], settings: DEFAULT_SETTINGS, autostart: null, now: Date.now(), machines: machines.views() }, 'linux');
}
const items = (menu: TrayMenuItem[]) => menu.filter((i): i is Extract<TrayMenuItem, { type: 'item' | 'status' }> => i.type === 'item' || i.type === 'status');

/** A notifier that keeps what it was given (the real platforms are tested in notify/daemon.test.ts). */
class RecordingNotifier implements Notifier {
  readonly name = 'recording';
  readonly shown: { n: HeadroomNotification; events?: NotificationEvents }[] = [];
  async notify(n: HeadroomNotification, events?: NotificationEvents): Promise<void> {
    this.shown.push({ n, events });
  }
}

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

describe('following a remote box over SSH', { skip: skip ?? false }, () => {
  const box = new TestBox();
  const laptop = tempHome('hr-laptop-');
  let machines: RemoteMachines;
  const notifier = new RecordingNotifier();
  let stopNotify = () => {};
  let swarm: number[] = [];
  const statuses: MachineStatus[] = [];
  const saved = { home: process.env.HEADROOM_HOME, ssh: process.env.HEADROOM_SSH_CONFIG };

  const status = () => machines.view(MACHINE)?.status as MachineStatus;
  const firing = (): Alert | undefined => machines.view(MACHINE)?.alerts.find((a) => a.id === `instances:${GROUP}` && a.state === 'firing');
  const fixFor = (a: Alert): FixProposal | undefined => machines.view(MACHINE)?.fixes.find((f) => a.fixIds.includes(f.id));

  before(async () => {
    await box.setup();
    await box.startEngine({
      version: 1,
      intervals: { systemMs: 500, processesMs: 500, fdsMs: 5000 },
      groups: { rules: [{ name: GROUP, kind: 'agent', cmdline: `^claude ${String(seconds).replace('.', '\\.')}$` }] },
      alerts: { sustainSeconds: 0, maxInstances: { [GROUP]: 3 } },
      remedies: { keepInstances: 2, keepPolicy: 'newest', graceSeconds: 1 },
      docker: { enabled: false },
    });
    swarm = await box.spawnAs('claude', 6, seconds);
    // The laptop: its settings name the box; its ssh config is the box's (port, key, known_hosts).
    writeFileSync(join(laptop, 'settings.json'), JSON.stringify({ version: 1, machines: [{ name: MACHINE, destination: box.host }] }));
    process.env.HEADROOM_HOME = laptop;
    process.env.HEADROOM_SSH_CONFIG = box.sshConfig;
    machines = new RemoteMachines({ dataDir: laptop, backoff: { firstMs: 100, maxMs: 1000, stuckMs: 1000, jitter: 0 } });
    machines.on('change', (name) => {
      const s = machines.view(name)?.status;
      if (s && statuses.at(-1)?.state !== s.state) statuses.push(s);
    });
    stopNotify = attachRemoteNotifications(machines, notifier, { settings: () => DEFAULT_SETTINGS, log: () => {} });
    await machines.update([{ name: MACHINE, destination: box.host }]);
  });

  after(async () => {
    stopNotify();
    await machines?.close();
    await box.dispose();
    rmSync(laptop, { recursive: true, force: true });
    if (saved.home === undefined) delete process.env.HEADROOM_HOME;
    else process.env.HEADROOM_HOME = saved.home;
    if (saved.ssh === undefined) delete process.env.HEADROOM_SSH_CONFIG;
    else process.env.HEADROOM_SSH_CONFIG = saved.ssh;
  });

  it("the box engine's alert and fix arrive through SSH, pushed, with the box's engine named", async () => {
    await waitUntil(() => status().state === 'ok', 60_000, `the box to connect (${JSON.stringify(status())}; box: ${box.engineLog})`);
    assert.equal(status().engine?.kind, 'service');
    assert.notEqual(status().engine?.pid, process.pid);
    await waitUntil(() => firing() !== undefined && fixFor(firing() as Alert) !== undefined, 60_000, `the ${GROUP} alert with its fix from the box`);
    const alert = firing() as Alert;
    assert.match(alert.title, new RegExp(`^${GROUP} ×6`));
    assert.equal(fixFor(alert)?.kind, 'process.stop-excess');
    assert.equal(machines.view(MACHINE)?.snapshot?.host.hostname !== undefined, true);
  });

  it("the tray's view model has a section naming the box, with its alert and fix, and the icon takes the box's state", () => {
    const alert = firing() as Alert;
    const fix = fixFor(alert) as FixProposal;
    const view = trayView(machines);
    const menu = items(view.menu);
    const header = menu.find((i) => i.label.startsWith(`${MACHINE} — Memory `));
    assert.ok(header, menu.map((i) => i.label).join('\n'));
    const alertItem = menu.find((i) => i.type === 'item' && i.label.includes(alert.title));
    assert.deepEqual(alertItem?.type === 'item' && alertItem.action, { kind: 'open-window', alertId: alert.id, machine: MACHINE });
    const fixItem = menu.find((i) => i.type === 'item' && i.action.kind === 'run-fix' && i.action.fixId === fix.id);
    assert.ok(fixItem?.type === 'item' && fixItem.action.kind === 'run-fix' && fixItem.action.machine === MACHINE);
    assert.equal(view.icon.level, 'warning', 'the laptop is calm; the box has a warning');
    assert.match(view.tooltip, new RegExp(`\\n${MACHINE}: memory \\d+%`));
  });

  it("the laptop's window switches to the box: the box's alert and fix shown, the fix previewed and confirmed against the box's processes", async () => {
    const alert = firing() as Alert;
    const fix = fixFor(alert) as FixProposal;
    // A second laptop-side engine (`headroom serve`, its own home) following the same box, as the web mode runs it.
    const web = await startEngine({ version: 1, machines: [{ name: MACHINE, destination: box.host }], docker: { enabled: false } }, { env: { HEADROOM_SSH_CONFIG: box.sshConfig }, docker: false });
    let journey: JourneyPage | null = null;
    try {
      await waitForApi('the box, live and alerting, in machines:list', () => web.api.invoke('machines:list', undefined), (rows) => rows[0]?.status.state === 'ok' && rows[0].firing > 0, 60_000);
      // A box's pushes go to the pages showing it only: a socket on ?machine=dev-box gets them, this machine's page none.
      let onLocalPage = 0;
      let onBoxPage = 0;
      const offLocal = web.api.on('machine:push', () => onLocalPage++);
      const boxPage = createWsApi(socketUrlFor(web.url, MACHINE), WebSocket as unknown as SocketClass);
      boxPage.on('machine:push', (p) => (p.machine === MACHINE ? onBoxPage++ : onLocalPage++));
      try {
        await waitUntil(() => onBoxPage >= 3, 60_000, "three of the box's pushes on a page showing it");
        assert.equal(onLocalPage, 0, "a page on this machine (or one on another box) got the box's pushes");
      } finally {
        offLocal();
        boxPage.close();
      }
      journey = await openPage(`${web.url}?machine=${encodeURIComponent(MACHINE)}`);
      const page = journey.page;
      await journey.waitForAlertCard(alert.id, [`${GROUP} ×6`, fix.title], 60_000);
      assert.match(await page.locator('#machine-state').innerText(), new RegExp(`^Showing ${MACHINE} \\(${box.host}, over SSH\\)\\. Fixes run there\\.$`));
      const options = await page.locator('#machine option').allInnerTexts();
      assert.equal(options[0], 'This machine');
      assert.match(options[1], new RegExp(`^${MACHINE} — \\d+ (warning|critical) alerts?$`));
      assert.equal(await page.locator('#nav a[data-view="settings"]').count(), 0, "a box's settings are changed on the box");

      // Preview and the in-page confirmation come from the box's engine: its processes, by PID.
      const card = journey.alertCard(alert.id).locator('article.fix').filter({ hasText: fix.title });
      await card.getByRole('button', { name: 'Preview' }).click();
      await card.locator('.preview', { hasText: 'Preview:' }).waitFor({ timeout: 30_000 });
      await card.getByRole('button', { name: 'Run fix' }).click();
      const dialog = page.locator('dialog.confirm');
      await dialog.waitFor({ timeout: 30_000 });
      const pids = (await dialog.locator('ul.targets li').allInnerTexts()).map((t) => Number(/\(PID (\d+)\)/.exec(t)?.[1]));
      const targets = fix.targets.map((t) => (t.kind === 'process' ? t.pid : -1));
      assert.deepEqual([...pids].sort(), [...targets].sort());
      assert.ok(pids.every((p) => swarm.includes(p)), 'only the box swarm is offered');
      // Cancelled here: the notification's button runs this fix below.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      assert.ok(swarm.every((p) => isAlive(p)));

      // Back to this machine: the page reloads on the laptop's own engine, without the banner.
      await page.locator('#machine').selectOption('');
      await page.waitForURL((u) => !u.search.includes('machine'), { timeout: 30_000 });
      await page.locator('#machine-state').waitFor({ state: 'hidden', timeout: 30_000 });
      assert.equal(await page.locator('#nav a[data-view="settings"]').count(), 1);
    } finally {
      await journey?.close();
      await web.stop();
    }
  });

  it('a notification names the machine, and offers the fix', async () => {
    const alert = firing() as Alert;
    await waitUntil(() => notifier.shown.some((s) => s.n.alertId === alert.id), 30_000, 'the notification');
    const { n } = notifier.shown.find((s) => s.n.alertId === alert.id) as { n: HeadroomNotification };
    assert.equal(n.title, `${MACHINE}: ${alert.title}`);
    assert.equal(n.machine, MACHINE);
    assert.equal(n.action?.fixId, fixFor(alert)?.id);
    assert.equal(notifier.shown.filter((s) => s.n.alertId === alert.id).length, 1, 'once, though the box pushes its alerts every tick');
  });

  it('headroom --machine dev-box snapshot|fixes answers from the box, from the laptop\'s terminal', async () => {
    const snap = capture();
    assert.equal(await main(['--machine', MACHINE, 'snapshot', '--json'], snap.io), 0, snap.err.join('\n'));
    const s = JSON.parse(snap.out.join('')) as { groups: { name: string; count: number }[] };
    assert.equal(s.groups.find((g) => g.name === GROUP)?.count, 6);

    const fixes = capture();
    assert.equal(await main(['--machine', MACHINE, 'fixes'], fixes.io), 0, fixes.err.join('\n'));
    assert.match(fixes.out.join('\n'), new RegExp(`Stop 4 of 6 ${GROUP} instances`));
  });

  it("the notification's fix runs on the box: its processes stop, through its re-check, and the box's audit log records it", async () => {
    const alert = firing() as Alert;
    const fix = fixFor(alert) as FixProposal;
    const { n, events } = notifier.shown.find((s) => s.n.alertId === alert.id) as { n: HeadroomNotification; events: NotificationEvents };
    assert.equal(n.action?.fixId, fix.id);
    events.action(fix.id);
    await waitUntil(() => notifier.shown.some((s) => s.n.tag === `${MACHINE}:fix:${fix.id}`), 60_000, 'the fix result');
    const result = (notifier.shown.find((s) => s.n.tag === `${MACHINE}:fix:${fix.id}`) as { n: HeadroomNotification }).n;
    assert.match(result.title, new RegExp(`^${MACHINE}: Stopped 4`), result.body);
    const targets = fix.targets.map((t) => (t.kind === 'process' ? t.pid : -1));
    await waitUntil(() => targets.every((p) => !isAlive(p)), 30_000, 'the targets to stop');
    assert.equal(swarm.filter((p) => isAlive(p)).length, 2, 'the 2 newest are kept');
    const log = await machines.invoke(MACHINE, 'audit:list', { limit: 5 });
    assert.equal(log[0]?.fixId, fix.id);
    assert.equal(log[0]?.ok, true);
    await waitUntil(() => firing() === undefined, 30_000, 'the alert to clear on the laptop');
  });

  it("a forward ends with the process that started it, even one killed with SIGKILL (no exit hook runs)", async () => {
    // A laptop-side process of its own: asks the box where its engine listens, starts the forward, prints ssh's PID.
    const script = [
      `const { querySocketPath, startForward } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src/main/engine/remote/ssh-process.ts')).href)});`,
      `const ssh = { configFile: ${JSON.stringify(box.sshConfig)} };`,
      `const remotePath = await querySocketPath(${JSON.stringify(box.host)}, ssh);`,
      `const f = startForward({ destination: ${JSON.stringify(box.host)}, localPath: ${JSON.stringify(join(laptop, 'tether.sock'))}, remotePath, ssh });`,
      `await f.ready;`,
      `console.log('ready ' + f.pid);`,
      `setInterval(() => {}, 1000);`,
    ].join('\n');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      await waitUntil(() => /ready \d+/.test(out) || child.exitCode !== null, 60_000, `the forward (${out})`);
      const sshPid = Number(/ready (\d+)/.exec(out)?.[1]);
      assert.ok(sshPid > 0 && isAlive(sshPid), `ssh runs: ${out}`);
      child.kill('SIGKILL');
      await waitUntil(() => !isAlive(sshPid), 30_000, `ssh (PID ${sshPid}) to end after its Headroom was killed -9`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('after sshd restarts, the link is re-made with backoff and the history the box recorded meanwhile is there', async () => {
    const before = statuses.length;
    await box.stopSshd();
    await waitUntil(() => status().state === 'unreachable', 60_000, `the laptop to notice (${JSON.stringify(status())})`);
    const downAt = Date.now();
    assert.ok(status().reason, 'unreachable says why');
    assert.ok(status().nextAttemptAt !== null);
    // The box engine keeps sampling while nobody watches.
    await waitUntil(() => Date.now() > downAt + 1500, 10_000, 'a few box ticks');
    await box.startSshd();
    await waitUntil(() => status().state === 'ok', 60_000, `the reconnect (${JSON.stringify(status())})`);
    const kinds = statuses.slice(before).map((s) => s.state);
    assert.ok(kinds.includes('unreachable') && kinds.at(-1) === 'ok', kinds.join(' → '));
    const upAt = Date.now();
    const series = await machines.invoke(MACHINE, 'history:query', { series: 'system.mem.used', sinceMs: downAt - 5000, untilMs: upAt });
    assert.ok(series.t.some((t) => t > downAt && t < upAt), `samples recorded on the box while the link was down: ${series.t.length}`);
  });

  it('a changed host key is refused and shown as such; the CLI says so in one line', async () => {
    await box.changeHostKey();
    await waitUntil(() => status().state === 'host-key-changed', 60_000, `the refusal (${JSON.stringify(status())})`);
    assert.match(status().reason ?? '', /host key of box has changed/);
    assert.equal(machines.view(MACHINE)?.status.engine, null);
    const view = trayView(machines);
    assert.ok(items(view.menu).some((i) => i.label === `${MACHINE} — host key changed — refused`), items(view.menu).map((i) => i.label).join('\n'));
    assert.equal(view.icon.level, 'warning', 'a box that needs a person colours the icon');
    const c = capture();
    assert.equal(await main(['--machine', MACHINE, 'snapshot'], c.io), 1);
    assert.equal(c.err.length, 1, c.err.join('\n'));
    assert.match(c.err[0], /dev-box: the host key of box has changed/);
  });
});
