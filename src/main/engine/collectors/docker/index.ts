/**
 * The Docker monitor: one object the engine holds as its ContainerSource.
 *
 * It runs its OWN timers (the engine only calls start()/stop() and reads the
 * latest figures on each tick): containers every settings.intervals.dockerStatsMs
 * (15 s), disk waste every settings.intervals.dockerDiskMs (10 min) and right
 * after each (re)connection. Everything here is asynchronous socket I/O, so the
 * synchronous system tick never waits for Docker; a collect still running when
 * its next turn comes is not started twice.
 *
 * While Docker is unavailable the state says why ('not-installed',
 * 'not-running', 'error'), the container list is empty, and the connection is
 * retried with backoff (1 s doubling, capped at the stats interval), so a
 * daemon that comes back is picked up within one interval.
 */

import type { ContainerStats, DockerState } from '../../../../shared/model.ts';
import type { Settings } from '../../../../shared/settings.ts';
import type { ContainerSource } from '../../engine.ts';
import { engineMessage, engineStatusCode, type DockerClient, type DockerEndpoint } from './client.ts';
import { createDockerConnection, type DockerConnection, type ResolveEnv } from './connection.ts';
import { createContainerCollector, type ContainerDetail } from './containers.ts';
import { createDiskCollector, type DockerDiskInventory } from './disk.ts';

export type { ContainerDetail } from './containers.ts';
export type { DiskObject, DockerDiskInventory } from './disk.ts';
export type { DockerClient, DockerEndpoint } from './client.ts';

export interface DockerMonitor extends ContainerSource {
  state(): DockerState;
  /** Latest container figures; empty while Docker is unavailable. */
  containers(): ContainerStats[];
  /** Epoch ms of the latest successful container collect, or null before the first. */
  sampledAt(): number | null;
  /** Starts the timers (no-op when settings.docker.enabled is false). */
  start(): void;
  /** Stops the timers and waits for a collect in flight. */
  stop(): Promise<void>;
  /** Collects containers now (joins a collect already in flight). Never rejects. */
  refreshContainers(): Promise<ContainerStats[]>;
  /** Measures disk waste now. Never rejects; null while Docker is unavailable. */
  refreshDisk(): Promise<DockerDiskInventory | null>;
  /** Latest disk waste with the objects behind it (for prune proposals). */
  diskInventory(): DockerDiskInventory | null;
  /** Limits and metadata of a container from the latest collect (for limit fixes). */
  containerDetail(id: string): ContainerDetail | null;
  /** The connected client (null while Docker is unavailable): the container fixes act through it. */
  client(): DockerClient | null;
  /** Connects now if needed and returns the client, or null with state() saying why. */
  connect(): Promise<DockerClient | null>;
  /** Takes new settings (intervals, host, concurrency, enabled). */
  updateSettings(settings: Settings): void;
}

export interface DockerMonitorOptions {
  settings: Settings;
  log: (line: string) => void;
  now?: () => number;
  /** For tests: where to look for engines, and how to make clients. */
  resolveEnv?: ResolveEnv;
  clientFactory?: (endpoint: DockerEndpoint) => DockerClient;
}

export function createDockerMonitor(opts: DockerMonitorOptions): DockerMonitor {
  const now = opts.now ?? Date.now;
  const log = (line: string): void => {
    try {
      opts.log(line);
    } catch {
      // a logger must never break monitoring
    }
  };
  let settings = opts.settings;
  const conn: DockerConnection = createDockerConnection({
    host: settings.docker.host,
    log,
    // Backoff runs on the monotonic clock unless a test drives time itself.
    now: opts.now,
    resolveEnv: opts.resolveEnv,
    clientFactory: opts.clientFactory,
    maxBackoffMs: settings.intervals.dockerStatsMs,
  });
  const requireClient = (): DockerClient => {
    const c = conn.client();
    if (!c) throw new Error('Docker is not connected');
    return c;
  };
  const containerCollector = createContainerCollector({ client: requireClient, settings: () => settings });
  const diskCollector = createDiskCollector({ client: requireClient });

  let latest: ContainerStats[] = [];
  let details = new Map<string, ContainerDetail>();
  let inventory: DockerDiskInventory | null = null;
  let sampled: number | null = null;
  /** start() was called (the engine wants monitoring); `running` = timers armed. */
  let started = false;
  let running = false;
  let containerTimer: NodeJS.Timeout | null = null;
  let diskTimer: NodeJS.Timeout | null = null;
  let containersInFlight: Promise<ContainerStats[]> | null = null;
  let diskInFlight: Promise<DockerDiskInventory | null> | null = null;

  /** Disk waste is measured right after each (re)connection, once, then on its own interval. */
  let diskOnConnect = true;

  const forget = (): void => {
    latest = [];
    details = new Map();
    inventory = null;
    diskOnConnect = true;
  };

  /** An engine failure: a transport error means the engine is gone; an HTTP error on a whole call is reported too. */
  const onFailure = (what: string, err: unknown): void => {
    log(`docker: ${what} failed: ${engineMessage(err)}`);
    conn.fail(err);
    forget();
  };

  function refreshContainers(): Promise<ContainerStats[]> {
    if (containersInFlight) return containersInFlight;
    containersInFlight = (async () => {
      if (!settings.docker.enabled) return latest;
      const client = await conn.ensure();
      if (!client) {
        forget();
        return latest;
      }
      try {
        const reading = await containerCollector.collect({ now: now(), log });
        latest = reading.containers;
        details = reading.details;
        sampled = now();
        // First contact, or back after an outage: measure disk waste right away (once; the timer does the rest).
        if (diskOnConnect) {
          diskOnConnect = false;
          void refreshDisk();
        }
      } catch (err) {
        onFailure('container collect', err);
      }
      return latest;
    })().finally(() => {
      containersInFlight = null;
    });
    return containersInFlight;
  }

  function refreshDisk(): Promise<DockerDiskInventory | null> {
    if (diskInFlight) return diskInFlight;
    diskInFlight = (async () => {
      if (!settings.docker.enabled) return null;
      const client = await conn.ensure();
      if (!client) return null;
      try {
        inventory = await diskCollector.collect({ now: now(), log });
      } catch (err) {
        // /system/df can fail alone (a volume driver error): only a transport error means the engine is gone.
        if (engineStatusCode(err) === null) onFailure('disk usage', err);
        else log(`docker: disk usage failed: ${engineMessage(err)}`);
      }
      return inventory;
    })().finally(() => {
      diskInFlight = null;
    });
    return diskInFlight;
  }

  const scheduleContainers = (): void => {
    // One chain of timers only, even when stop/start overlap a collect in flight.
    if (!running || containerTimer) return;
    const interval = settings.intervals.dockerStatsMs;
    // Disconnected: come back as soon as the backoff allows, never later than one interval.
    const delay = conn.client() ? interval : Math.min(interval, Math.max(250, conn.retryInMs()));
    containerTimer = setTimeout(() => {
      containerTimer = null;
      void refreshContainers().finally(scheduleContainers);
    }, delay);
    containerTimer.unref?.();
  };

  const scheduleDisk = (): void => {
    if (!running || diskTimer) return;
    diskTimer = setTimeout(() => {
      diskTimer = null;
      const job = conn.client() ? refreshDisk() : Promise.resolve(null);
      void job.finally(scheduleDisk);
    }, settings.intervals.dockerDiskMs);
    diskTimer.unref?.();
  };

  /** Starts the timers if the engine asked for them and Docker monitoring is on. */
  const arm = (): void => {
    if (running || !started || !settings.docker.enabled) return;
    running = true;
    void refreshContainers().finally(scheduleContainers);
    scheduleDisk();
  };

  const disarm = (): void => {
    running = false;
    if (containerTimer) clearTimeout(containerTimer);
    if (diskTimer) clearTimeout(diskTimer);
    containerTimer = diskTimer = null;
  };

  return {
    state(): DockerState {
      if (!settings.docker.enabled) return { status: 'disabled', message: 'Docker monitoring is off in settings', disk: null };
      const s = conn.state();
      return { status: s.status, message: s.message, disk: s.status === 'ok' && inventory ? inventory.waste : null };
    },
    containers: () => latest,
    sampledAt: () => sampled,
    start() {
      started = true;
      arm();
    },
    async stop() {
      started = false;
      disarm();
      await Promise.allSettled([containersInFlight, diskInFlight]);
      conn.client()?.close();
    },
    refreshContainers,
    refreshDisk,
    diskInventory: () => (conn.client() ? inventory : null),
    containerDetail: (id) => details.get(id) ?? null,
    client: () => conn.client(),
    connect: () => conn.ensure(),
    updateSettings(next) {
      const wasEnabled = settings.docker.enabled;
      settings = next;
      conn.setHost(next.docker.host);
      if (wasEnabled && !next.docker.enabled) {
        disarm();
        forget();
      } else if (!wasEnabled && next.docker.enabled && started) {
        arm();
      }
    },
  };
}
