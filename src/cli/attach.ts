/**
 * The one place where a command decides between attaching to the running
 * engine and running on its own. With an engine on this data directory
 * (the desktop app, `serve`, or another `watch`), `watch`, `snapshot`,
 * `fixes`, `fix`, `log`, `report` and `history` ask it over the local channel,
 * so they show exactly its alerts, ages and fixes, and write no history of
 * their own. With none, they run standalone, as before the channel existed.
 *
 * With `headroom --machine NAME …` they ask the engine of a remote box
 * instead, over the user's SSH (remote/open-once.ts): never standalone, since
 * running here would describe the wrong machine.
 */

import type { InvokeChannel, PushChannel } from '../shared/contract.ts';
import { ChannelError, connectChannel, type ChannelClient } from '../main/engine/channel/client.ts';
import { holderAlive, readLock } from '../main/engine/channel/lock.ts';
import { channelPath, describeEngine } from '../main/engine/channel/protocol.ts';
import { defaultDataDir } from '../main/engine/paths.ts';
import { destinationProblem, machineNameProblem } from '../main/engine/remote/machine-input.ts';
import { openMachineChannel } from '../main/engine/remote/open-once.ts';
import { SettingsStore } from '../main/engine/settings/store.ts';
import { quoteInput } from '../shared/safe-text.ts';
import type { MachineSetting } from '../shared/settings.ts';
import { UsageError } from './io.ts';

export interface AttachOptions {
  /** Channels the command will call (an engine without them is refused at the hello). */
  needs: readonly InvokeChannel[];
  subscribe?: readonly PushChannel[];
  dataDir?: string;
  /** How long to wait for an engine that holds the lock but is still opening its channel. */
  startupWaitMs?: number;
}

/**
 * The running engine's channel, or null when no engine runs on the data
 * directory. Throws when an engine holds the directory but cannot be reached:
 * running standalone beside it would show a different picture.
 */
export async function attachToEngine(opts: AttachOptions): Promise<ChannelClient | null> {
  const dataDir = opts.dataDir ?? defaultDataDir();
  if (selectedMachine !== null) return openMachineChannel(resolveMachine(selectedMachine, dataDir), { dataDir, needs: opts.needs, subscribe: opts.subscribe });
  const path = channelPath(dataDir);
  const deadline = Date.now() + (opts.startupWaitMs ?? 8000);
  for (;;) {
    try {
      return await connectChannel(path, { needs: opts.needs, subscribe: opts.subscribe });
    } catch (err) {
      if (!(err instanceof ChannelError)) throw err;
      const lock = readLock(dataDir);
      const holder = lock.kind === 'held' ? lock.record : null;
      if (holder === null) {
        if (err.code === 'absent') return null; // no engine: standalone
        throw new Error(`cannot use the engine channel: ${err.message}`);
      }
      // An engine holds the directory: it may still be opening its channel (history check at start).
      if (err.code !== 'absent' || Date.now() > deadline || !holderAlive(holder)) {
        throw new Error(`the Headroom engine ${describeEngine(holder)} runs on ${dataDir} but cannot be reached: ${err.message}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Runs `fn` with the client and always closes it. */
export async function withEngine<T>(client: ChannelClient, fn: (c: ChannelClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** The box named by `--machine`, for the command being run (set by the CLI entry, cleared after). */
let selectedMachine: string | null = null;

/** Makes attachToEngine talk to box `name` (null: this machine's engine). Checks the name now, so a bad one is a usage error. */
export function selectMachine(name: string | null): void {
  if (name !== null) {
    const problem = machineNameProblem(name);
    if (problem) throw new UsageError(`headroom --machine ${quoteInput(name, 60)}: ${problem}`);
  }
  selectedMachine = name;
}

/**
 * A machine from settings by name; a name that is not in settings but is a
 * usable SSH destination (a Host of ~/.ssh/config, user@host) is taken as one.
 */
export function resolveMachine(name: string, dataDir: string): MachineSetting {
  const known = new SettingsStore(dataDir).get().machines.find((m) => m.name === name);
  if (known) return known;
  const problem = destinationProblem(name);
  if (problem) throw new UsageError(`headroom --machine ${quoteInput(name, 60)}: no machine of that name in settings, and ${problem}`);
  return { name, destination: name };
}
