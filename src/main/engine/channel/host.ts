/**
 * Runs a Headroom as *the* engine of its data directory: takes the engine
 * lock, builds the Headroom, and opens the local channel that the other
 * commands attach to. The desktop app, `serve` and a standalone `watch` start
 * through here; one-shot commands (snapshot, fixes, …) never do, since they
 * neither record history nor raise alerts.
 */

import { mkdirSync } from 'node:fs';
import { createApi } from '../api/handlers.ts';
import { createHeadroom, type Headroom, type HeadroomOptions } from '../create.ts';
import { defaultDataDir } from '../paths.ts';
import { connectChannel } from './client.ts';
import { acquireEngineLock, EngineLockedError } from './lock.ts';
import { channelPath, type EngineInfo } from './protocol.ts';
import { startChannelServer, type ChannelServer } from './server.ts';

export interface HostedHeadroom extends Headroom {
  /** The local channel, or null when it could not be opened (commands then run standalone). */
  channel: ChannelServer | null;
  engineInfo: EngineInfo;
}

/** Asks whoever listens on `path` who they are; null when no engine answers. */
export async function probeEngine(path: string, timeoutMs = 2000): Promise<EngineInfo | null> {
  try {
    const c = await connectChannel(path, { timeoutMs });
    c.close();
    return c.engine;
  } catch {
    return null;
  }
}

/**
 * Builds the engine of the data directory. Throws EngineLockedError (one
 * line, naming the running engine) when another engine has it.
 */
export async function hostEngine(kind: string, opts: HeadroomOptions = {}): Promise<HostedHeadroom> {
  const dataDir = opts.dataDir ?? defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  const path = channelPath(dataDir);
  // Lock notices wait for the Headroom's logger (which may be a test's, or the window's log).
  const notices: string[] = [];
  const lock = await acquireEngineLock({ dataDir, kind, channel: path, log: (l) => notices.push(l), probe: () => probeEngine(path) });
  let h: Headroom;
  try {
    // The engine resumes where the previous one stopped: detector state and leak verdicts from history.
    h = createHeadroom({ warmStart: true, ...opts, dataDir });
  } catch (err) {
    lock.release();
    throw err;
  }
  for (const n of notices) h.log(n);
  const engineInfo: EngineInfo = { kind, pid: process.pid, startedAt: lock.record.startedAt, dataDir };
  let channel: ChannelServer | null = null;
  try {
    channel = await startChannelServer({ path, api: createApi({ ...h, log: h.log }), pushes: h.engine, engine: engineInfo, log: h.log });
  } catch (err) {
    const running = await probeEngine(path);
    if (running) {
      // The lock said otherwise, but an engine answers: two engines must not run.
      await h.close();
      lock.release();
      throw new EngineLockedError(`another Headroom engine answers on ${path}: ${running.kind} (PID ${running.pid})`, running);
    }
    h.log(`engine: the local channel is off (${(err as Error).message}); other commands will run on their own`);
  }
  const closeHeadroom = h.close.bind(h);
  let closed = false;
  return Object.assign(h, {
    channel,
    engineInfo,
    async close() {
      if (closed) return;
      closed = true;
      await channel?.close();
      await closeHeadroom();
      lock.release();
    },
  });
}
