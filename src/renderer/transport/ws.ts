/**
 * The web mode's transport: HeadroomApi over one WebSocket to the server that
 * served this page. The page URL is /<token>/…, so the socket URL derived from
 * it (/<token>/ws) carries the token without the page having to handle it.
 *
 * The socket reconnects by itself (the server restarts, the laptop sleeps);
 * calls made while it is down wait for it, calls in flight when it drops fail.
 */

import type { ApiError, HeadroomApi, InvokeChannel, PushChannel, PushChannels, Req, Res } from '../../shared/contract.ts';
import { addPushListener, awaitReply, routeServerMessage, type PendingCall } from '../../shared/reply-router.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

/** What the transport needs of a WebSocket: the browser's, or the `ws` package's in tests under Node. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((ev: never) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: never) => void) | null;
  onerror: ((ev: never) => void) | null;
  send(data: string): void;
  close(): void;
}

export interface SocketClass {
  new (url: string): SocketLike;
  readonly OPEN: number;
}

/** A fix waits out its grace period (seconds) before reporting: allow for it. */
const CALL_TIMEOUT_MS = 120000;

export interface WsApi extends HeadroomApi {
  /** Called on every status change, and once at once with the current status. Returns unsubscribe. */
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
  /** Closes the socket for good: no reconnecting; calls waiting or in flight fail, later ones fail at once. */
  close(): void;
}

/** The socket URL for a page at http(s)://host/<token>/… */
export function socketUrlFor(pageUrl: string, machine: string | null = null): string {
  const u = new URL('ws', pageUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  // The box the page shows: the server sends it that box's pushes and no other box's.
  u.search = machine === null ? '' : `?machine=${encodeURIComponent(machine)}`;
  u.hash = '';
  return u.href;
}

/** The page's own WebSocket class (none under Node before version 22). */
function globalSocketClass(): SocketClass {
  const cls = (globalThis as unknown as { WebSocket?: SocketClass }).WebSocket;
  if (!cls) throw new Error('no WebSocket class here: pass one to createWsApi');
  return cls;
}

/** HeadroomApi over a WebSocket to `url`, reconnecting by itself. `Socket` is the page's WebSocket unless given. */
export function createWsApi(url: string, Socket: SocketClass = globalSocketClass()): WsApi {
  let ws: SocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let nextId = 1;
  let retryMs = 500;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closedForGood = false;
  const pending = new Map<number, PendingCall>();
  /** Calls made while the socket is not open: resumed when it opens, failed when it is closed for good. */
  const waiting: { resume: () => void; fail: (e: ApiError) => void }[] = [];
  const pushListeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  const failPending = (message: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject({ code: 'internal', message });
      pending.delete(id);
    }
  };

  const connect = () => {
    retryTimer = null;
    setStatus('connecting');
    const sock = new Socket(url);
    ws = sock;
    sock.onopen = () => {
      retryMs = 500;
      setStatus('open');
      for (const w of waiting.splice(0)) w.resume();
    };
    sock.onmessage = (ev) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      routeServerMessage(msg, pending, pushListeners);
    };
    // A close always follows an error, and is where the socket is replaced; the `ws` package used
    // under Node would otherwise throw its errors (e.g. when closed while still connecting).
    sock.onerror = () => {};
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      failPending('connection to Headroom lost');
      setStatus('closed');
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    };
  };
  connect();

  const whenOpen = () => new Promise<void>((resume, fail) => waiting.push({ resume, fail }));
  const closedError = (): ApiError => ({ code: 'internal', message: 'the connection to Headroom was closed' });

  return {
    async invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
      if (closedForGood) throw closedError();
      // Sent in this very call when the socket is open, so a caller that goes on with heavy work has its request out first.
      if (!(status === 'open' && ws?.readyState === Socket.OPEN)) await whenOpen();
      const id = nextId++;
      const reply = awaitReply<Res<C>>(pending, id, CALL_TIMEOUT_MS, `${channel}: no answer from Headroom`);
      try {
        ws?.send(JSON.stringify({ id, channel, arg: arg ?? null }));
      } catch (err) {
        // An argument that cannot be sent as JSON (a cycle, a BigInt): this call's answer, not a throw.
        routeServerMessage({ id, ok: false, error: { code: 'internal', message: `${channel}: ${(err as Error).message}` } }, pending, pushListeners);
      }
      return reply;
    },
    on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void {
      return addPushListener(pushListeners, channel, listener as (p: unknown) => void);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
    close() {
      if (closedForGood) return;
      closedForGood = true;
      if (retryTimer) clearTimeout(retryTimer);
      const sock = ws;
      ws = null;
      sock?.close();
      failPending(closedError().message);
      for (const w of waiting.splice(0)) w.fail(closedError());
      setStatus('closed');
    },
  };
}
