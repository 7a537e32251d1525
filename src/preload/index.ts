/**
 * The preload: exposes `window.headroom` (HeadroomApi) to the sandboxed page
 * through contextBridge. Only these two named functions cross the bridge, each
 * limited to the contract's channels; the page never sees ipcRenderer or the
 * IPC event objects.
 *
 * A rejected call rejects with a plain ApiError object ({ code, message }),
 * the same shape the web mode's transport uses.
 */

import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  INVOKE_CHANNELS,
  PUSH_CHANNELS,
  type ApiError,
  type HeadroomApi,
  type InvokeChannel,
  type PushChannel,
  type PushChannels,
  type Req,
  type Res,
} from '../shared/contract.ts';

type Envelope = { ok: true; value: unknown } | { ok: false; error: ApiError };

const api: HeadroomApi = {
  async invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
    if (!INVOKE_CHANNELS.includes(channel)) {
      throw { code: 'bad-request', message: `unknown channel "${String(channel).slice(0, 60)}"` } satisfies ApiError;
    }
    const reply = (await ipcRenderer.invoke(channel, arg)) as Envelope;
    if (reply.ok) return reply.value as Res<C>;
    throw reply.error;
  },
  on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void {
    if (!PUSH_CHANNELS.includes(channel) || typeof listener !== 'function') return () => {};
    const handler = (_event: IpcRendererEvent, payload: PushChannels[C]) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
};

contextBridge.exposeInMainWorld('headroom', api);
