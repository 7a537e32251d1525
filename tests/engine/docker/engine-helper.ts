/**
 * Test support for the real Docker engine: provisioning (the same script CI
 * runs), a cross-process lock so the Docker test files on the system daemon do
 * not run against each other, the docker CLI for setup, and cleanup of
 * everything a test created.
 *
 * On the system daemon a test only creates its own objects and acts on those.
 * Whatever stops, kills or restarts a daemon, or prunes, runs on a private
 * dockerd (tests/helpers/private-dockerd.ts): on a workstation the system
 * daemon runs the user's containers.
 *
 * Nothing here skips: if the engine cannot be reached, `requireEngine` throws
 * with the reason and the tail of the dockerd log, and the test fails.
 */

import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createDockerClient, type DockerClient } from '../../../src/main/engine/collectors/docker/client.ts';

const execFileAsync = promisify(execFile);

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const PROVISION_SCRIPT = join(REPO_ROOT, 'scripts/provision-docker.sh');
export const DOCKER_SOCKET = '/var/run/docker.sock';
export const DOCKERD_LOG = process.env.HEADROOM_DOCKERD_LOG ?? '/tmp/dockerd.log';
/** The Debian client matches the Debian daemon; /usr/local/bin/docker may be a client of another version. */
export const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
export const TEST_IMAGE = 'headroom-test/busybox:1';
/** Every object a test creates carries this prefix, so a crashed run's leftovers are recognisable. */
export const TEST_PREFIX = 'hr-test';

const MiB = 1024 * 1024;
export { MiB };

function dockerdLogTail(lines = 25): string {
  try {
    const text = readFileSync(DOCKERD_LOG, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return `(no dockerd log at ${DOCKERD_LOG})`;
  }
}

/** Runs the provision script (idempotent, fast when the engine already answers). Throws its output on failure. */
export async function provisionEngine(): Promise<void> {
  try {
    await execFileAsync('bash', [PROVISION_SCRIPT], { timeout: 240_000, env: { ...process.env, DOCKER_HOST: `unix://${DOCKER_SOCKET}` } });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`Docker engine could not be provisioned (${PROVISION_SCRIPT}):\n${e.stderr || e.stdout || e.message}`);
  }
}

/** Provisions if needed and returns a client on the system socket. Fails — never skips — when the engine is unreachable. */
export async function requireEngine(): Promise<DockerClient> {
  await provisionEngine();
  const client = createDockerClient({ kind: 'socket', path: DOCKER_SOCKET, via: 'test' });
  try {
    await client.ping(10_000);
  } catch (err) {
    throw new Error(`Docker engine not reachable on ${DOCKER_SOCKET}: ${(err as Error).message}\n--- ${DOCKERD_LOG} ---\n${dockerdLogTail()}`);
  }
  return client;
}

const SYSTEM_HOST = `unix://${DOCKER_SOCKET}`;

/** The docker CLI, synchronously, against `host` (default: the system daemon); throws with its stderr. For test setup only — the product speaks the Engine API itself (collectors/docker/http-client.ts). */
export function dockerOn(host: string, args: string[], input: Buffer | string = '', env: Record<string, string> = {}): string {
  try {
    return execFileSync(DOCKER_CLI, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DOCKER_HOST: host, ...env } }).trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`docker ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

/** The docker CLI on the system daemon. */
export function docker(...args: string[]): string {
  return dockerOn(SYSTEM_HOST, args);
}

/** The docker CLI with stdin (for `docker import -`) and extra environment (DOCKER_BUILDKIT=1). */
export function dockerWithInput(args: string[], input: Buffer | string, env: Record<string, string> = {}): string {
  return dockerOn(SYSTEM_HOST, args, input, env);
}

let counter = 0;
/** hr-test-<tag>-<pid>-<n>: unique across parallel test processes and runs. */
export function uniqueName(tag: string): string {
  counter++;
  return `${TEST_PREFIX}-${tag}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}

/** A busybox shell command that exits at once on SIGTERM (sh as PID 1 ignores it otherwise). */
export function idleCommand(): string[] {
  return ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];
}

/** Removes what a test created, whatever state it is in. Never throws. */
export class Cleanup {
  /** `host`: the daemon the objects were created on (default: the system daemon). */
  constructor(private readonly host = SYSTEM_HOST) {}
  private readonly containers = new Set<string>();
  private readonly volumes = new Set<string>();
  private readonly images = new Set<string>();
  container(nameOrId: string): string {
    this.containers.add(nameOrId);
    return nameOrId;
  }
  volume(name: string): string {
    this.volumes.add(name);
    return name;
  }
  image(ref: string): string {
    this.images.add(ref);
    return ref;
  }
  run(): void {
    const quiet = (...args: string[]) => {
      try {
        execFileSync(DOCKER_CLI, args, { stdio: 'ignore', env: { ...process.env, DOCKER_HOST: this.host } });
      } catch {
        // already gone
      }
    };
    if (this.containers.size) quiet('rm', '-f', ...this.containers);
    if (this.volumes.size) quiet('volume', 'rm', '-f', ...this.volumes);
    for (const i of this.images) quiet('image', 'rm', '-f', i);
    this.containers.clear();
    this.volumes.clear();
    this.images.clear();
  }
}

/** Polls `probe` until `done` accepts its value; fails with `what` and the last value after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T> | T, done: (v: T) => boolean, timeoutMs = 20_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (done(last)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

// ─── Cross-process lock ──────────────────────────────────────────────────────

const LOCK_DIR = '/tmp/headroom-docker-tests.lock';

/**
 * Serialises the Docker test files on the system daemon across processes
 * (node --test runs files in parallel): each measures stats and timings of its
 * own containers, and they are steadier one file at a time.
 * A lock left by a dead process is taken over. Returns the release function.
 */
export async function acquireEngineLock(timeoutMs = 300_000): Promise<() => void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      let released = false;
      return () => {
        if (released) return;
        released = true;
        rmSync(LOCK_DIR, { recursive: true, force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        // being written or removed right now
      }
      if (holder > 0 && !alive(holder)) rmSync(LOCK_DIR, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Docker test lock ${LOCK_DIR} held by PID ${holder} for over ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
