/**
 * A followed box's engine as a HeadroomApi, over the window's own connection:
 * calls go through machine:invoke (main relays them to the box, whose engine
 * validates and answers them; a fix runs there), and the box's pushes arrive
 * as machine:push tagged with its name. The views take this in place of the
 * local API and need not know which machine they show.
 */

import { MACHINE_CHANNELS, type ApiError, type HeadroomApi, type InvokeChannel, type MachineChannel, type PushChannel, type PushChannels, type Req, type Res } from '../../shared/contract.ts';

/** The box's own pushes; machines:push and machine:push are the window's, not the box's. */
const BOX_PUSHES = new Set<PushChannel>(['snapshot:push', 'alerts:push', 'fixes:push']);

export function machineApi(base: HeadroomApi, machine: string): HeadroomApi {
  return {
    async invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
      if (!(MACHINE_CHANNELS as readonly string[]).includes(channel)) {
        // settings:set above all: a box's settings are changed on the box.
        throw { code: 'refused', message: `${machine}: ${channel} is not available for a followed machine` } satisfies ApiError;
      }
      const value = await base.invoke('machine:invoke', arg === undefined ? { machine, channel: channel as MachineChannel } : { machine, channel: channel as MachineChannel, arg });
      // The box speaks the same contract (its hello was version-checked), so its answer is Res<C>.
      return value as Res<C>;
    },
    on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void {
      if (!BOX_PUSHES.has(channel)) return base.on(channel, listener);
      return base.on('machine:push', (p) => {
        if (p.machine === machine && p.channel === channel) listener(p.payload as PushChannels[C]);
      });
    },
  };
}
