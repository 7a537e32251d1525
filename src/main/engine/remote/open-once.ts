/**
 * A channel to a box's engine for one command (`headroom --machine dev-box
 * snapshot`). When this machine's app (or `serve`) already follows the box,
 * its forward is reused: no second SSH login. Otherwise a forward of the
 * command's own is opened, and closed with the client.
 */

import type { InvokeChannel, PushChannel } from '../../../shared/contract.ts';
import type { MachineSetting } from '../../../shared/settings.ts';
import { connectChannel, type ChannelClient, type ConnectOptions } from '../channel/client.ts';
import { localSocketPath } from './local-socket.ts';
import { sshOptionsFromEnv, type SshOptions } from './ssh-args.ts';
import type { SshFailure } from './ssh-failure.ts';
import { querySocketPath, startForward } from './ssh-process.ts';

export interface OpenOnceOptions {
  dataDir: string;
  needs: readonly InvokeChannel[];
  subscribe?: readonly PushChannel[];
  ssh?: SshOptions;
}

/** Connects to the engine of `machine`; throws an Error whose message says why not (unreachable, host key, version…). */
export async function openMachineChannel(machine: MachineSetting, opts: OpenOnceOptions): Promise<ChannelClient> {
  const connectOpts: ConnectOptions = { needs: opts.needs, subscribe: opts.subscribe, timeoutMs: 15_000 };
  try {
    // The app's forward, if it is up (the socket is ours: connectChannel checks its owner).
    return await connectChannel(localSocketPath(opts.dataDir, machine.name), connectOpts);
  } catch {
    /* not followed by a running app, or not connected now: open our own */
  }
  const ssh = opts.ssh ?? sshOptionsFromEnv();
  const fail = (f: SshFailure) => {
    throw new Error(`${machine.name}: ${f.reason}`);
  };
  const remotePath = machine.socket ?? (await querySocketPath(machine.destination, ssh).catch(fail));
  const forward = startForward({ destination: machine.destination, localPath: localSocketPath(opts.dataDir, machine.name, `-${process.pid}`), remotePath, ssh });
  try {
    await forward.ready.catch(fail);
    const client = await connectChannel(forward.localPath, connectOpts).catch((err: Error) => {
      const noEngine = /open failed|port -2/.test(forward.stderr());
      throw new Error(noEngine ? `${machine.name}: no Headroom engine answers on ${machine.destination} (${remotePath}): run \`headroom service install\` there` : `${machine.name}: ${err.message}`);
    });
    client.onClose(() => void forward.stop());
    return client;
  } catch (err) {
    await forward.stop();
    throw err;
  }
}
