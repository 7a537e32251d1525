/**
 * The web mode's transport: HeadroomApi over one WebSocket to the server that
 * served this page. The page URL is /<token>/…, so the socket URL derived from
 * it (/<token>/ws) carries the token without the page having to handle it.
 *
 * The socket reconnects by itself (the server restarts, the laptop sleeps);
 * calls made while it is down wait for it, calls in flight when it drops fail.
 */

import type { ApiError, HeadroomApi, InvokeChannel, PushChannel, PushChannels, Req, Res } from '../../shared/contract.ts';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: ApiError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** A fix waits out its grace period (seconds) before reporting: allow for it. */
const CALL_TIMEOUT_MS = 120000;

export interface WsApi extends HeadroomApi {
  /** Called on every status change, and once at once with the current status. Returns unsubscribe. */
  onStatus(listener: (s: ConnectionStatus) => void): () => void;
}

/** The socket URL for a page at http(s)://host/<token>/… */
export function socketUrlFor(pageUrl: string): string {
  const u = new URL('ws', pageUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.search = '';
  u.hash = '';
  return u.href;
}

export function createWsApi(url: string): WsApi {
  let ws: WebSocket | null = null;
  let status: ConnectionStatus = 'connecting';
  let nextId = 1;
  let retryMs = 500;
  const pending = new Map<number, Pending>();
  const waiting: (() => void)[] = [];
  const pushListeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    for (const l of statusListeners) l(s);
  };

  const connect = () => {
    setStatus('connecting');
    const sock = new WebSocket(url);
    ws = sock;
    sock.onopen = () => {
      retryMs = 500;
      setStatus('open');
      for (const w of waiting.splice(0)) w();
    };
    sock.onmessage = (ev) => {
      let msg: { id?: unknown; ok?: unknown; value?: unknown; error?: ApiError; push?: unknown; payload?: unknown };
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return;
      }
      if (typeof msg.push === 'string') {
        for (const l of pushListeners.get(msg.push) ?? []) l(msg.payload);
        return;
      }
      const p = typeof msg.id === 'number' ? pending.get(msg.id) : undefined;
      if (!p) return;
      pending.delete(msg.id as number);
      clearTimeout(p.timer);
      if (msg.ok === true) p.resolve(msg.value);
      else p.reject(msg.error ?? { code: 'internal', message: 'malformed reply' });
    };
    sock.onclose = () => {
      if (ws !== sock) return;
      ws = null;
      for (const [id, p] of pending) {
        clearTimeout(p.timer);
        p.reject({ code: 'internal', message: 'connection to Headroom lost' });
        pending.delete(id);
      }
      setStatus('closed');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 10000);
    };
  };
  connect();

  const whenOpen = () =>
    status === 'open' && ws?.readyState === WebSocket.OPEN ? Promise.resolve() : new Promise<void>((r) => waiting.push(r));

  return {
    async invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
      await whenOpen();
      const id = nextId++;
      return new Promise<Res<C>>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject({ code: 'internal', message: `${channel}: no answer from Headroom` } satisfies ApiError);
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        ws?.send(JSON.stringify({ id, channel, arg: arg ?? null }));
      });
    },
    on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void {
      let set = pushListeners.get(channel);
      if (!set) pushListeners.set(channel, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => set.delete(l);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
  };
}
