/**
 * The narrow Docker client Headroom uses: only the engine calls the collectors
 * and the container fixes make, behind one interface so the rest of the code
 * never touches dockerode directly, and tests can point a client at the real
 * daemon with `createDockerClient`.
 *
 * The raw API shapes below list only the fields we read (Engine API 1.41, the
 * version of the Debian engine we test against; newer engines add fields).
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';

// ─── Raw Engine API shapes (fields we read) ──────────────────────────────────

export interface ApiContainerSummary {
  Id: string;
  Names: string[];
  Image: string;
  ImageID: string;
  State: string;
  Status: string;
  Created: number;
  Labels: Record<string, string> | null;
  SizeRw?: number;
}

export interface ApiContainerInspect {
  Id: string;
  Name: string;
  Created: string;
  RestartCount: number;
  State: {
    Status: string;
    Running: boolean;
    Restarting: boolean;
    OOMKilled: boolean;
    ExitCode: number;
    StartedAt: string;
    Health?: { Status: string } | null;
  };
  HostConfig: { Memory: number; MemorySwap: number; RestartPolicy?: { Name: string; MaximumRetryCount: number } };
  Config: { Image: string; Labels: Record<string, string> | null };
}

/** `memory_stats` of a stats reply. cgroup v1 has `total_*` keys and `max_usage`; v2 has neither. */
export interface ApiMemoryStats {
  usage?: number;
  max_usage?: number;
  limit?: number;
  stats?: Record<string, number>;
}

export interface ApiCpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

export interface ApiContainerStats {
  read?: string;
  memory_stats?: ApiMemoryStats;
  cpu_stats?: ApiCpuStats;
  precpu_stats?: ApiCpuStats;
}

export interface ApiDfImage {
  Id: string;
  RepoTags: string[] | null;
  Created: number;
  Size: number;
  SharedSize: number;
  Containers: number;
}

export interface ApiDfVolume {
  Name: string;
  Labels: Record<string, string> | null;
  CreatedAt?: string;
  UsageData: { Size: number; RefCount: number } | null;
}

export interface ApiDfBuildCache {
  ID: string;
  Type: string;
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  LastUsedAt?: string | null;
}

export interface ApiSystemDf {
  Images: ApiDfImage[] | null;
  Containers: ApiContainerSummary[] | null;
  Volumes: ApiDfVolume[] | null;
  BuildCache: ApiDfBuildCache[] | null;
}

export interface ApiImageInspect {
  Id: string;
  RepoTags: string[] | null;
}

export interface ApiVolumeInspect {
  Name: string;
  Labels: Record<string, string> | null;
}

// ─── Where to connect ────────────────────────────────────────────────────────

/** A resolved place to reach an engine, and why it was chosen (shown in messages). */
export type DockerEndpoint =
  | { kind: 'socket'; path: string; via: string }
  | { kind: 'tcp'; host: string; port: number; protocol: 'http' | 'https' | 'ssh'; username?: string; via: string };

/** "/var/run/docker.sock", "tcp://10.0.0.2:2375" — for messages. */
export function describeEndpoint(e: DockerEndpoint): string {
  return e.kind === 'socket' ? e.path : `${e.protocol === 'http' ? 'tcp' : e.protocol}://${e.host}:${e.port}`;
}

// ─── The client ──────────────────────────────────────────────────────────────

/** The only engine calls Headroom makes. Every method rejects with the engine's error (see `engineMessage`). */
export interface DockerClient {
  readonly endpoint: DockerEndpoint;
  ping(timeoutMs?: number): Promise<void>;
  version(): Promise<{ Version: string; ApiVersion: string }>;
  /** All containers, running or not (`docker ps -a`); optionally only those using a volume or image. */
  listContainers(filter?: { volume?: string; ancestor?: string }): Promise<ApiContainerSummary[]>;
  inspectContainer(id: string): Promise<ApiContainerInspect>;
  /**
   * One stats reading (`stream=false&one-shot=true`). With one-shot the engine
   * answers at once (~50 ms) instead of sampling twice a second apart (1–2 s),
   * so `precpu_stats` is empty and CPU % comes from our own successive
   * readings. Engines before API 1.41 ignore one-shot and fill precpu.
   */
  containerStats(id: string): Promise<ApiContainerStats>;
  /** The last `tail` log lines, stdout and stderr, as the engine sends them (framed unless the container has a TTY). Optional: test doubles may leave it out. */
  containerLogs?(id: string, tail: number): Promise<Buffer>;
  systemDf(): Promise<ApiSystemDf>;
  inspectImage(id: string): Promise<ApiImageInspect>;
  inspectVolume(name: string): Promise<ApiVolumeInspect>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** `docker update --memory M --memory-swap S` (S = -1: unlimited swap). */
  updateMemory(id: string, memoryBytes: number, memorySwapBytes: number): Promise<void>;
  /** Removes one stopped container, keeping its volumes (like `docker container prune`). */
  removeContainer(id: string): Promise<void>;
  /** Removes one image by id, without force (a used image is refused by the engine). */
  removeImage(id: string): Promise<void>;
  removeVolume(name: string): Promise<void>;
  /** Removes exactly the listed build-cache records (`/build/prune` filtered by id, one call per record). */
  pruneBuildCache(ids: readonly string[]): Promise<{ deleted: string[]; reclaimedBytes: number }>;
  /** Drops idle keep-alive sockets; the client stays usable. */
  close(): void;
}

export interface DockerClientOptions {
  /** Per-request socket inactivity bound; stop/restart add their own grace time on top. */
  requestTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

/** A client for one endpoint, backed by dockerode. Creating it does not connect. */
export function createDockerClient(endpoint: DockerEndpoint, opts: DockerClientOptions = {}): DockerClient {
  const env = opts.env ?? process.env;
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const modemOpts: Record<string, unknown> = { timeout: requestTimeoutMs };
  if (endpoint.kind === 'socket') {
    // `host: undefined` matters: docker-modem merges DOCKER_HOST defaults under our options,
    // and a tcp DOCKER_HOST would otherwise win over the socket we resolved.
    Object.assign(modemOpts, { socketPath: endpoint.path, host: undefined, port: undefined });
  } else {
    Object.assign(modemOpts, { host: endpoint.host, port: endpoint.port, protocol: endpoint.protocol, socketPath: undefined });
    if (endpoint.username) modemOpts.username = endpoint.username;
    const certDir = env.DOCKER_CERT_PATH;
    if (endpoint.protocol === 'https' && certDir) {
      modemOpts.ca = readFileSync(join(certDir, 'ca.pem'));
      modemOpts.cert = readFileSync(join(certDir, 'cert.pem'));
      modemOpts.key = readFileSync(join(certDir, 'key.pem'));
    }
  }
  const docker = new Docker(modemOpts as Docker.DockerOptions);
  // Stop and restart wait for the container's grace period, which may exceed the usual
  // request bound: they go through a client without it, bounded per call instead.
  const patient = new Docker({ ...modemOpts, timeout: undefined } as Docker.DockerOptions);
  const graceBound = (timeoutSeconds: number) => AbortSignal.timeout((timeoutSeconds + 30) * 1000);
  // The modem's dial() is the escape hatch for the one call dockerode cannot make with options (/build/prune).
  const modem = (docker as unknown as { modem: { dial: (o: object, cb: (err: unknown, data: unknown) => void) => void } }).modem;
  const dial = <T>(o: object): Promise<T> =>
    new Promise((resolve, reject) => modem.dial(o, (err, data) => (err ? reject(err) : resolve(data as T))));

  return {
    endpoint,
    async ping(timeoutMs = 5000) {
      // dockerode accepts an abort signal here; its type declarations do not say so.
      const ping = docker.ping.bind(docker) as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    },
    async version() {
      const v = await docker.version();
      return { Version: v.Version, ApiVersion: v.ApiVersion };
    },
    async listContainers(filter) {
      const filters: Record<string, string[]> = {};
      if (filter?.volume) filters.volume = [filter.volume];
      if (filter?.ancestor) filters.ancestor = [filter.ancestor];
      const opts: Docker.ContainerListOptions = { all: true };
      if (Object.keys(filters).length > 0) opts.filters = JSON.stringify(filters);
      return (await docker.listContainers(opts)) as unknown as ApiContainerSummary[];
    },
    async inspectContainer(id) {
      return (await docker.getContainer(id).inspect()) as unknown as ApiContainerInspect;
    },
    async containerStats(id) {
      const opts = { stream: false, 'one-shot': true } as unknown as { stream: false };
      return (await docker.getContainer(id).stats(opts)) as unknown as ApiContainerStats;
    },
    async containerLogs(id, tail) {
      return await docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false, timestamps: false });
    },
    async systemDf() {
      return (await docker.df()) as ApiSystemDf;
    },
    async inspectImage(id) {
      return (await docker.getImage(id).inspect()) as unknown as ApiImageInspect;
    },
    async inspectVolume(name) {
      return (await docker.getVolume(name).inspect()) as unknown as ApiVolumeInspect;
    },
    async restartContainer(id, timeoutSeconds) {
      await patient.getContainer(id).restart({ t: timeoutSeconds, abortSignal: graceBound(timeoutSeconds) });
    },
    async stopContainer(id, timeoutSeconds) {
      await patient.getContainer(id).stop({ t: timeoutSeconds, abortSignal: graceBound(timeoutSeconds) });
    },
    async updateMemory(id, memoryBytes, memorySwapBytes) {
      await docker.getContainer(id).update({ Memory: memoryBytes, MemorySwap: memorySwapBytes });
    },
    async removeContainer(id) {
      await docker.getContainer(id).remove({ v: false });
    },
    async removeImage(id) {
      await docker.getImage(id).remove();
    },
    async removeVolume(name) {
      await docker.getVolume(name).remove();
    },
    async pruneBuildCache(ids) {
      // One call per id: the engine refuses several values for one filter key
      // ("filters expect only one value"). all=true: without it the engine only prunes
      // "dangling" records and the id filter matches nothing. The id filter is a prefix
      // match; BuildKit ids are fixed-length, so a full id matches only itself.
      const deleted: string[] = [];
      let reclaimedBytes = 0;
      for (const id of ids) {
        const out = await dial<{ CachesDeleted: string[] | null; SpaceReclaimed: number }>({
          path: '/build/prune?',
          method: 'POST',
          options: { _query: { all: true, filters: { id: [id] } }, _body: {} },
          statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
        });
        deleted.push(...(out.CachesDeleted ?? []));
        reclaimedBytes += out.SpaceReclaimed ?? 0;
      }
      return { deleted, reclaimedBytes };
    },
    close() {
      // dockerode uses the global http agent; idle sockets are unref'd by Node, nothing to hold open.
    },
  };
}

/** The HTTP status of an engine error, or null for a transport error. */
export function engineStatusCode(err: unknown): number | null {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

/** The engine's own message for an error ("No such container: x"), else the transport's. */
export function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: unknown } | string | null; reason?: unknown; message?: unknown } | null;
  if (e && typeof e.json === 'object' && e.json && typeof e.json.message === 'string') return e.json.message.trim();
  if (e && typeof e.json === 'string' && e.json.trim()) {
    try {
      const parsed = JSON.parse(e.json) as { message?: string };
      if (parsed.message) return parsed.message.trim();
    } catch {
      return e.json.trim();
    }
  }
  if (e && typeof e.message === 'string') return e.message;
  return String(err);
}
