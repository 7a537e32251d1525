/**
 * The commands' end of the local channel: HeadroomApi over the engine's socket
 * (or named pipe), so `watch`, `snapshot`, `fixes` and the rest show exactly
 * what the running engine knows. Unlike the page's WebSocket client it does
 * not reconnect: a command attached to an engine that goes away says so and
 * ends (see src/cli/attach.ts).
 *
 * Before connecting it checks that the socket belongs to this user: the
 * server's 0600 mode keeps others out of the engine, and this check keeps a
 * socket planted by someone else from posing as it.
 */

import { lstatSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { ApiError, HeadroomApi, InvokeChannel, PushChannel, PushChannels, Req, Res } from '../../../shared/contract.ts';
import { addPushListener, awaitReply, routeServerMessage, type PendingCall } from '../../../shared/reply-router.ts';
import { encodeFrame, FrameReader, FrameTooLarge, MAX_REPLY_FRAME_BYTES } from './frames.ts';
import { acceptServerHello, clientHello, type EngineInfo } from './protocol.ts';

export interface ChannelClient extends HeadroomApi {
  /** The engine that answered the hello. */
  readonly engine: EngineInfo;
  /** Called once when the connection ends (engine stopped, refused, or close()). */
  onClose(listener: (reason: string) => void): void;
  close(): void;
}

export interface ConnectOptions {
  subscribe?: readonly PushChannel[];
  /** Channels this client will call: an engine lacking one is refused at the hello. */
  needs?: readonly InvokeChannel[];
  /** For connecting and the hello. */
  timeoutMs?: number;
  /** Per request; a fix waits out its grace period before answering. */
  callTimeoutMs?: number;
}

/** Why the channel could not be used; `code` 'absent' means nothing listens there (no engine). */
export class ChannelError extends Error {
  constructor(
    readonly code: 'absent' | 'untrusted' | 'refused' | 'timeout',
    message: string,
  ) {
    super(message);
  }
}

/** Connects and completes the hello; rejects with a ChannelError. */
export function connectChannel(path: string, opts: ConnectOptions = {}): Promise<ChannelClient> {
  checkOwner(path);
  const timeoutMs = opts.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const reader = new FrameReader(MAX_REPLY_FRAME_BYTES);
    let client: ReturnType<typeof makeClient> | null = null;
    const fail = (err: ChannelError) => {
      clearTimeout(timer);
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new ChannelError('timeout', `the engine at ${path} did not answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once('connect', () => socket.write(encodeFrame(clientHello(opts.subscribe ?? []))));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (client) return; // 'close' follows and ends the client
      const absent = err.code === 'ENOENT' || err.code === 'ECONNREFUSED';
      fail(new ChannelError(absent ? 'absent' : 'refused', absent ? `no engine listens on ${path}` : `cannot connect to ${path}: ${err.code ?? err.message}`));
    });
    socket.on('close', () => {
      if (client) client.ended('the engine closed the connection');
      else fail(new ChannelError('refused', `the engine at ${path} closed the connection during the hello`));
    });
    socket.on('data', (chunk: Buffer) => {
      let frames;
      try {
        frames = reader.push(chunk);
      } catch (err) {
        if (!(err instanceof FrameTooLarge)) throw err;
        if (client) client.ended(`the engine sent ${err.message}`);
        else fail(new ChannelError('refused', `the engine sent ${err.message}`));
        socket.destroy();
        return;
      }
      for (const f of frames) {
        if (!f.ok) continue; // nothing to answer: a malformed line from the engine is skipped
        if (client) {
          client.receive(f.value);
          continue;
        }
        const hello = acceptServerHello(f.value, opts.needs ?? []);
        if (!hello.ok) {
          fail(new ChannelError('refused', hello.message));
          return;
        }
        clearTimeout(timer);
        client = makeClient(socket, hello.engine, opts.callTimeoutMs ?? 180000);
        resolve(client.api);
      }
    });
  });
}

/** Refuses a socket owned by another user (POSIX; pipes and Windows have their own ACLs). */
function checkOwner(path: string): void {
  if (path.startsWith('\\\\') || typeof process.getuid !== 'function') return;
  let st;
  try {
    st = lstatSync(path);
  } catch {
    throw new ChannelError('absent', `no engine listens on ${path}`);
  }
  if (!st.isSocket()) throw new ChannelError('untrusted', `${path} is not a socket`);
  if (st.uid !== process.getuid()) throw new ChannelError('untrusted', `${path} belongs to another user (uid ${st.uid}); not connecting to it`);
}

function makeClient(socket: Socket, engine: EngineInfo, callTimeoutMs: number) {
  let nextId = 1;
  let closed: string | null = null;
  const pending = new Map<number, PendingCall>();
  const pushListeners = new Map<string, Set<(p: unknown) => void>>();
  const closeListeners = new Set<(reason: string) => void>();

  const ended = (reason: string) => {
    if (closed !== null) return;
    closed = reason;
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject({ code: 'internal', message: reason });
      pending.delete(id);
    }
    socket.destroy();
    for (const l of closeListeners) l(reason);
  };

  const receive = (value: unknown) => {
    const msg = value as { hello?: unknown; error?: ApiError } | null;
    // A hello-shaped refusal can come at any time (a frame too long, the engine shutting down): it ends the connection.
    if (msg && typeof msg === 'object' && msg.hello !== undefined && msg.error) {
      ended(`the engine closed the connection: ${String(msg.error.message).slice(0, 200)}`);
      return;
    }
    routeServerMessage(value, pending, pushListeners);
  };

  const api: ChannelClient = {
    engine,
    invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
      if (closed !== null) return Promise.reject({ code: 'internal', message: closed } satisfies ApiError);
      const id = nextId++;
      const reply = awaitReply<Res<C>>(pending, id, callTimeoutMs, `${channel}: no answer from the engine`);
      try {
        socket.write(encodeFrame({ id, channel, arg: arg ?? null }));
      } catch (err) {
        // An argument that cannot be framed (or a socket that throws): this call's answer, not a throw.
        routeServerMessage({ id, ok: false, error: { code: 'internal', message: `${channel}: ${(err as Error).message}` } }, pending, pushListeners);
      }
      return reply;
    },
    on<C extends PushChannel>(channel: C, listener: (payload: PushChannels[C]) => void): () => void {
      return addPushListener(pushListeners, channel, listener as (p: unknown) => void);
    },
    onClose(listener) {
      if (closed !== null) listener(closed);
      else closeListeners.add(listener);
    },
    close() {
      ended('closed');
    },
  };
  return { api, receive, ended };
}
