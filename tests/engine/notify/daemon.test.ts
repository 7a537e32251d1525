/**
 * Notifications under a real notification daemon: Xvfb + a D-Bus session +
 * dunst, with dbus-monitor recording every org.freedesktop.Notifications.Notify
 * call (the session of tests/journeys/harness/desktop.ts). The real `headroom watch` (engine, detector, node-notifier →
 * notify-send) runs against a temporary data directory whose settings put the
 * memory warning just above what this machine uses now; then a real child
 * process allocates past it. Exactly one notification must name the culprit,
 * and no second one may follow while the condition holds.
 *
 * Every part is started here and torn down in `after`. A part that cannot start
 * fails the test with the reason; nothing is skipped.
 */

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { attachNotifications, createNodeNotifier } from '../../../src/main/engine/notify/index.ts';
import { Engine } from '../../../src/main/engine/engine.ts';
import { SettingsStore } from '../../../src/main/engine/settings/store.ts';
import { requireTool, startDesktop, type Desktop } from '../../journeys/harness/desktop.ts';
import { waitFor } from '../../journeys/harness/wait.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = join(root, 'e2e', 'artifacts');
const CULPRIT = 'memhog';
/** How long the condition is held after the first notification, watching for a second. */
const HOLD_MS = 25_000;

const children: { name: string; proc: ChildProcess; stderr: string[] }[] = [];
let work = '';
let display = '';
let busAddress = '';
let desktop: Desktop | undefined;

function start(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}, argv0?: string): ChildProcess {
  const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], argv0 });
  const entry = { name, proc, stderr: [] as string[] };
  proc.stderr?.on('data', (d: Buffer) => {
    entry.stderr.push(d.toString());
    if (entry.stderr.length > 200) entry.stderr.shift();
  });
  proc.on('error', (err) => entry.stderr.push(`spawn error: ${err.message}`));
  children.push(entry);
  return proc;
}

function stderrOf(name: string): string {
  return children.find((c) => c.name === name)?.stderr.join('').slice(-2000) ?? '';
}

function meminfo(): { total: number; available: number; usedPercent: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  const total = kb('MemTotal');
  const available = kb('MemAvailable');
  return { total, available, usedPercent: ((total - available) / total) * 100 };
}

const notifyCalls = () => desktop?.notifications() ?? [];

before(async () => {
  requireTool('import', 'imagemagick');
  work = mkdtempSync(join(tmpdir(), 'headroom-notify-'));
  mkdirSync(artifacts, { recursive: true });
  desktop = await startDesktop({ background: true });
  display = desktop.display;
  busAddress = desktop.busAddress;
});

after(async () => {
  // Headroom first (it may still be calling notify-send), then the hog, then the desktop, in reverse order of start.
  for (const c of [...children].reverse()) {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) continue;
    c.proc.kill('SIGTERM');
    const exited = await Promise.race([new Promise<boolean>((r) => c.proc.once('exit', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
    if (!exited) c.proc.kill('SIGKILL');
  }
  await desktop?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a memory breach notifies once, naming the culprit, and not again while it holds', { timeout: 120_000 }, async () => {
  const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: busAddress };
  const home = join(work, 'home');
  mkdirSync(home, { recursive: true });

  // The warning line: just above what the machine uses now. The critical line far above
  // anything this test allocates, so the one alert cannot escalate (an escalation is news).
  const now = meminfo();
  const warn = Math.ceil(now.usedPercent + 3);
  assert.ok(warn + 6 < 100, `this machine is already at ${now.usedPercent.toFixed(1)}% memory; the test needs headroom to allocate`);
  const settings = {
    version: 1,
    intervals: { systemMs: 500, processesMs: 1000 },
    alerts: {
      memWarnPercent: warn,
      memCritPercent: 100,
      clearMarginPercent: 2,
      sustainSeconds: 3,
      cooldownSeconds: 3600,
      // Only the memory rule may speak in this test: the others are set out of reach.
      orphanAlerts: false,
      zombieSeconds: 86400,
      defaultMaxInstances: 10000,
      swapInPagesPerSec: 1e9,
      psiSomeAvg60Percent: 100,
    },
    groups: { rules: [{ name: CULPRIT, kind: 'other', exe: [CULPRIT] }], topN: 15 },
    docker: { enabled: false, host: '', statsConcurrency: 4 },
  };
  writeFileSync(join(home, 'settings.json'), JSON.stringify(settings, null, 2));

  // The real CLI command, from source: `headroom watch --no-docker`. The interval keeps the child's
  // event loop alive: the engine unrefs its timer, so with Docker off nothing else would (reported).
  const src = (p: string) => JSON.stringify(pathToFileURL(join(root, 'src', p)).href);
  const watch = start(
    'headroom watch',
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', `setInterval(() => {}, 3_600_000); const { watchCommand } = await import(${src('cli/watch.ts')}); const { processIo } = await import(${src('cli/io.ts')}); process.exitCode = await watchCommand(['--no-docker', '--no-clear'], processIo);`],
    { ...env, HEADROOM_HOME: home },
  );
  let screens = 0;
  watch.stdout?.on('data', () => screens++);
  const alive = (proc: ChildProcess, name: string) => {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${name} exited (${proc.exitCode ?? proc.signalCode}): ${stderrOf(name)}`);
    return true;
  };
  await waitFor('headroom watch to sample', () => alive(watch, 'headroom watch') && screens >= 2, 30_000, () => stderrOf('headroom watch'));
  assert.equal(notifyCalls().length, 0, `nothing to say below the line, but got ${JSON.stringify(notifyCalls())}`);

  // The culprit: a real process holding real memory past the line (zero-filled, so every page is touched).
  const target = Math.round(((warn + 4 - now.usedPercent) / 100) * now.total);
  const hog = start(
    CULPRIT,
    process.execPath,
    ['-e', `const keep = []; let n = 0; while (n < ${target}) { const b = Buffer.alloc(64 * 1024 * 1024, 1); keep.push(b); n += b.length; } console.log('ready'); setInterval(() => keep.length, 1000);`],
    {},
    CULPRIT,
  );
  let hogReady = false;
  hog.stdout?.on('data', (d: Buffer) => (hogReady ||= d.toString().includes('ready')));
  await waitFor(`${CULPRIT} to allocate ${(target / 1024 ** 3).toFixed(1)} GiB`, () => alive(hog, CULPRIT) && hogReady, 30_000, () => stderrOf(CULPRIT));
  assert.ok(meminfo().usedPercent > warn, `memory is past the warning line (${meminfo().usedPercent.toFixed(1)}% > ${warn}%)`);

  await waitFor('the notification', () => alive(watch, 'headroom watch') && notifyCalls().length >= 1, 40_000, () => `watch stderr: ${stderrOf('headroom watch')}`);
  const shot = join(artifacts, 'notification.png');
  const grab = spawnSync('import', ['-window', 'root', shot], { env: { ...process.env, ...env }, timeout: 15_000, encoding: 'utf8' });
  assert.equal(grab.status, 0, `screenshot failed: ${grab.stderr}`);

  const [first] = notifyCalls();
  assert.equal(first.app, 'Headroom');
  assert.ok(`${first.summary}\n${first.body}`.includes(CULPRIT), `the notification names the culprit: ${JSON.stringify(first)}`);

  // Hold the condition and watch for a second notification.
  const held = Date.now() + HOLD_MS;
  let lowest = 100;
  while (Date.now() < held) {
    lowest = Math.min(lowest, meminfo().usedPercent);
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.ok(lowest > warn - settings.alerts.clearMarginPercent, `the condition held throughout (lowest ${lowest.toFixed(1)}%)`);
  assert.equal(hog.exitCode, null, `${CULPRIT} is still holding its memory`);
  assert.deepEqual(notifyCalls(), [first], 'exactly one notification while the condition holds');
  assert.ok(existsSync(shot));
});

test('a settings file that had to be reset is announced, once, under the same daemon', { timeout: 60_000 }, async () => {
  const home = join(work, 'reset-home');
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'settings.json'), '{"alerts": {"memWarnPercent": ');
  const store = new SettingsStore(home);
  assert.ok(store.notice);
  const engine = new Engine({ settings: () => store.get(), log: () => {} });
  const lines: string[] = [];
  const before = notifyCalls().length;
  const saved = { ...process.env };
  Object.assign(process.env, { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: busAddress });
  try {
    const detach = attachNotifications({ engine, settings: store, log: (l: string) => lines.push(l) }, createNodeNotifier());
    await waitFor('the reset notice', () => notifyCalls().length > before, 15_000, () => lines.join('\n'));
    detach();
  } finally {
    process.env = saved;
  }
  const calls = notifyCalls().slice(before);
  assert.equal(calls.length, 1);
  assert.equal(calls[0].summary, 'Headroom settings were reset');
  assert.match(calls[0].body, /settings\.json\.bad-\d+/);
});

test('without a notification server, the failure is logged once and the monitor carries on', { timeout: 60_000 }, async () => {
  const home = join(work, 'no-server');
  const store = new SettingsStore(home);
  const engine = new Engine({ settings: () => store.get(), log: () => {} });
  const lines: string[] = [];
  const saved = { ...process.env };
  // A bus address that leads nowhere: notify-send fails at once (and cannot autolaunch a bus).
  Object.assign(process.env, { DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(work, 'no-bus')}` });
  try {
    const detach = attachNotifications({ engine, settings: store, log: (l: string) => lines.push(l) }, createNodeNotifier());
    const firing = (id: string) => ({ id, rule: 'mem', severity: 'warning' as const, state: 'firing' as const, title: `${id} over the line`, detail: '', culprit: CULPRIT, since: Date.now(), resolvedAt: null, fixIds: [] });
    // Emitted the way the engine emits after a tick: both reach the policy and the notifier.
    engine.emit('transitions', [firing('a')]);
    engine.emit('transitions', [firing('b')]);
    await waitFor('both attempts to fail', () => lines.filter((l) => l.startsWith('notify: ')).length >= 3, 15_000, () => lines.join('\n'));
    await new Promise((r) => setTimeout(r, 1000));
    detach();
  } finally {
    process.env = saved;
  }
  const failures = lines.filter((l) => l.includes('could not show a notification'));
  assert.equal(failures.length, 1, `one line for the same failure:\n${lines.join('\n')}`);
  assert.match(failures[0], /notify-send/);
  assert.deepEqual(lines.filter((l) => l.startsWith('notify: ') && !l.includes('could not')), ['notify: a over the line', 'notify: b over the line']);
});

test('a hostile process name reaches the daemon as text: no shell runs it, and a leading "-" is not an option', { timeout: 30_000 }, async () => {
  const marker = join(work, 'shell-ran');
  const title = `-claude; touch ${marker}a $(touch ${marker}b) \`touch ${marker}c\` & | > ${marker}d`;
  const saved = { ...process.env };
  Object.assign(process.env, { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: busAddress });
  const before = notifyCalls().length;
  try {
    await createNodeNotifier().notify({ tag: 'hostile', title, body: `line one\nline two ${marker}e`, urgency: 'normal', silent: true, alertId: null, action: null });
    await waitFor('the hostile notification', () => notifyCalls().length > before, 10_000, () => desktop?.monitorText().slice(-2000) ?? '');
  } finally {
    process.env = saved;
  }
  const call = notifyCalls()[before];
  assert.equal(call.summary, title, 'the title arrives byte for byte');
  for (const suffix of ['a', 'b', 'c', 'd', 'e']) assert.equal(existsSync(marker + suffix), false, `no shell ran: ${marker}${suffix} does not exist`);
});
