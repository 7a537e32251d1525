/**
 * The local channel's handshake and where it lives. Kept apart from the socket
 * code so the same rules hold for the server, the client, and later for the
 * same channel carried over an SSH-forwarded socket (`ssh -L local.sock:remote.sock`):
 * the first line each way says who is talking and which contract it speaks,
 * before any request is answered.
 *
 *   client → engine  { "hello": "headroom-channel", "version": 1, "snapshotVersion": 1, "subscribe": ["snapshot:push"] }
 *   engine → client  { "hello": "headroom-channel", "version": 1, "snapshotVersion": 1, "engine": EngineInfo,
 *                      "invoke": [...channels], "push": [...channels] }
 *                 or { "hello": "headroom-channel", "error": { "code": "refused", "message": "…" } } and close
 *
 * After the hello, frames are the WebSocket's: requests { id, channel, arg },
 * replies { id, ok, value | error }, pushes { push, payload }.
 */

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { INVOKE_CHANNELS, PUSH_CHANNELS, type ApiError, type InvokeChannel, type PushChannel } from '../../../shared/contract.ts';
import { SNAPSHOT_VERSION } from '../../../shared/model.ts';

export const CHANNEL_HELLO = 'headroom-channel';
/** Bumped when the framing or the handshake changes (not when channels are added: those are listed in the hello). */
export const CHANNEL_VERSION = 1;

/** Which engine answers: shown by attached commands and in the "already running" message. */
export interface EngineInfo {
  /** What runs the engine: 'serve', 'desktop', 'watch', 'metrics'. */
  kind: string;
  pid: number;
  /** Epoch ms. */
  startedAt: number;
  dataDir: string;
}

export interface ClientHello {
  hello: typeof CHANNEL_HELLO;
  version: number;
  snapshotVersion: number;
  subscribe: PushChannel[];
}

export interface ServerHello {
  hello: typeof CHANNEL_HELLO;
  version: number;
  snapshotVersion: number;
  engine: EngineInfo;
  invoke: string[];
  push: string[];
}

export function clientHello(subscribe: readonly PushChannel[]): ClientHello {
  return { hello: CHANNEL_HELLO, version: CHANNEL_VERSION, snapshotVersion: SNAPSHOT_VERSION, subscribe: [...subscribe] };
}

export function serverHello(engine: EngineInfo): ServerHello {
  return { hello: CHANNEL_HELLO, version: CHANNEL_VERSION, snapshotVersion: SNAPSHOT_VERSION, engine, invoke: [...INVOKE_CHANNELS], push: [...PUSH_CHANNELS] };
}

/** Checks a client's hello; returns the pushes it asked for, or the error to answer with. */
export function acceptClientHello(msg: unknown): { ok: true; subscribe: Set<PushChannel> } | { ok: false; error: ApiError } {
  const rec = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : null;
  if (!rec || rec.hello !== CHANNEL_HELLO) return refuse('the first message must be the channel hello');
  if (rec.version !== CHANNEL_VERSION) return refuse(`channel version ${String(rec.version).slice(0, 20)} is not spoken here (this engine speaks ${CHANNEL_VERSION})`);
  if (rec.snapshotVersion !== SNAPSHOT_VERSION) return refuse(`snapshot version ${String(rec.snapshotVersion).slice(0, 20)} differs from this engine's ${SNAPSHOT_VERSION}: update Headroom`);
  const subscribe = new Set<PushChannel>();
  if (rec.subscribe !== undefined) {
    if (!Array.isArray(rec.subscribe) || rec.subscribe.length > PUSH_CHANNELS.length) return refuse('subscribe must be a list of push channels');
    for (const c of rec.subscribe) {
      if (typeof c !== 'string' || !(PUSH_CHANNELS as readonly string[]).includes(c)) return refuse(`unknown push channel ${JSON.stringify(c).slice(0, 60)}`);
      subscribe.add(c as PushChannel);
    }
  }
  return { ok: true, subscribe };
}

/** Checks the engine's hello against what this client needs; returns the engine, or why it cannot be used. */
export function acceptServerHello(msg: unknown, needs: readonly InvokeChannel[]): { ok: true; engine: EngineInfo } | { ok: false; message: string } {
  const rec = typeof msg === 'object' && msg !== null && !Array.isArray(msg) ? (msg as Record<string, unknown>) : null;
  if (!rec || rec.hello !== CHANNEL_HELLO) return { ok: false, message: 'the other end is not a Headroom engine' };
  const err = rec.error as ApiError | undefined;
  if (err && typeof err.message === 'string') return { ok: false, message: `the engine refused the connection: ${err.message.slice(0, 200)}` };
  if (rec.version !== CHANNEL_VERSION) return { ok: false, message: `the engine speaks channel version ${String(rec.version).slice(0, 20)}, this command ${CHANNEL_VERSION}` };
  if (rec.snapshotVersion !== SNAPSHOT_VERSION) return { ok: false, message: `the engine's snapshot version ${String(rec.snapshotVersion).slice(0, 20)} differs from this command's ${SNAPSHOT_VERSION}` };
  const invoke = Array.isArray(rec.invoke) ? (rec.invoke as unknown[]) : [];
  const missing = needs.filter((c) => !invoke.includes(c));
  if (missing.length > 0) return { ok: false, message: `the running engine is older and lacks ${missing.join(', ')}: restart it` };
  const e = rec.engine as Record<string, unknown> | undefined;
  if (!e || typeof e.kind !== 'string' || !Number.isSafeInteger(e.pid) || typeof e.startedAt !== 'number' || typeof e.dataDir !== 'string') {
    return { ok: false, message: 'the engine did not say who it is' };
  }
  return { ok: true, engine: { kind: e.kind.slice(0, 40), pid: e.pid as number, startedAt: e.startedAt, dataDir: e.dataDir } };
}

function refuse(message: string): { ok: false; error: ApiError } {
  return { ok: false, error: { code: 'refused', message } };
}

/**
 * Where the engine of `dataDir` listens: a Unix socket inside the data
 * directory (mode 0600), or on Windows a named pipe derived from the
 * directory's path (pipes live in their own namespace).
 */
export function channelPath(dataDir: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    const id = createHash('sha256').update(resolve(dataDir).toLowerCase()).digest('hex').slice(0, 24);
    return `\\\\.\\pipe\\headroom-${id}`;
  }
  return join(dataDir, 'engine.sock');
}

/** Unix socket paths are limited (108 bytes on Linux, 104 on macOS, including the terminating NUL). */
export const MAX_SOCKET_PATH_BYTES = 103;

/** "serve (PID 4242, since 10:42:07)": how a running engine is named in messages. */
export function describeEngine(e: Pick<EngineInfo, 'kind' | 'pid' | 'startedAt'>): string {
  const since = Number.isFinite(e.startedAt) && e.startedAt > 0 ? `, since ${new Date(e.startedAt).toLocaleString()}` : '';
  return `${e.kind} (PID ${e.pid}${since})`;
}
