/**
 * `headroom machines [list] | add NAME DESTINATION [--socket PATH] | remove NAME`:
 * the boxes this Headroom follows over SSH (settings.machines; docs/remote.md).
 * With an engine running here (the app, `serve`), the change goes through it
 * (`settings:set`), so it starts or stops following at once; otherwise the
 * settings file is written. Either way the same validation refuses a bad name
 * or destination with one line.
 */

import type { Settings, MachineSetting } from '../shared/settings.ts';
import { safeText } from '../shared/safe-text.ts';
import { SettingsStore } from '../main/engine/settings/store.ts';
import { SettingsError } from '../main/engine/settings/validate.ts';
import { defaultDataDir } from '../main/engine/paths.ts';
import { parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import { UsageError, type CliIo } from './io.ts';

const USAGE = 'usage: headroom machines [list] [--json] | add NAME SSH-DESTINATION [--socket PATH] | remove NAME';

export async function machinesCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags('machines', args, { json: { type: 'boolean' }, socket: { type: 'string' } }, true);
  const [sub = 'list', ...rest] = positionals;
  if (sub === 'list') {
    if (rest.length > 0) throw new UsageError(USAGE);
    const list = (await readSettings()).machines;
    if (values.json) io.out(JSON.stringify(list));
    else if (list.length === 0) io.out('No machines followed. Add one with: headroom machines add NAME SSH-DESTINATION');
    else for (const m of list) io.out(`${safeText(m.name, 64)}\t${safeText(m.destination, 255)}${m.socket ? `\t${safeText(m.socket, 200)}` : ''}`);
    return 0;
  }
  if (sub === 'add') {
    if (rest.length !== 2) throw new UsageError(USAGE);
    const [name, destination] = rest;
    const entry: MachineSetting = { name, destination, ...(values.socket !== undefined ? { socket: values.socket } : {}) };
    const list = (await readSettings()).machines.filter((m) => m.name !== name);
    await writeMachines([...list, entry]);
    io.out(`Following ${safeText(name, 64)} (ssh ${safeText(destination, 255)}).`);
    return 0;
  }
  if (sub === 'remove') {
    if (rest.length !== 1) throw new UsageError(USAGE);
    const list = (await readSettings()).machines;
    if (!list.some((m) => m.name === rest[0])) throw new UsageError(`headroom machines remove: no machine called ${JSON.stringify(safeText(rest[0], 64))}`);
    await writeMachines(list.filter((m) => m.name !== rest[0]));
    io.out(`No longer following ${safeText(rest[0], 64)}.`);
    return 0;
  }
  throw new UsageError(USAGE);
}

async function readSettings(): Promise<Settings> {
  const engine = await attachToEngine({ needs: ['settings:get'] });
  if (engine) return withEngine(engine, (c) => c.invoke('settings:get', undefined));
  return new SettingsStore(defaultDataDir()).get();
}

async function writeMachines(machines: MachineSetting[]): Promise<void> {
  try {
    const engine = await attachToEngine({ needs: ['settings:set'] });
    if (engine) {
      await withEngine(engine, (c) => c.invoke('settings:set', { machines }));
      return;
    }
    new SettingsStore(defaultDataDir()).set({ machines });
  } catch (err) {
    // Both paths refuse a bad entry with the validator's one line (the engine's as an ApiError).
    const message = (err as { message?: string }).message ?? String(err);
    if (err instanceof SettingsError || (err as { code?: string }).code === 'bad-request') throw new UsageError(`headroom machines: ${message}`);
    throw err;
  }
}
