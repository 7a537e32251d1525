/**
 * The web mode's connected pages: answers their requests through the handler
 * table and pushes engine updates to them.
 *
 * Wire format (JSON text frames):
 *   page → server   { "id": 7, "channel": "fix:run", "arg": { "id": "…" } }
 *   server → page   { "id": 7, "ok": true, "value": … } | { "id": 7, "ok": false, "error": ApiError }
 *   server → page   { "push": "snapshot:push", "payload": Snapshot }
 *
 * A client can hurt the server in two ways, and neither is allowed to: by
 * vanishing mid-send (every send tolerates a closed socket) and by not reading
 * (its outgoing buffer is bounded; past the bound it is dropped, since a page
 * that far behind is better off reconnecting and re-reading current state).
 */

import type { WebSocket } from 'ws';
import type { ApiError, PushChannel } from '../../../shared/contract.ts';
import type { Api } from '../api/handlers.ts';

export interface ClientLimits {
  /** Bytes queued for one client beyond which it is dropped instead of buffered. */
  maxBufferedBytes: number;
  /** Requests one client may have in flight; more are refused, not queued. */
  maxInFlight: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = { maxBufferedBytes: 8 * 1024 * 1024, maxInFlight: 32 };

interface Client {
  ws: WebSocket;
  inFlight: number;
  alive: boolean;
  /** The followed box its page shows (`?machine=` on the socket URL), or null for this machine. */
  machine: string | null;
}

export class WsClients {
  private readonly clients = new Set<Client>();
  private dropped = 0;

  constructor(
    private readonly api: Api,
    private readonly limits: ClientLimits = DEFAULT_CLIENT_LIMITS,
    private readonly log: (line: string) => void = () => {},
  ) {}

  get size(): number {
    return this.clients.size;
  }

  /** Clients dropped for not keeping up, since start. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Takes over an accepted WebSocket of a page that shows `machine` (null: this machine). */
  add(ws: WebSocket, machine: string | null = null): void {
    const client: Client = { ws, inFlight: 0, alive: true, machine };
    this.clients.add(client);
    // Without an 'error' listener a reset connection would be an uncaught exception.
    ws.on('error', () => this.remove(client));
    ws.on('close', () => this.remove(client));
    ws.on('pong', () => {
      client.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.reply(client, null, { ok: false, error: { code: 'bad-request', message: 'binary frames are not accepted' } });
        return;
      }
      void this.onMessage(client, data.toString());
    });
  }

  /**
   * Sends one push to every client — or, given `machine`, only to the pages
   * showing that box (a box's snapshots are for its own pages, not every
   * page's). Serialized once, whatever the number of clients.
   */
  broadcast(channel: PushChannel, payload: unknown, machine?: string): void {
    if (this.clients.size === 0) return;
    if (machine !== undefined && ![...this.clients].some((c) => c.machine === machine)) return;
    let text: string;
    try {
      text = JSON.stringify({ push: channel, payload });
    } catch (err) {
      this.log(`web: cannot serialize ${channel}: ${(err as Error).message}`);
      return;
    }
    for (const c of this.clients) if (machine === undefined || c.machine === machine) this.send(c, text);
  }

  /** Pings every client and drops those that did not answer the previous ping. */
  heartbeat(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        this.drop(c, 'no answer to ping');
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        this.remove(c);
      }
    }
  }

  /** Closes every connection (server shutdown). */
  closeAll(): void {
    for (const c of this.clients) {
      try {
        c.ws.close(1001, 'server shutting down');
      } catch {
        /* already gone */
      }
      // A client that never completes the close handshake must not hold the process open.
      setTimeout(() => c.ws.terminate(), 1000).unref();
    }
    this.clients.clear();
  }

  private async onMessage(client: Client, text: string): Promise<void> {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      this.reply(client, null, { ok: false, error: { code: 'bad-request', message: 'message is not JSON' } });
      return;
    }
    const envelope = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : null;
    const id = envelope && Number.isSafeInteger(envelope.id) ? (envelope.id as number) : null;
    if (!envelope || id === null) {
      this.reply(client, null, { ok: false, error: { code: 'bad-request', message: 'message must be {"id": integer, "channel": string, "arg"?: any}' } });
      return;
    }
    if (client.inFlight >= this.limits.maxInFlight) {
      this.reply(client, id, { ok: false, error: { code: 'refused', message: 'too many requests in flight' } });
      return;
    }
    client.inFlight++;
    try {
      // dispatch validates the channel and the argument and never throws.
      this.reply(client, id, await this.api.dispatch(envelope.channel, envelope.arg));
    } finally {
      client.inFlight--;
    }
  }

  private reply(client: Client, id: number | null, result: { ok: true; value: unknown } | { ok: false; error: ApiError }): void {
    let text: string;
    try {
      text = JSON.stringify({ id, ...result });
    } catch (err) {
      text = JSON.stringify({ id, ok: false, error: { code: 'internal', message: `unserializable result: ${(err as Error).message}` } });
    }
    this.send(client, text);
  }

  private send(client: Client, text: string): void {
    const ws = client.ws;
    if (ws.readyState !== ws.OPEN) {
      this.remove(client);
      return;
    }
    if (ws.bufferedAmount + text.length > this.limits.maxBufferedBytes) {
      this.drop(client, `more than ${this.limits.maxBufferedBytes} bytes waiting`);
      return;
    }
    // The callback swallows the error of a socket that closes mid-write; 'close' cleans up.
    ws.send(text, (err) => {
      if (err) this.remove(client);
    });
  }

  private drop(client: Client, why: string): void {
    this.dropped++;
    this.log(`web: dropped a client: ${why}`);
    this.remove(client);
    client.ws.terminate();
  }

  private remove(client: Client): void {
    this.clients.delete(client);
  }
}
