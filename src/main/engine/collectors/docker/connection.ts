/**
 * Finding and keeping a connection to a Docker (or Podman) engine.
 *
 * "Docker not installed" and "Docker not running" are states shown to the user,
 * never errors: every failure here becomes a DockerState status and message.
 * A daemon that goes away and comes back is picked up again without a restart:
 * after any failure the endpoint is re-resolved from scratch on the next
 * attempt (the socket may have moved, e.g. Docker Desktop vs the system
 * daemon), with exponential backoff so a long outage costs almost nothing.
 */

import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { DockerStatus } from '../../../../shared/model.ts';
import { createDockerClient, describeEndpoint, engineMessage, engineStatusCode, type DockerClient, type DockerEndpoint } from './client.ts';

// ─── Pure resolution ─────────────────────────────────────────────────────────

/** What resolution may look at; injected so the rules are tested without touching the machine. */
export interface ResolveEnv {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  home: string;
  /** Does a socket (or named pipe) exist at this path? */
  exists(path: string): boolean;
  /** Is an executable with this name on PATH (or installed as an app)? */
  installed(name: string): boolean;
}

export interface SocketCandidate {
  path: string;
  via: string;
}

/** Where engines put their API socket when DOCKER_HOST is not set, most usual first. */
export function socketCandidates(r: Pick<ResolveEnv, 'env' | 'platform' | 'home'>): SocketCandidate[] {
  if (r.platform === 'win32') {
    return [
      { path: '//./pipe/docker_engine', via: 'Docker Desktop named pipe' },
      { path: '//./pipe/podman-machine-default', via: 'Podman machine named pipe' },
    ];
  }
  const h = r.home;
  const out: SocketCandidate[] = [
    { path: '/var/run/docker.sock', via: 'system socket' },
    { path: join(h, '.docker/run/docker.sock'), via: 'Docker Desktop socket' },
    { path: join(h, '.docker/desktop/docker.sock'), via: 'Docker Desktop socket' },
  ];
  if (r.platform === 'darwin') {
    out.push({ path: join(h, '.colima/default/docker.sock'), via: 'Colima socket' });
    out.push({ path: join(h, '.orbstack/run/docker.sock'), via: 'OrbStack socket' });
  }
  const xdg = r.env.XDG_RUNTIME_DIR;
  if (xdg) {
    out.push({ path: join(xdg, 'docker.sock'), via: 'rootless Docker socket' });
    out.push({ path: join(xdg, 'podman/podman.sock'), via: 'rootless Podman socket' });
  }
  out.push({ path: '/run/podman/podman.sock', via: 'Podman socket' });
  return out;
}

/** Parses a DOCKER_HOST-style address. Throws with a clear message on anything else. */
export function parseDockerHost(host: string, via: string, env: Record<string, string | undefined> = {}): DockerEndpoint {
  const h = host.trim();
  if (h.startsWith('unix://')) {
    const path = h.slice('unix://'.length);
    if (!path) throw new Error(`${via}: "${host}" has no socket path`);
    return { kind: 'socket', path, via };
  }
  if (h.startsWith('npipe://')) {
    return { kind: 'socket', path: h.slice('npipe://'.length) || '//./pipe/docker_engine', via };
  }
  if (h.startsWith('/')) return { kind: 'socket', path: h, via };
  const withScheme = h.includes('://') ? h : `tcp://${h}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${via}: "${host}" is not an address like unix:///var/run/docker.sock or tcp://host:2375`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'ssh') {
    return { kind: 'tcp', host: url.hostname, port: Number(url.port || 22), protocol: 'ssh', username: url.username || undefined, via };
  }
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw new Error(`${via}: unsupported scheme "${scheme}" in "${host}"`);
  }
  const port = Number(url.port || (scheme === 'https' ? 2376 : 2375));
  const tls = scheme === 'https' || env.DOCKER_TLS_VERIFY === '1' || port === 2376;
  return { kind: 'tcp', host: url.hostname, port, protocol: tls ? 'https' : 'http', via };
}

export type Resolution =
  | { ok: true; endpoints: DockerEndpoint[] }
  | { ok: false; status: Exclude<DockerStatus, 'ok' | 'disabled'>; message: string };

/** Binaries whose presence means "an engine is installed here", even if its socket is absent. */
const ENGINE_BINARIES = ['docker', 'dockerd', 'podman', 'Docker.app', 'docker.exe', 'podman.exe'];

/**
 * Decides where to connect. An explicit host (settings, then DOCKER_HOST) is
 * used alone, like the docker CLI does. Otherwise every existing well-known
 * socket is returned in order, to be tried in turn. No socket at all means
 * "not running" when an engine binary is installed, else "not installed".
 */
export function resolveEndpoints(configuredHost: string, r: ResolveEnv): Resolution {
  const explicit = configuredHost.trim() ? { host: configuredHost, via: 'settings' } : r.env.DOCKER_HOST ? { host: r.env.DOCKER_HOST, via: 'DOCKER_HOST' } : null;
  if (explicit) {
    try {
      return { ok: true, endpoints: [parseDockerHost(explicit.host, explicit.via, r.env)] };
    } catch (err) {
      return { ok: false, status: 'error', message: (err as Error).message };
    }
  }
  const candidates = socketCandidates(r);
  // A named pipe cannot be probed reliably without opening it: always try the default one.
  const present = r.platform === 'win32' ? candidates.slice(0, 1).concat(candidates.slice(1).filter((c) => r.exists(c.path))) : candidates.filter((c) => r.exists(c.path));
  if (present.length > 0) return { ok: true, endpoints: present.map((c) => ({ kind: 'socket', path: c.path, via: c.via })) };
  if (ENGINE_BINARIES.some((b) => r.installed(b))) {
    return { ok: false, status: 'not-running', message: `Docker is installed but not running (no engine socket at ${candidates.map((c) => c.path).join(', ')})` };
  }
  return { ok: false, status: 'not-installed', message: 'Docker is not installed (no docker, dockerd or podman on PATH, and no engine socket)' };
}

/** Maps a failed call to a user-facing state. Pure: the error and the endpoint only. */
export function classifyDockerError(err: unknown, endpoint: DockerEndpoint | null): { status: Exclude<DockerStatus, 'ok' | 'disabled'>; message: string } {
  const where = endpoint ? describeEndpoint(endpoint) : 'the engine';
  const code = (err as { code?: unknown } | null)?.code;
  const name = (err as { name?: unknown } | null)?.name;
  if (code === 'ECONNREFUSED') return { status: 'not-running', message: `Docker is not running (connection refused on ${where})` };
  if (code === 'ENOENT') return { status: 'not-running', message: `Docker is not running (socket ${where} is gone)` };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { status: 'not-running', message: `Docker closed the connection on ${where} (stopping or restarting?)` };
  if (code === 'EACCES' || code === 'EPERM') {
    return { status: 'error', message: `Permission denied on ${where}: add your user to the "docker" group and log in again` };
  }
  if (name === 'TimeoutError' || name === 'AbortError' || code === 'ETIMEDOUT' || /timeout/i.test(String((err as Error)?.message))) {
    return { status: 'error', message: `Docker did not answer in time on ${where}` };
  }
  const http = engineStatusCode(err);
  if (http !== null) return { status: 'error', message: `Docker engine error on ${where} (HTTP ${http}): ${engineMessage(err)}` };
  return { status: 'error', message: `Cannot talk to Docker on ${where}: ${engineMessage(err)}` };
}

/** The real machine, for `resolveEndpoints`. */
export function systemResolveEnv(env: NodeJS.ProcessEnv = process.env): ResolveEnv {
  const pathDirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  return {
    env,
    platform: process.platform,
    home: homedir(),
    exists(path) {
      try {
        // A regular file at a socket path is a leftover, not an engine.
        const st = statSync(path);
        return st.isSocket() || process.platform === 'win32';
      } catch {
        return false;
      }
    },
    installed(name) {
      if (name === 'Docker.app') return process.platform === 'darwin' && existsSync('/Applications/Docker.app');
      for (const dir of pathDirs) {
        try {
          accessSync(join(dir, name), constants.X_OK);
          return true;
        } catch {
          // not in this directory
        }
      }
      return false;
    },
  };
}

// ─── Stateful connection with backoff ────────────────────────────────────────

export interface ConnectionState {
  status: DockerStatus;
  message: string | null;
}

export interface DockerConnection {
  state(): ConnectionState;
  /** The connected client, or null while not connected. */
  client(): DockerClient | null;
  /**
   * Returns a live client: the current one, or — when not connected and the
   * backoff allows — a freshly resolved and pinged one. Null while Docker is
   * unavailable (see `state()`). Never throws.
   */
  ensure(): Promise<DockerClient | null>;
  /** Reports that a call on the current client failed: updates the state and schedules re-resolution. */
  fail(err: unknown): void;
  /** Milliseconds until `ensure` will try again (0 when connected or due). */
  retryInMs(): number;
  /** Changes the configured host (settings.docker.host); forces a re-resolve. */
  setHost(host: string): void;
}

export interface ConnectionOptions {
  /** settings.docker.host: empty means DOCKER_HOST, then the usual sockets. */
  host: string;
  log: (line: string) => void;
  /** The clock the backoff is timed with (default: monotonic, so a wall clock set back cannot stall reconnection). */
  now?: () => number;
  resolveEnv?: ResolveEnv;
  clientFactory?: (endpoint: DockerEndpoint) => DockerClient;
  /** First retry delay after a failure; doubles up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingTimeoutMs?: number;
}

/** A connection that re-resolves and reconnects by itself. Starts disconnected; call `ensure()`. */
export function createDockerConnection(opts: ConnectionOptions): DockerConnection {
  const now = opts.now ?? (() => performance.now());
  const resolveEnv = opts.resolveEnv ?? systemResolveEnv();
  const factory = opts.clientFactory ?? ((e: DockerEndpoint) => createDockerClient(e, { env: resolveEnv.env as NodeJS.ProcessEnv }));
  const minBackoff = opts.minBackoffMs ?? 1000;
  const maxBackoff = opts.maxBackoffMs ?? 30_000;
  const pingTimeout = opts.pingTimeoutMs ?? 5000;
  let host = opts.host;
  let current: DockerClient | null = null;
  let state: ConnectionState = { status: 'not-running', message: 'Connecting to Docker…' };
  let nextAttemptAt = 0;
  let backoff = minBackoff;
  let connecting: Promise<DockerClient | null> | null = null;

  const setState = (next: ConnectionState): void => {
    if (next.status !== state.status || next.message !== state.message) {
      opts.log(`docker: ${next.status}${next.message ? ` — ${next.message}` : ''}`);
    }
    state = next;
  };

  const scheduleRetry = (): void => {
    nextAttemptAt = now() + backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
  };

  async function connect(): Promise<DockerClient | null> {
    const res = resolveEndpoints(host, resolveEnv);
    if (!res.ok) {
      setState({ status: res.status, message: res.message });
      scheduleRetry();
      return null;
    }
    // Try each present socket; the first that answers wins. A stale system socket
    // must not hide a working Docker Desktop one.
    let firstFailure: { status: Exclude<DockerStatus, 'ok' | 'disabled'>; message: string } | null = null;
    for (const endpoint of res.endpoints) {
      let client: DockerClient;
      try {
        client = factory(endpoint);
        await client.ping(pingTimeout);
      } catch (err) {
        firstFailure ??= classifyDockerError(err, endpoint);
        continue;
      }
      current = client;
      backoff = minBackoff;
      nextAttemptAt = 0;
      setState({ status: 'ok', message: null });
      if (res.endpoints.length > 1 || endpoint.via !== 'system socket') opts.log(`docker: connected to ${describeEndpoint(endpoint)} (${endpoint.via})`);
      return client;
    }
    setState(firstFailure ?? { status: 'error', message: 'No engine endpoint answered' });
    scheduleRetry();
    return null;
  }

  return {
    state: () => state,
    client: () => current,
    ensure() {
      if (current) return Promise.resolve(current);
      if (connecting) return connecting;
      if (now() < nextAttemptAt) return Promise.resolve(null);
      connecting = connect()
        .catch((err: unknown) => {
          // connect() handles its own failures; this is a last guard so ensure() never rejects.
          setState({ status: 'error', message: `Docker connection failed: ${(err as Error)?.message ?? String(err)}` });
          scheduleRetry();
          return null;
        })
        .finally(() => {
          connecting = null;
        });
      return connecting;
    },
    fail(err) {
      const endpoint = current?.endpoint ?? null;
      current?.close();
      current = null;
      setState(classifyDockerError(err, endpoint));
      // The daemon just went away: the first retry comes quickly (a restart takes about a second).
      backoff = minBackoff;
      scheduleRetry();
    },
    retryInMs() {
      return current ? 0 : Math.max(0, nextAttemptAt - now());
    },
    setHost(h) {
      if (h === host) return;
      host = h;
      current?.close();
      current = null;
      nextAttemptAt = 0;
      backoff = minBackoff;
    },
  };
}
