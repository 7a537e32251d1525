/**
 * `headroom watch`: the live terminal view — system, applications, zombies,
 * orphans and containers, refreshed every system tick — while recording
 * history and running the detector like the app does.
 */

import { createHeadroom } from '../main/engine/create.ts';
import { attachNotifications, createNodeNotifier } from '../main/engine/notify/index.ts';
import { parseFlags } from './args.ts';
import type { CliIo } from './io.ts';
import { renderSnapshot } from './render-snapshot.ts';
import { formatAlertLines } from './render-alerts.ts';

export async function watchCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('watch', args, { 'no-docker': { type: 'boolean' }, 'no-clear': { type: 'boolean' } }, false);
  const logLines: string[] = [];
  const h = createHeadroom({ docker: values['no-docker'] ? false : undefined, log: undefined });
  attachNotifications(h, createNodeNotifier());
  const clear = values['no-clear'] || !process.stdout.isTTY ? '' : '\x1b[2J\x1b[H';
  h.engine.on('snapshot', (s) => {
    io.out(`${clear}${renderSnapshot(s)}\n${formatAlertLines(h.engine.alerts())}\n${logLines.slice(-3).join('\n')}\n(Ctrl-C to quit)`);
  });
  h.engine.start();
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await h.close();
  return 0;
}
