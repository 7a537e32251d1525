/**
 * A real desktop session for tests: Xvfb, a D-Bus session bus, dunst as the
 * notification server, and dbus-monitor recording every
 * org.freedesktop.Notifications.Notify call — the parts a user's notification
 * passes through. Shared by the notification daemon test and the journeys.
 *
 * dunst's context menu sends the action names of the notifications on screen
 * to its `dmenu` command and invokes the line that command prints. Here that
 * command is a picker script that prints the first line containing the text a
 * test asked for (`invokeAction`), so an action is invoked the way a user's
 * click is: dunst emits ActionInvoked, and the notify-send waiting for it
 * prints the action's name to Headroom.
 *
 * A part that cannot start throws with the reason (and its stderr); `stop()`
 * ends every part, in reverse order of start.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait.ts';

/** One Notify call as dbus-monitor printed it. */
export interface NotifyCall {
  app: string;
  summary: string;
  body: string;
  /** The actions array: name, label, name, label, … (empty when the notification offers none). */
  actions: string[];
}

export interface DesktopOptions {
  /** Cosmetic: paint a desktop-like background so a screenshot reads as a screen. */
  background?: boolean;
  /** Extra [global] lines for dunstrc (e.g. a look for screenshots). */
  dunstGlobal?: string[];
}

export interface Desktop {
  display: string;
  busAddress: string;
  /** DISPLAY and DBUS_SESSION_BUS_ADDRESS, for whatever runs in this session. */
  env: { DISPLAY: string; DBUS_SESSION_BUS_ADDRESS: string };
  /** Every Notify call so far, in order. */
  notifications(): NotifyCall[];
  /** Everything dbus-monitor printed so far (for failure messages). */
  monitorText(): string;
  /** Waits for a Notify call that `match` accepts (`index`: its place among all calls); returns it. */
  waitForNotification(what: string, match: (n: NotifyCall, index: number) => boolean, ms: number, why?: () => string): Promise<NotifyCall>;
  /**
   * Invokes, through dunst's context menu, the action whose menu line contains
   * `label` (the action's label as the notification carries it). Resolves with
   * the menu lines dunst offered.
   */
  invokeAction(label: string): Promise<string[]>;
  /** `dunstctl ARGS` in this session. */
  dunstctl(...args: string[]): string;
  /** The last stderr of one part (Xvfb, dbus-daemon, dunst, dbus-monitor). */
  stderrOf(name: string): string;
  stop(): Promise<void>;
}

interface Part {
  name: string;
  proc: ChildProcess;
  stderr: string[];
}

const TOOLS: [string, string][] = [
  ['Xvfb', 'xvfb'],
  ['dbus-daemon', 'dbus-daemon'],
  ['dbus-monitor', 'dbus-bin'],
  ['dbus-send', 'dbus-bin'],
  ['dunst', 'dunst'],
  ['dunstctl', 'dunst'],
  ['notify-send', 'libnotify-bin'],
];

/** Throws naming the Debian package when a tool is missing (scripts/provision.sh installs them all). */
export function requireTool(tool: string, pkg: string): void {
  if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) {
    throw new Error(`${tool} is not installed (Debian package ${pkg}; scripts/provision.sh installs it)`);
  }
}

/**
 * Notify calls in dbus-monitor's text. Its arguments are app_name,
 * replaces_id, app_icon, summary, body, actions, hints, expire_timeout; top-level
 * arguments start three spaces in, and strings are printed raw (a body's
 * newlines included), so a string runs until the next top-level argument.
 */
export function parseNotifyCalls(text: string): NotifyCall[] {
  return text
    .split(/\n(?=method call |signal |method return |error )/)
    .filter((block) => block.startsWith('method call') && /member=Notify\b/.test(block))
    .map((block) => {
      const body = block.slice(block.indexOf('\n') + 1);
      const starts = [...body.matchAll(/^ {3}(?=string "|uint32 |int32 |array \[)/gm)].map((m) => m.index as number);
      const args = starts.map((s, i) => body.slice(s + 3, i + 1 < starts.length ? starts[i + 1] : undefined).replace(/\n$/, ''));
      const strings = args.filter((a) => a.startsWith('string "')).map((a) => a.slice('string "'.length, a.endsWith('"') ? -1 : undefined));
      const firstArray = args.find((a) => a.startsWith('array ['));
      const actions = firstArray ? [...firstArray.matchAll(/^ {6}string "(.*)"$/gm)].map((m) => m[1]) : [];
      return { app: strings[0] ?? '', summary: strings[2] ?? '', body: strings[3] ?? '', actions };
    });
}

const DUNST_LOOK = [
  '    font = DejaVu Sans 11',
  '    width = 460',
  '    height = 200',
  '    offset = 16x48',
  '    origin = top-right',
  '    padding = 12',
  '    horizontal_padding = 14',
  '    frame_width = 2',
  '    corner_radius = 6',
  '    markup = full',
  '    format = "<small>%a</small>\\n<b>%s</b>\\n%b"',
];

/** Starts Xvfb, a session bus, dunst and dbus-monitor; throws with the reason when a part cannot start. */
export async function startDesktop(opts: DesktopOptions = {}): Promise<Desktop> {
  for (const [tool, pkg] of TOOLS) requireTool(tool, pkg);
  const work = mkdtempSync(join(tmpdir(), 'headroom-desktop-'));
  const parts: Part[] = [];
  let monitorOut = '';

  const start = (name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess => {
    const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const part = { name, proc, stderr: [] as string[] };
    proc.stderr?.on('data', (d: Buffer) => {
      part.stderr.push(d.toString());
      if (part.stderr.length > 200) part.stderr.shift();
    });
    proc.on('error', (err) => part.stderr.push(`spawn error: ${err.message}`));
    parts.push(part);
    return proc;
  };
  const stderrOf = (name: string) => parts.find((p) => p.name === name)?.stderr.join('').slice(-2000) ?? '';

  const stop = async () => {
    for (const p of [...parts].reverse()) {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null) continue;
      p.proc.kill('SIGTERM');
      const exited = await Promise.race([new Promise<boolean>((r) => p.proc.once('exit', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!exited) p.proc.kill('SIGKILL');
    }
    rmSync(work, { recursive: true, force: true });
  };

  try {
    // Xvfb picks a free display itself and prints its number (-displayfd): journeys run two at a time.
    const x = start('Xvfb', 'Xvfb', ['-displayfd', '1', '-screen', '0', '1280x800x24', '-nolisten', 'tcp']);
    let xOut = '';
    x.stdout?.on('data', (d: Buffer) => (xOut += d.toString()));
    await waitFor('Xvfb to pick a display', () => /^\d+\n/.test(xOut), 15_000, () => stderrOf('Xvfb'));
    const n = Number(xOut.trim());
    const display = `:${n}`;
    await waitFor('Xvfb to listen', () => existsSync(`/tmp/.X11-unix/X${n}`), 10_000, () => stderrOf('Xvfb'));

    const bus = start('dbus-daemon', 'dbus-daemon', ['--session', '--nofork', '--nopidfile', '--print-address=1']);
    let busOut = '';
    bus.stdout?.on('data', (d: Buffer) => (busOut += d.toString()));
    await waitFor('the D-Bus session bus address', () => /\n/.test(busOut), 10_000, () => stderrOf('dbus-daemon'));
    const busAddress = busOut.split('\n')[0].trim();
    const env = { DISPLAY: display, DBUS_SESSION_BUS_ADDRESS: busAddress };

    if (opts.background) {
      // Cosmetic: a failure here changes nothing tested.
      const bg = join(work, 'bg.png');
      spawnSync('convert', ['-size', '1280x800', 'gradient:#3b4252-#1f2430', bg]);
      if (existsSync(bg)) spawnSync('display', ['-window', 'root', bg], { env: { ...process.env, ...env }, timeout: 10_000 });
    }

    // The picker dunst's context menu runs as its dmenu: records what it was offered, prints the line asked for.
    const want = join(work, 'want');
    const offered = join(work, 'offered');
    const picker = join(work, 'pick.sh');
    writeFileSync(want, '');
    writeFileSync(picker, `#!/bin/sh\ntee ${offered} | grep -F -m1 -- "$(cat ${want})"\n`);
    chmodSync(picker, 0o755);

    const dunstrc = join(work, 'dunstrc');
    writeFileSync(
      dunstrc,
      [
        '[global]',
        ...DUNST_LOOK,
        ...(opts.dunstGlobal ?? []),
        '    ignore_dbusclose = false',
        '    notification_limit = 0',
        `    dmenu = ${picker}`,
        // Notifications stay on screen until acted on (0: no expiry, whatever the sender asked): a test
        // invokes their actions, and notify-send listens for them only while its notification is open.
        '[urgency_low]',
        '    timeout = 0',
        '    override_dbus_timeout = 0',
        '[urgency_normal]',
        '    background = "#2e3440"',
        '    foreground = "#eceff4"',
        '    frame_color = "#ebcb8b"',
        '    timeout = 0',
        '    override_dbus_timeout = 0',
        '[urgency_critical]',
        '    background = "#3b2226"',
        '    foreground = "#eceff4"',
        '    frame_color = "#bf616a"',
        '    timeout = 0',
        '    override_dbus_timeout = 0',
        '',
      ].join('\n'),
    );
    start('dunst', 'dunst', ['-config', dunstrc], env);
    const owned = () =>
      spawnSync('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.Notifications'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      }).stdout.includes('boolean true');
    await waitFor('dunst to own org.freedesktop.Notifications', owned, 10_000, () => stderrOf('dunst'));

    const monitor = start('dbus-monitor', 'dbus-monitor', ["interface='org.freedesktop.Notifications',member='Notify'"], env);
    monitor.stdout?.on('data', (d: Buffer) => (monitorOut += d.toString()));
    await waitFor('dbus-monitor to connect', () => monitorOut.includes('NameAcquired'), 10_000, () => stderrOf('dbus-monitor'));

    const dunstctl = (...args: string[]): string => {
      const r = spawnSync('dunstctl', args, { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000 });
      if (r.status !== 0) throw new Error(`dunstctl ${args.join(' ')}: ${r.stderr?.trim() || r.error?.message || `exit ${r.status}`}`);
      return r.stdout;
    };

    return {
      display,
      busAddress,
      env,
      notifications: () => parseNotifyCalls(monitorOut),
      monitorText: () => monitorOut,
      async waitForNotification(what, match, ms, why = () => '') {
        let found: NotifyCall | undefined;
        await waitFor(what, () => (found = parseNotifyCalls(monitorOut).find(match)) !== undefined, ms, () => `${why()}\nNotify calls so far: ${JSON.stringify(parseNotifyCalls(monitorOut), null, 1)}`);
        return found as NotifyCall;
      },
      async invokeAction(label) {
        writeFileSync(want, label);
        writeFileSync(offered, '');
        dunstctl('context');
        // dunst runs the picker on its own schedule; the menu it offered (lines, the last one unterminated) is the record that it did.
        await waitFor(`dunst's context menu to offer "${label}"`, () => readFileSync(offered, 'utf8').length > 0, 10_000, () => stderrOf('dunst'));
        const lines = readFileSync(offered, 'utf8').split('\n').filter(Boolean);
        if (!lines.some((l) => l.includes(label))) throw new Error(`dunst's context menu did not offer "${label}"; it offered:\n${lines.join('\n')}`);
        return lines;
      },
      dunstctl,
      stderrOf,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
