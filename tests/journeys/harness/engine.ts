/**
 * Headroom as a user runs it for a journey: the built CLI,
 * `node bin/headroom.mjs serve --port 0 --no-open`, with HEADROOM_HOME a
 * temporary directory holding the journey's settings.json, inside the desktop
 * session (so its notifications reach dunst). The API is the web mode's
 * WebSocket, through the page's own client (src/renderer/transport/ws.ts), so
 * a journey reads exactly what the window reads.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { Alert, FixProposal } from '../../../src/shared/model.ts';
import type { WsApi, SocketClass } from '../../../src/renderer/transport/ws.ts';
import { createWsApi, socketUrlFor } from '../../../src/renderer/transport/ws.ts';
import { computeTrayView, type TrayView } from '../../../src/main/engine/tray/view.ts';
import { ensureBuilt, repoRoot } from '../../helpers/cli.ts';
import { waitFor, waitForValue } from './wait.ts';

export interface JourneyEngine {
  url: string;
  home: string;
  proc: ChildProcess;
  api: WsApi;
  /** Everything the engine printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Throws when the engine has exited (with its output). */
  assertRunning(): void;
  /** Waits for a firing alert that `match` accepts, as the API lists it. */
  waitForAlert(what: string, match: (a: Alert) => boolean, ms: number): Promise<Alert>;
  /** Every fix proposal the API pushed or listed since start, by id (a report may name fixes of alerts since resolved). */
  seenFixes: Map<string, FixProposal>;
  /** The tray as src/main/tray.ts would draw it now, from what the API returns. */
  trayView(): Promise<TrayView>;
  stop(): Promise<void>;
}

export interface EngineOptions {
  /** Environment of the desktop session (DISPLAY, DBUS_SESSION_BUS_ADDRESS). */
  env: Record<string, string>;
  /** False: `--no-docker`. */
  docker: boolean;
}

/** Writes `settings` into a fresh HEADROOM_HOME and starts `headroom serve` on it; resolves once its API answers. */
export async function startEngine(settings: Record<string, unknown>, opts: EngineOptions): Promise<JourneyEngine> {
  ensureBuilt();
  const home = mkdtempSync(join(tmpdir(), 'headroom-journey-'));
  writeFileSync(join(home, 'settings.json'), JSON.stringify({ version: 1, ...settings }, null, 2));
  const args = [join(repoRoot, 'bin', 'headroom.mjs'), 'serve', '--port', '0', '--no-open', ...(opts.docker ? [] : ['--no-docker'])];
  const proc = spawn(process.execPath, args, { cwd: repoRoot, env: { ...process.env, ...opts.env, HEADROOM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (c) => (out = (out + String(c)).slice(-200_000)));
  proc.stderr?.on('data', (c) => (out = (out + String(c)).slice(-200_000)));
  const exited = () => proc.exitCode !== null || proc.signalCode !== null;
  const assertRunning = () => {
    if (exited()) throw new Error(`headroom serve exited (${proc.exitCode ?? proc.signalCode}):\n${out.slice(-3000)}`);
  };

  let api: WsApi | null = null;
  const stop = async () => {
    api?.close();
    if (!exited()) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (!exited()) proc.kill('SIGKILL');
    }
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const url = await waitForValue(
      'headroom serve to print its URL',
      () => {
        assertRunning();
        return /Headroom is running at (http:\/\/\S+)/.exec(out)?.[1];
      },
      90_000,
      () => out.slice(-3000),
      100,
    );
    api = createWsApi(socketUrlFor(url), WebSocket as unknown as SocketClass);
    const client = api;
    const seenFixes = new Map<string, FixProposal>();
    const remember = (list: FixProposal[]) => list.forEach((f) => seenFixes.set(f.id, f));
    client.on('fixes:push', remember);
    remember(await client.invoke('fixes:list', undefined));
    return {
      url,
      home,
      proc,
      api: client,
      output: () => out,
      assertRunning,
      seenFixes,
      async waitForAlert(what, match, ms) {
        let seen: Alert[] = [];
        return waitForValue(
          what,
          async () => {
            assertRunning();
            seen = await client.invoke('alerts:list', undefined);
            return seen.find((a) => a.state === 'firing' && match(a));
          },
          ms,
          () => `alerts: ${JSON.stringify(seen.map((a) => `${a.id} [${a.state}] ${a.title}`), null, 1)}\nengine output:\n${out.slice(-2000)}`,
          500,
        );
      },
      async trayView() {
        const [snapshot, alerts, trends, fixes, s] = await Promise.all([
          client.invoke('snapshot:get', undefined),
          client.invoke('alerts:list', undefined),
          client.invoke('trends:list', undefined),
          client.invoke('fixes:list', undefined),
          client.invoke('settings:get', undefined),
        ]);
        // The same TrayState src/main/tray.ts builds from the engine; autostart is the desktop app's, unknown here.
        return computeTrayView({ snapshot, alerts, trends, fixes, settings: s, autostart: null, now: Date.now(), reportAvailable: true, notice: null }, 'linux');
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The fixes an alert offers, in its order, as the API lists them. */
export async function fixesOf(api: WsApi, alert: Alert): Promise<FixProposal[]> {
  const fixes = await api.invoke('fixes:list', undefined);
  return alert.fixIds.map((id) => fixes.find((f) => f.id === id)).filter((f): f is FixProposal => f !== undefined);
}

/** Labels of the tray menu's clickable items that run `fixId` (the glance menu's one-click fix). */
export function trayFixItems(view: TrayView, fixId: string): string[] {
  return view.menu.flatMap((i) => (i.type === 'item' && i.action.kind === 'run-fix' && i.action.fixId === fixId ? [i.label] : []));
}

/** Labels of the tray menu's alert items (each opens the window on its alert). */
export function trayAlertItem(view: TrayView, alertId: string): string | undefined {
  const item = view.menu.find((i) => i.type === 'item' && i.action.kind === 'open-window' && i.action.alertId === alertId);
  return item && item.type === 'item' ? item.label : undefined;
}

/** Waits until `get` (an API read) satisfies `ok`; returns the last value. */
export async function waitForApi<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms: number, show: (v: T | undefined) => string = (v) => JSON.stringify(v)?.slice(0, 3000) ?? ''): Promise<T> {
  let last: T | undefined;
  await waitFor(what, async () => ok((last = await get())), ms, () => `last seen: ${show(last)}`, 500);
  return last as T;
}
