/**
 * The narrow Docker client Headroom uses: only the engine calls the collectors
 * and the container fixes make, behind one interface so the rest of the code
 * never touches the transport, and tests can point a client at the real
 * daemon with `createDockerClient`.
 *
 * The raw API shapes below list only the fields we read (Engine API 1.41, the
 * version of the Debian engine we test against; newer engines add fields).
 */

import { createHttpDockerClient } from './http-client.ts';
import { createSshDockerClient } from './ssh-client.ts';

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

/**
 * A client for one endpoint. Creating it does not connect. Sockets, tcp:// and
 * https:// speak HTTP directly (http-client.ts); ssh:// goes through dockerode,
 * loaded only then (ssh-client.ts).
 */
export function createDockerClient(endpoint: DockerEndpoint, opts: DockerClientOptions = {}): DockerClient {
  if (endpoint.kind === 'tcp' && endpoint.protocol === 'ssh') return createSshDockerClient(endpoint, opts);
  return createHttpDockerClient(endpoint, opts);
}

/** The HTTP status of an engine error, or null for a transport error. */
export function engineStatusCode(err: unknown): number | null {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : null;
}

/** The engine's own message for an error ("No such container: x"), else the transport's. Reads both clients' errors. */
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
