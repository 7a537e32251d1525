/**
 * The engine's end of the local channel: a Unix socket (mode 0600, in the data
 * directory) or a Windows named pipe, answering the same requests through the
 * same handler table as IPC and the WebSocket, and pushing the same updates to
 * clients that subscribed in their hello.
 *
 * Who may connect is decided by the socket's file mode: owner only. Node does
 * not expose the peer's credentials (SO_PEERCRED), so the server cannot check
 * the peer's uid itself; the socket is created under a 0177 umask (no window
 * in which it is open to others) and chmod'ed 0600 again after listen.
 *
 * A client can hurt the engine in three ways and none is allowed to: by
 * sending garbage (one error reply; a frame past the bound closes it), by not
 * reading (its output is bounded; past the bound it is dropped), and by
 * vanishing (every write tolerates a closed socket).
 */

import { chmodSync, lstatSync, renameSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import type { ApiError, PushChannel } from '../../../shared/contract.ts';
import type { Api } from '../api/handlers.ts';
import { forwardPushes, type PushSource } from '../api/push.ts';
import { encodeFrame, FrameReader, FrameTooLarge, MAX_REQUEST_FRAME_BYTES } from './frames.ts';
import { acceptClientHello, CHANNEL_HELLO, MAX_SOCKET_PATH_BYTES, serverHello, type EngineInfo } from './protocol.ts';

export interface ChannelLimits {
  /** Bytes waiting for one client beyond which it is dropped. */
  maxBufferedBytes: number;
  maxInFlight: number;
  /** A client must send its hello within this time. */
  helloTimeoutMs: number;
  maxClients: number;
}

export const DEFAULT_CHANNEL_LIMITS: ChannelLimits = { maxBufferedBytes: 16 * 1024 * 1024, maxInFlight: 32, helloTimeoutMs: 5000, maxClients: 64 };

export interface ChannelServerOptions {
  path: string;
  api: Api;
  pushes: PushSource;
  engine: EngineInfo;
  log: (line: string) => void;
  limits?: Partial<ChannelLimits>;
}

export interface ChannelServer {
  readonly path: string;
  readonly clientCount: number;
  close(): Promise<void>;
}

interface Client {
  socket: Socket;
  greeted: boolean;
  subscribed: Set<PushChannel>;
  inFlight: number;
}

/** Starts listening; rejects with a clear message when the path is unusable or another engine answers there. */
export async function startChannelServer(opts: ChannelServerOptions): Promise<ChannelServer> {
  const limits = { ...DEFAULT_CHANNEL_LIMITS, ...opts.limits };
  const isPipe = opts.path.startsWith('\\\\');
  if (!isPipe) {
    if (Buffer.byteLength(opts.path) > MAX_SOCKET_PATH_BYTES) {
      throw new Error(`the channel socket path ${opts.path} is longer than the ${MAX_SOCKET_PATH_BYTES} bytes a Unix socket allows; use a shorter HEADROOM_HOME`);
    }
    await clearLeftover(opts.path, opts.log);
  }
  const clients = new Set<Client>();
  const server = createServer({ allowHalfOpen: false }, (socket) => {
    if (clients.size >= limits.maxClients) {
      socket.end(encodeFrame({ hello: CHANNEL_HELLO, error: { code: 'refused', message: 'too many clients' } }));
      return;
    }
    const client: Client = { socket, greeted: false, subscribed: new Set(), inFlight: 0 };
    clients.add(client);
    serveClient(client, opts, limits, () => clients.delete(client));
  });
  await listen(server, opts.path, isPipe);
  if (!isPipe) chmodSync(opts.path, 0o600);

  const broadcast = (channel: PushChannel, payload: unknown) => {
    let text: string | null = null;
    for (const c of clients) {
      if (!c.greeted || !c.subscribed.has(channel)) continue;
      // Serialized once, and only when someone listens.
      text ??= encodeFrame({ push: channel, payload });
      send(c, text, limits, opts.log);
    }
  };
  const unsubscribe = forwardPushes(opts.pushes, broadcast);

  let closed = false;
  return {
    path: opts.path,
    get clientCount() {
      return clients.size;
    },
    async close() {
      if (closed) return;
      closed = true;
      unsubscribe();
      for (const c of clients) c.socket.destroy();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      // net.Server removes its own socket file on close; a leftover is harmless (the next engine clears it).
    },
  };
}

function listen(server: Server, path: string, isPipe: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(new Error(err.code === 'EADDRINUSE' ? `another engine already listens on ${path}` : `cannot listen on ${path}: ${err.code ?? err.message}`));
    };
    server.once('error', onError);
    // Owner-only from the moment the socket exists: listen() binds synchronously, inside the narrowed umask.
    const old = isPipe ? null : process.umask(0o177);
    try {
      server.listen(path, () => {
        server.off('error', onError);
        server.on('error', () => {}); // later accept errors must not crash the engine
        resolve();
      });
    } finally {
      if (old !== null) process.umask(old);
    }
  });
}

/**
 * A socket file left behind by a killed engine is removed (nothing answers on
 * it, so it holds nothing); any other file in its place is moved aside, not
 * deleted; a socket on which an engine still answers is refused.
 */
async function clearLeftover(path: string, log: (line: string) => void): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return; // nothing there
  }
  if (!isSocket) {
    const keptAs = `${path}.not-a-socket-${Date.now()}`;
    renameSync(path, keptAs);
    log(`engine: ${path} was not a socket; kept it as ${keptAs}`);
    return;
  }
  if (await answers(path)) throw new Error(`another engine already listens on ${path}`);
  try {
    unlinkSync(path);
    log(`engine: removed the channel socket left by an engine that is no longer running (${path})`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Does anything accept connections on this socket? (ECONNREFUSED: a leftover file.) */
export function answers(path: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    const done = (v: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done(true), timeoutMs); // accepted but silent: something is there
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function serveClient(client: Client, opts: ChannelServerOptions, limits: ChannelLimits, forget: () => void): void {
  const { socket } = client;
  const reader = new FrameReader(MAX_REQUEST_FRAME_BYTES);
  const helloTimer = setTimeout(() => refuseAndClose(client, 'no hello within the time allowed'), limits.helloTimeoutMs);
  helloTimer.unref();
  socket.on('error', () => {}); // a reset connection is the client's business; 'close' cleans up
  socket.on('close', () => {
    clearTimeout(helloTimer);
    forget();
  });
  socket.on('data', (chunk: Buffer) => {
    let frames;
    try {
      frames = reader.push(chunk);
    } catch (err) {
      if (err instanceof FrameTooLarge) refuseAndClose(client, `${err.message}: closing (where the next message starts is unknown)`);
      return;
    }
    for (const f of frames) {
      if (!client.greeted) {
        clearTimeout(helloTimer);
        const verdict = f.ok ? acceptClientHello(f.value) : { ok: false as const, error: { code: 'bad-request' as const, message: f.error } };
        if (!verdict.ok) {
          refuseAndClose(client, verdict.error.message);
          return;
        }
        client.greeted = true;
        client.subscribed = verdict.subscribe;
        send(client, encodeFrame(serverHello(opts.engine)), limits, opts.log);
        continue;
      }
      if (!f.ok) {
        reply(client, null, { ok: false, error: { code: 'bad-request', message: f.error } }, limits, opts.log);
        continue;
      }
      void onRequest(client, f.value, opts, limits);
    }
  });
}

async function onRequest(client: Client, msg: unknown, opts: ChannelServerOptions, limits: ChannelLimits): Promise<void> {
  const envelope = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : null;
  const id = envelope && Number.isSafeInteger(envelope.id) ? (envelope.id as number) : null;
  if (!envelope || id === null) {
    reply(client, null, { ok: false, error: { code: 'bad-request', message: 'message must be {"id": integer, "channel": string, "arg"?: any}' } }, limits, opts.log);
    return;
  }
  if (client.inFlight >= limits.maxInFlight) {
    reply(client, id, { ok: false, error: { code: 'refused', message: 'too many requests in flight' } }, limits, opts.log);
    return;
  }
  client.inFlight++;
  try {
    // dispatch validates channel and argument and never throws.
    reply(client, id, await opts.api.dispatch(envelope.channel, envelope.arg), limits, opts.log);
  } finally {
    client.inFlight--;
  }
}

function reply(client: Client, id: number | null, result: { ok: true; value: unknown } | { ok: false; error: ApiError }, limits: ChannelLimits, log: (l: string) => void): void {
  let text: string;
  try {
    text = encodeFrame({ id, ...result });
  } catch (err) {
    text = encodeFrame({ id, ok: false, error: { code: 'internal', message: `unserializable result: ${(err as Error).message}` } });
  }
  send(client, text, limits, log);
}

function send(client: Client, text: string, limits: ChannelLimits, log: (l: string) => void): void {
  const s = client.socket;
  if (s.destroyed || !s.writable) return;
  if (s.writableLength + text.length > limits.maxBufferedBytes) {
    log(`channel: dropped a client: more than ${limits.maxBufferedBytes} bytes waiting`);
    s.destroy();
    return;
  }
  s.write(text);
}

function refuseAndClose(client: Client, message: string): void {
  const s = client.socket;
  if (s.destroyed) return;
  s.end(encodeFrame({ hello: CHANNEL_HELLO, error: { code: 'refused', message } }));
  // A client that never reads its refusal must not hold the connection open.
  setTimeout(() => s.destroy(), 1000).unref();
}
