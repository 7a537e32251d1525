/**
 * The Electron transport: every invoke channel as an ipcMain handler over the
 * one handler table, and the engine's pushes sent to our window.
 *
 * Only our own top-level page may call: a frame from anywhere else (an iframe,
 * a page that somehow navigated in) gets 'refused' without reaching a handler.
 */

import { ipcMain, webContents, type IpcMainInvokeEvent } from 'electron';
import { INVOKE_CHANNELS, type PushChannel, type PushChannels } from '../shared/contract.ts';
import { createApi, type Api, type ApiDeps, type DispatchResult } from './engine/api/handlers.ts';
import { forwardMachinePushes, forwardPushes, type MachinePushSource, type PushSource } from './engine/api/push.ts';
import { isTrustedPageUrl } from './windows.ts';

export interface IpcHandle {
  /** The handler table, for in-process callers (the tray runs fixes through it too). */
  api: Api;
  /** Removes the handlers and stops pushing. */
  dispose(): void;
}

/** True when the call comes from our renderer page's main frame. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isTrustedPageUrl(frame.url);
}

/** The followed box a page shows (`?machine=`), or null for this machine. */
function pageMachine(url: string): string | null {
  try {
    return new URL(url).searchParams.get('machine');
  } catch {
    return null;
  }
}

/** Sends one push to every live page that is ours; a box's own push only to the pages showing that box. */
function pushToPages(channel: PushChannel, payload: unknown): void {
  const onlyFor = channel === 'machine:push' ? (payload as PushChannels['machine:push']).machine : undefined;
  for (const wc of webContents.getAllWebContents()) {
    try {
      if (wc.isDestroyed() || !isTrustedPageUrl(wc.getURL())) continue;
      if (onlyFor !== undefined && pageMachine(wc.getURL()) !== onlyFor) continue;
      wc.send(channel, payload);
    } catch {
      /* a page closing mid-send is not an error */
    }
  }
}

/**
 * Registers the API on ipcMain for a Headroom (see createHeadroom) and forwards
 * its engine's snapshot/alerts/fixes to the window, and what the followed boxes
 * push. Call once, before createMainWindow().
 */
export function setupIpc(headroom: ApiDeps & { engine: ApiDeps['engine'] & PushSource }, machines: (NonNullable<ApiDeps['machines']> & MachinePushSource) | null = null): IpcHandle {
  const api = createApi({ ...headroom, machines });
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, async (event, arg: unknown): Promise<DispatchResult> => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'refused', message: 'calls are accepted from the Headroom window only' } };
      }
      return api.dispatch(channel, arg);
    });
  }
  const unsubscribeEngine = forwardPushes(headroom.engine, pushToPages);
  const unsubscribeMachines = machines ? forwardMachinePushes(machines, pushToPages) : () => {};
  const unsubscribe = () => {
    unsubscribeEngine();
    unsubscribeMachines();
  };
  return {
    api,
    dispose() {
      unsubscribe();
      for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
    },
  };
}
