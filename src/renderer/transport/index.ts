/**
 * Picks the transport: the Electron preload's `window.headroom` when present,
 * else the web mode's WebSocket. Nothing else in the renderer knows which one
 * it got; both speak HeadroomApi and reject with ApiError values.
 */

import type { HeadroomApi } from '../../shared/contract.ts';
import { selectedMachine } from '../machine.ts';
import { createWsApi, socketUrlFor, type ConnectionStatus } from './ws.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts). */
    headroom?: HeadroomApi;
    /** Opened by boot.js before main.js runs (src/renderer/boot.ts). */
    headroomConnection?: Connection;
  }
}

export type { ConnectionStatus };

export interface Connection {
  api: HeadroomApi;
  transport: 'ipc' | 'web';
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
}

export function connect(): Connection {
  const bridged = window.headroom;
  if (bridged) {
    // IPC has no connection to lose: it is open for the window's lifetime.
    return { api: bridged, transport: 'ipc', onStatus: (l) => (l('open'), () => {}) };
  }
  const ws = createWsApi(socketUrlFor(location.href, selectedMachine(location.search)));
  return { api: ws, transport: 'web', onStatus: (l) => ws.onStatus(l) };
}
