/**
 * The client half of the wire format the WebSocket and the local channel share
 * (requests `{id, channel, arg}`; replies `{id, ok, value | error}`; pushes
 * `{push, payload}`): routes one message from the engine to the call waiting
 * for it or to the push listeners. Both clients keep their own connection
 * handling; this is the part that must not differ between them.
 */

import type { ApiError } from './contract.ts';

/** One request in flight. */
export interface PendingCall {
  resolve: (v: unknown) => void;
  reject: (e: ApiError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Delivers `msg` (already parsed); anything that is neither a push nor a reply to a pending call is ignored. */
export function routeServerMessage(msg: unknown, pending: Map<number, PendingCall>, pushListeners: ReadonlyMap<string, Set<(p: unknown) => void>>): void {
  const m = (typeof msg === 'object' && msg !== null ? msg : {}) as { id?: unknown; ok?: unknown; value?: unknown; error?: ApiError; push?: unknown; payload?: unknown };
  if (typeof m.push === 'string') {
    for (const l of pushListeners.get(m.push) ?? []) l(m.payload);
    return;
  }
  const p = typeof m.id === 'number' ? pending.get(m.id) : undefined;
  if (!p) return;
  pending.delete(m.id as number);
  clearTimeout(p.timer);
  if (m.ok === true) p.resolve(m.value);
  else p.reject(m.error ?? { code: 'internal', message: 'malformed reply' });
}

/**
 * Registers call `id` in `pending` and returns the promise its reply settles;
 * with no reply within `timeoutMs` it rejects with `timeoutMessage`. The caller
 * sends the request after this (so a reply can never arrive unregistered).
 */
export function awaitReply<T>(pending: Map<number, PendingCall>, id: number, timeoutMs: number, timeoutMessage: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      reject({ code: 'internal', message: timeoutMessage } satisfies ApiError);
    }, timeoutMs);
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
  });
}

/** Adds a push listener for `channel`; returns its removal. */
export function addPushListener(listeners: Map<string, Set<(p: unknown) => void>>, channel: string, listener: (p: unknown) => void): () => void {
  let set = listeners.get(channel);
  if (!set) listeners.set(channel, (set = new Set()));
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}
