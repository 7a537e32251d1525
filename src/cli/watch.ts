/**
 * `headroom watch`: the live terminal view — system, applications, zombies,
 * orphans and containers, refreshed every system tick. Attached to the
 * running engine it shows that engine's view; with none, it is the engine
 * itself, recording history and running the detector like the app does.
 */

import type { ChannelClient } from '../main/engine/channel/client.ts';
import { hostEngine, type HostedHeadroom } from '../main/engine/channel/host.ts';
import { EngineLockedError } from '../main/engine/channel/lock.ts';
import { describeEngine } from '../main/engine/channel/protocol.ts';
import { attachNotifications, createNodeNotifier } from '../main/engine/notify/index.ts';
import { parseFlags } from './args.ts';
import { CLEAR_SCREEN, type CliIo } from './io.ts';
import { renderSnapshot } from './render-snapshot.ts';
import { formatAlertLines } from './render-alerts.ts';
import type { Alert, Snapshot } from '../shared/model.ts';
import { attachToEngine } from './attach.ts';

export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('watch', args, { 'no-docker': { type: 'boolean' }, 'no-clear': { type: 'boolean' } }, false);
  const logLines: string[] = [];
  const clear = values['no-clear'] || !process.stdout.isTTY ? '' : CLEAR_SCREEN;
  const draw = (s: Snapshot, alerts: readonly Alert[], footer: string) =>
    io.out(`${clear}${renderSnapshot(s)}\n${formatAlertLines(alerts)}\n${logLines.slice(-3).join('\n')}\n${footer}`);
  const attach = () => attachToEngine({ needs: ['snapshot:get', 'alerts:list'], subscribe: ['snapshot:push', 'alerts:push'] });
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
  if (engine) return watchAttached(engine, draw, io);
  const own = h as HostedHeadroom;
  attachNotifications(own, createNodeNotifier());
  own.engine.on('snapshot', (s) => draw(s, own.engine.alerts(), '(Ctrl-C to quit)'));
  own.engine.start();
  await untilSignal();
  await own.close();
  return 0;
}

/**
 * Watching the running engine: its snapshots and its alerts, as pushed to the
 * window. Alerts are pushed after each snapshot (once the planner has linked
 * fixes), so the view is redrawn on them.
 */
async function watchAttached(c: ChannelClient, draw: (s: Snapshot, a: readonly Alert[], footer: string) => void, io: CliIo): Promise<number> {
  const footer = `(attached to the running engine: ${describeEngine(c.engine)}; Ctrl-C to quit)`;
  let snap: Snapshot | null = null;
  let alerts: Alert[] = [];
  c.on('snapshot:push', (s) => {
    snap = s;
  });
  c.on('alerts:push', (a) => {
    alerts = a;
    if (snap) draw(snap, alerts, footer);
  });
  snap = (await c.invoke('snapshot:get', undefined)) ?? snap;
  alerts = await c.invoke('alerts:list', undefined);
  if (snap) draw(snap, alerts, footer);
  const ended = await Promise.race([untilSignal().then(() => null), new Promise<string>((resolve) => c.onClose(resolve))]);
  c.close();
  if (ended === null) return 0;
  io.err(`headroom watch: the engine went away (${ended})`);
  return 1;
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}
