/**
 * The Engine API over plain HTTP on the socket (or TCP, or TLS with
 * DOCKER_CERT_PATH): the dozen calls of `DockerClient`, on node:http alone.
 *
 * Why not dockerode: loading it (with docker-modem, its stream and ssh
 * dependencies) costs ~25 MB of RSS and ~0.36 s of CPU in an engine that is
 * meant to stay under 60 MB (docs/performance.md), for calls that are each one
 * HTTP request. dockerode is kept only for `ssh://` engines (ssh-client.ts),
 * loaded when one is configured.
 *
 * Errors look like dockerode's, so `engineStatusCode` and `engineMessage`
 * read both: an engine reply outside 2xx rejects with `statusCode` and the
 * parsed body as `json`; a transport failure rejects with the socket's own
 * error (`code` ENOENT, ECONNREFUSED, …), which connection.ts turns into a
 * state shown to the user.
 */

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { containerListFilters, graceBound, pruneEach, type PruneReply } from './call-shapes.ts';
import type { ApiContainerInspect, ApiContainerStats, ApiContainerSummary, ApiImageInspect, ApiSystemDf, ApiVolumeInspect, DockerClient, DockerClientOptions, DockerEndpoint } from './client.ts';

/** A reply outside 2xx, shaped like docker-modem's errors. */
export class EngineReplyError extends Error {
  constructor(
    readonly statusCode: number,
    readonly json: { message?: string } | string | null,
    method: string,
    path: string,
  ) {
    const detail = typeof json === 'object' && json?.message ? json.message : typeof json === 'string' ? json : '';
    super(`(HTTP code ${statusCode}) ${method} ${path}${detail ? ` - ${detail.trim()}` : ''}`);
    this.name = 'EngineReplyError';
  }
}

type Query = Record<string, string | number | boolean | undefined>;

interface Call {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  query?: Query;
  body?: unknown;
  /** Bounds the whole call (stop and restart: the grace period plus 30 s); else the socket inactivity bound applies. */
  signal?: AbortSignal;
}

/** `?all=true&filters=%7B…%7D`: booleans as the engine's `true`/`false`, undefined left out. */
export function queryString(q: Query | undefined): string {
  if (!q) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) if (v !== undefined) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** A client for a socket, tcp:// or https:// endpoint. Creating it does not connect. */
export function createHttpDockerClient(endpoint: DockerEndpoint, opts: DockerClientOptions = {}): DockerClient {
  if (endpoint.kind === 'tcp' && endpoint.protocol === 'ssh') throw new Error('createHttpDockerClient: ssh:// engines go through ssh-client.ts');
  const env = opts.env ?? process.env;
  const inactivityMs = opts.requestTimeoutMs ?? 30_000;
  const tls = endpoint.kind === 'tcp' && endpoint.protocol === 'https';
  // Keep-alive: one socket reused across a tick's calls instead of a connect per call. Idle sockets are
  // unref'd by Node, so they never hold the process open.
  const agent = tls ? new HttpsAgent({ keepAlive: true, maxSockets: 8 }) : new HttpAgent({ keepAlive: true, maxSockets: 8 });
  const base: RequestOptions = endpoint.kind === 'socket' ? { socketPath: endpoint.path } : { host: endpoint.host, port: endpoint.port };
  if (tls) {
    const certDir = env.DOCKER_CERT_PATH;
    if (certDir) {
      Object.assign(base, { ca: readFileSync(join(certDir, 'ca.pem')), cert: readFileSync(join(certDir, 'cert.pem')), key: readFileSync(join(certDir, 'key.pem')) });
    }
  }

  function send(call: Call): Promise<{ status: number; body: Buffer; type: string }> {
    const path = call.path + queryString(call.query);
    const payload = call.body === undefined ? null : Buffer.from(JSON.stringify(call.body));
    const headers: Record<string, string | number> = { Host: 'docker' };
    if (payload) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': payload.length });
    const request = tls ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const req = request({ ...base, agent, method: call.method, path, headers, signal: call.signal }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), type: String(res.headers['content-type'] ?? '') }));
        res.on('error', reject);
      });
      if (!call.signal) {
        req.setTimeout(inactivityMs, () => req.destroy(Object.assign(new Error(`Docker did not answer ${call.method} ${call.path} within ${inactivityMs} ms (timeout)`), { code: 'ETIMEDOUT' })));
      }
      req.on('error', reject);
      req.end(payload ?? undefined);
    });
  }

  /** The reply's body: JSON when the engine says so, else the raw bytes. Outside 2xx, an EngineReplyError. */
  async function call<T>(c: Call): Promise<T> {
    const { status, body, type } = await send(c);
    const json = type.includes('json');
    if (status < 200 || status >= 300) {
      let parsed: { message?: string } | string | null = body.length > 0 ? body.toString('utf8') : null;
      if (json && typeof parsed === 'string') {
        try {
          parsed = JSON.parse(parsed) as { message?: string };
        } catch {
          /* the text as it came */
        }
      }
      throw new EngineReplyError(status, parsed, c.method, c.path);
    }
    if (!json) return body as T;
    return (body.length > 0 ? JSON.parse(body.toString('utf8')) : null) as T;
  }

  const id = (s: string) => encodeURIComponent(s);

  return {
    endpoint,
    async ping(timeoutMs = 5000) {
      await call({ method: 'GET', path: '/_ping', signal: AbortSignal.timeout(timeoutMs) });
    },
    async version() {
      const v = await call<{ Version: string; ApiVersion: string }>({ method: 'GET', path: '/version' });
      return { Version: v.Version, ApiVersion: v.ApiVersion };
    },
    async listContainers(filter) {
      return await call<ApiContainerSummary[]>({ method: 'GET', path: '/containers/json', query: { all: true, filters: containerListFilters(filter) } });
    },
    async inspectContainer(cid) {
      return await call<ApiContainerInspect>({ method: 'GET', path: `/containers/${id(cid)}/json` });
    },
    async containerStats(cid) {
      return await call<ApiContainerStats>({ method: 'GET', path: `/containers/${id(cid)}/stats`, query: { stream: false, 'one-shot': true } });
    },
    async containerLogs(cid, tail) {
      // Framed (or raw, for a TTY) bytes, never JSON: the body comes back as it is.
      return await call<Buffer>({ method: 'GET', path: `/containers/${id(cid)}/logs`, query: { stdout: true, stderr: true, tail, follow: false, timestamps: false } });
    },
    async systemDf() {
      return await call<ApiSystemDf>({ method: 'GET', path: '/system/df' });
    },
    async inspectImage(iid) {
      return await call<ApiImageInspect>({ method: 'GET', path: `/images/${id(iid)}/json` });
    },
    async inspectVolume(name) {
      return await call<ApiVolumeInspect>({ method: 'GET', path: `/volumes/${id(name)}` });
    },
    async restartContainer(cid, timeoutSeconds) {
      await call({ method: 'POST', path: `/containers/${id(cid)}/restart`, query: { t: timeoutSeconds }, signal: graceBound(timeoutSeconds) });
    },
    async stopContainer(cid, timeoutSeconds) {
      // 304 (already stopped) rejects with statusCode 304, as dockerode did; the fix reads it as done.
      await call({ method: 'POST', path: `/containers/${id(cid)}/stop`, query: { t: timeoutSeconds }, signal: graceBound(timeoutSeconds) });
    },
    async updateMemory(cid, memoryBytes, memorySwapBytes) {
      await call({ method: 'POST', path: `/containers/${id(cid)}/update`, body: { Memory: memoryBytes, MemorySwap: memorySwapBytes } });
    },
    async removeContainer(cid) {
      await call({ method: 'DELETE', path: `/containers/${id(cid)}`, query: { v: false } });
    },
    async removeImage(iid) {
      await call({ method: 'DELETE', path: `/images/${id(iid)}` });
    },
    async removeVolume(name) {
      await call({ method: 'DELETE', path: `/volumes/${id(name)}` });
    },
    async pruneBuildCache(ids) {
      return await pruneEach(ids, (rid) => call<PruneReply>({ method: 'POST', path: '/build/prune', query: { all: true, filters: JSON.stringify({ id: [rid] }) } }));
    },
    close() {
      agent.destroy();
    },
  };
}
