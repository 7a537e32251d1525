/**
 * `headroom watch`: the live terminal view — status, alerts with their fixes,
 * the machine, applications, zombies, orphans and containers, refreshed every
 * system tick. Attached to the running engine it shows that engine's view;
 * with none, it is the engine itself, recording history and running the
 * detector like the app does.
 *
 * On a terminal it is interactive (tui/watch-tui.ts: colour, fitted to the
 * width, q to quit, keys to sort and to run the top fix after a y); piped or
 * with --no-clear it prints plain frames, one after another.
 */

import type { ChannelClient } from '../main/engine/channel/client.ts';
import { hostEngine, type HostedHeadroom } from '../main/engine/channel/host.ts';
import { EngineLockedError } from '../main/engine/channel/lock.ts';
import { describeEngine } from '../main/engine/channel/protocol.ts';
import { attachNotifications, createNodeNotifier } from '../main/engine/notify/index.ts';
import type { Alert, FixProposal, FixResult, Snapshot } from '../shared/model.ts';
import type { Settings } from '../shared/settings.ts';
import { parseFlags } from './args.ts';
import { attachToEngine } from './attach.ts';
import { CLEAR_SCREEN, type CliIo } from './io.ts';
import { formatAlertLines } from './render-alerts.ts';
import { renderSnapshot } from './render-snapshot.ts';
import { startWatchTui } from './tui/watch-tui.ts';

/** What watch shows, from whichever engine it follows. */
interface Feed {
  source: string;
  settings: Settings['alerts'];
  runFix(id: string): Promise<FixResult>;
  /** Calls `show` with each new picture; resolves with a reason when the engine goes away, or null when stopped. */
  follow(show: (s: Snapshot, alerts: readonly Alert[], fixes: readonly FixProposal[]) => void): Promise<string | null>;
  stop(): void;
}

export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('watch', args, { 'no-docker': { type: 'boolean' }, 'no-clear': { type: 'boolean' } }, false);
  const attach = () => attachToEngine({ needs: ['snapshot:get', 'alerts:list', 'fixes:list', 'fix:run', 'settings:get'], subscribe: ['snapshot:push', 'alerts:push', 'fixes:push'] });
  let engine = await attach();
  let h: HostedHeadroom | null = null;
  if (!engine) {
    try {
      // No engine runs here: this watch becomes it (records history, raises alerts, serves the channel).
      h = await hostEngine('watch', { docker: values['no-docker'] ? false : undefined, log: undefined });
    } catch (err) {
      if (!(err instanceof EngineLockedError)) throw err;
      engine = await attach(); // another engine started at the same moment
      if (!engine) throw err;
    }
  }
  const feed = engine ? await attachedFeed(engine) : ownFeed(h as HostedHeadroom);
  const interactive = !values['no-clear'] && process.stdout.isTTY === true && process.stdin.isTTY === true;
  const ended = interactive ? await runInteractive(feed) : await runPlain(feed, io, values['no-clear'] !== true && process.stdout.isTTY === true);
  feed.stop();
  if (h) await h.close();
  if (ended === null) return 0;
  io.err(`headroom watch: the engine went away (${ended})`);
  return 1;
}

/** The interactive view; resolves on q, Ctrl-C, a signal, or the engine going away. */
async function runInteractive(feed: Feed): Promise<string | null> {
  let quit: () => void = () => {};
  const quitting = new Promise<null>((resolve) => (quit = () => resolve(null)));
  const tui = startWatchTui({
    stdin: process.stdin,
    stdout: process.stdout,
    source: feed.source,
    memWarnPercent: feed.settings.memWarnPercent,
    memCritPercent: feed.settings.memCritPercent,
    runFix: (id) => feed.runFix(id),
    onQuit: () => quit(),
  });
  try {
    return await Promise.race([quitting, untilSignal().then(() => null), feed.follow((s, a, f) => tui.update(s, a, f))]);
  } finally {
    tui.stop();
  }
}

/** Plain frames for a pipe (or --no-clear): the same facts, no colour, no keys. */
async function runPlain(feed: Feed, io: CliIo, clearScreen: boolean): Promise<string | null> {
  const clear = clearScreen ? CLEAR_SCREEN : '';
  const footer = `(${feed.source}; Ctrl-C to quit)`;
  return Promise.race([untilSignal().then(() => null), feed.follow((s, alerts) => io.out(`${clear}${renderSnapshot(s)}\n${formatAlertLines(alerts)}\n${footer}`))]);
}

/** This watch is the engine: its own snapshots, alerts and fixes, and its own remedies. */
function ownFeed(own: HostedHeadroom): Feed {
  attachNotifications(own, createNodeNotifier());
  let onAlerts: (() => void) | null = null;
  return {
    source: 'this watch is the engine (recording history)',
    settings: own.settings.get().alerts,
    runFix: (id) => own.remedies.run(id),
    follow(show) {
      // Alerts are emitted after each snapshot once the planner has linked fixes: one picture per tick.
      onAlerts = () => {
        const s = own.engine.latest();
        if (s) show(s, own.engine.alerts(), own.engine.fixes());
      };
      own.engine.on('alerts', onAlerts);
      own.engine.start();
      return new Promise<string | null>(() => {});
    },
    stop() {
      if (onAlerts) own.engine.off('alerts', onAlerts);
    },
  };
}

/** Watching the running engine: its snapshots, alerts and fixes as pushed to the window; fixes run on it. */
async function attachedFeed(c: ChannelClient): Promise<Feed> {
  const settings = await c.invoke('settings:get', undefined);
  return {
    source: `attached to the running engine: ${describeEngine(c.engine)}`,
    settings: settings.alerts,
    runFix: (id) => c.invoke('fix:run', { id }),
    async follow(show) {
      let snap: Snapshot | null = null;
      let alerts: Alert[] = [];
      let fixes: FixProposal[] = [];
      c.on('snapshot:push', (s) => {
        snap = s;
      });
      c.on('fixes:push', (f) => {
        fixes = f;
        if (snap) show(snap, alerts, fixes);
      });
      // Alerts come after each snapshot, linked to that tick's fixes: redraw on them.
      c.on('alerts:push', (a) => {
        alerts = a;
        if (snap) show(snap, alerts, fixes);
      });
      snap = (await c.invoke('snapshot:get', undefined)) ?? snap;
      alerts = await c.invoke('alerts:list', undefined);
      fixes = await c.invoke('fixes:list', undefined);
      if (snap) show(snap, alerts, fixes);
      return new Promise<string>((resolve) => c.onClose(resolve));
    },
    stop: () => c.close(),
  };
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
