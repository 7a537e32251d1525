/**
 * `DOCKER_HOST=ssh://user@host`: the Engine API through `docker system
 * dial-stdio` on the far side, which dockerode (docker-modem with ssh2) does
 * and node:http cannot. dockerode is imported on the first call, so only an
 * engine configured for ssh:// pays its ~25 MB; everything else goes through
 * http-client.ts.
 */

import type DockerType from 'dockerode';
import { containerListFilters, graceBound, pruneEach, type PruneReply } from './call-shapes.ts';
import type { ApiContainerInspect, ApiContainerStats, ApiContainerSummary, ApiImageInspect, ApiSystemDf, ApiVolumeInspect, DockerClient, DockerClientOptions, DockerEndpoint } from './client.ts';

type Modem = { dial: (o: object, cb: (err: unknown, data: unknown) => void) => void };

interface Loaded {
  docker: DockerType;
  /** Stop and restart wait for the container's grace period, which may exceed the usual request bound. */
  patient: DockerType;
  modem: Modem;
}

export function createSshDockerClient(endpoint: Extract<DockerEndpoint, { kind: 'tcp' }>, opts: DockerClientOptions = {}): DockerClient {
  const requestTimeoutMs = opts.requestTimeoutMs ?? 30_000;
  const modemOpts: Record<string, unknown> = { host: endpoint.host, port: endpoint.port, protocol: 'ssh', socketPath: undefined, timeout: requestTimeoutMs };
  if (endpoint.username) modemOpts.username = endpoint.username;
  let loading: Promise<Loaded> | null = null;
  const load = (): Promise<Loaded> =>
    (loading ??= import('dockerode').then((m) => {
      const Docker = ((m as { default?: typeof DockerType }).default ?? m) as typeof DockerType;
      const docker = new Docker(modemOpts as DockerType.DockerOptions);
      const patient = new Docker({ ...modemOpts, timeout: undefined } as DockerType.DockerOptions);
      // The modem's dial() is the escape hatch for the one call dockerode cannot make with options (/build/prune).
      return { docker, patient, modem: (docker as unknown as { modem: Modem }).modem };
    }));

  return {
    endpoint,
    async ping(timeoutMs = 5000) {
      const { docker } = await load();
      // dockerode accepts an abort signal here; its type declarations do not say so.
      const ping = docker.ping.bind(docker) as unknown as (o: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    },
    async version() {
      const v = await (await load()).docker.version();
      return { Version: v.Version, ApiVersion: v.ApiVersion };
    },
    async listContainers(filter) {
      const o: DockerType.ContainerListOptions = { all: true };
      const filters = containerListFilters(filter);
      if (filters !== undefined) o.filters = filters;
      return (await (await load()).docker.listContainers(o)) as unknown as ApiContainerSummary[];
    },
    async inspectContainer(id) {
      return (await (await load()).docker.getContainer(id).inspect()) as unknown as ApiContainerInspect;
    },
    async containerStats(id) {
      const o = { stream: false, 'one-shot': true } as unknown as { stream: false };
      return (await (await load()).docker.getContainer(id).stats(o)) as unknown as ApiContainerStats;
    },
    async containerLogs(id, tail) {
      return await (await load()).docker.getContainer(id).logs({ stdout: true, stderr: true, tail, follow: false, timestamps: false });
    },
    async systemDf() {
      return (await (await load()).docker.df()) as ApiSystemDf;
    },
    async inspectImage(id) {
      return (await (await load()).docker.getImage(id).inspect()) as unknown as ApiImageInspect;
    },
    async inspectVolume(name) {
      return (await (await load()).docker.getVolume(name).inspect()) as unknown as ApiVolumeInspect;
    },
    async restartContainer(id, timeoutSeconds) {
      await (await load()).patient.getContainer(id).restart({ t: timeoutSeconds, abortSignal: graceBound(timeoutSeconds) });
    },
    async stopContainer(id, timeoutSeconds) {
      await (await load()).patient.getContainer(id).stop({ t: timeoutSeconds, abortSignal: graceBound(timeoutSeconds) });
    },
    async updateMemory(id, memoryBytes, memorySwapBytes) {
      await (await load()).docker.getContainer(id).update({ Memory: memoryBytes, MemorySwap: memorySwapBytes });
    },
    async removeContainer(id) {
      await (await load()).docker.getContainer(id).remove({ v: false });
    },
    async removeImage(id) {
      await (await load()).docker.getImage(id).remove();
    },
    async removeVolume(name) {
      await (await load()).docker.getVolume(name).remove();
    },
    async pruneBuildCache(ids) {
      const { modem } = await load();
      return await pruneEach(
        ids,
        (id) =>
          new Promise<PruneReply>((resolve, reject) =>
            modem.dial(
              {
                path: '/build/prune?',
                method: 'POST',
                options: { _query: { all: true, filters: { id: [id] } }, _body: {} },
                statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
              },
              (err, data) => (err ? reject(err) : resolve(data as PruneReply)),
            ),
          ),
      );
    },
    close() {
      // dockerode uses the global http agent; idle sockets are unref'd by Node, nothing to hold open.
    },
  };
}
