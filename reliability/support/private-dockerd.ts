/**
 * A Docker engine of the suite's own, beside the system one: its own socket,
 * data root and exec root, no bridge network. The soak churns containers on it
 * for ten minutes or an hour, while the fault tests stop and kill the system
 * dockerd — neither can disturb the other, and the Docker tests of `npm test`
 * never see the soak's containers.
 *
 * Started with the Debian dockerd that scripts/provision-docker.sh installs;
 * the test image is imported from the host's busybox, as there is no registry.
 *
 * It gets a bridge of its own (`hr<name>`), never `--bridge none`: a daemon
 * started with no bridge deletes the host's `docker0` interface at start-up
 * (libnetwork's removeDefaultBridgeInterface), which broke every container the
 * system dockerd started afterwards. Daemons share the host's network
 * namespace, so each needs its own bridge name.
 */

import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const DOCKERD = existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
export const PRIVATE_IMAGE = 'headroom-soak/busybox:1';

export interface PrivateDockerd {
  /** unix:///run/headroom-<name>/docker.sock */
  host: string;
  pid: number;
  log: string;
  /** The docker CLI against this engine; rejects with its stderr. */
  docker(...args: string[]): Promise<string>;
  /** Stops the daemon (SIGTERM, then SIGKILL) and removes its data. */
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Removes a daemon's directory, detaching what is still mounted under it first
 * (containers' network namespaces and overlay layers can outlive the daemon by
 * a moment). Best effort: a leftover directory must not fail the soak.
 */
function removeTree(dir: string): void {
  try {
    const mounts = readFileSync('/proc/self/mounts', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[1])
      .filter((m) => m && (m === dir || m.startsWith(dir + '/')))
      .sort((a, b) => b.length - a.length);
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  } catch {
    /* left for the next run's start, which removes it again */
  }
}

/** The private daemon's bridge: `hr` + its name, within Linux's 15-character limit. */
function bridgeName(name: string): string {
  return `hr${name.replace(/[^a-z0-9]/gi, '')}`.slice(0, 15);
}

/** Creates the bridge with an address of its own (dockerd takes its subnet from it); replaces a leftover one. */
function createBridge(bridge: string): void {
  spawnSync('ip', ['link', 'del', bridge]);
  // A /24 in 10.254.0.0/16 picked from the name, away from Docker's default 172.17.0.0/16.
  let h = 0;
  for (const c of bridge) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const steps: string[][] = [
    ['link', 'add', bridge, 'type', 'bridge'],
    ['addr', 'add', `10.254.${1 + (h % 250)}.1/24`, 'dev', bridge],
    ['link', 'set', bridge, 'up'],
  ];
  for (const args of steps) {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr?.trim() || r.error?.message}`);
  }
}

/** Starts a private dockerd named `name` and imports the busybox image into it. */
export async function startPrivateDockerd(name: string, timeoutMs = 60_000): Promise<PrivateDockerd> {
  const run = `/run/headroom-${name}`;
  const dataRoot = `/var/lib/headroom-${name}`;
  const log = `/tmp/headroom-${name}-dockerd.log`;
  const host = `unix://${run}/docker.sock`;
  // A daemon left by a crashed run would hold the socket: stop it first.
  const pidfile = `${run}/docker.pid`;
  if (existsSync(pidfile)) {
    const old = Number(readFileSync(pidfile, 'utf8'));
    if (old > 0 && alive(old)) {
      process.kill(old, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  removeTree(run);
  mkdirSync(run, { recursive: true });
  const bridge = bridgeName(name);
  createBridge(bridge);
  const out = openSync(log, 'w');
  const child = spawn(
    DOCKERD,
    ['--host', host, '--pidfile', pidfile, '--data-root', dataRoot, '--exec-root', `${run}/exec`, '--bridge', bridge, '--iptables=false', '--ip6tables=false'],
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  const pid = child.pid as number;
  const docker = async (...args: string[]): Promise<string> => {
    try {
      const r = await execFileAsync(DOCKER_CLI, args, { env: { ...process.env, DOCKER_HOST: host }, timeout: 60_000 });
      return r.stdout.trim();
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`docker ${args.join(' ')} (${name}): ${e.stderr?.trim() || e.message}`);
    }
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await docker('version', '--format', '{{.Server.Version}}');
      break;
    } catch (err) {
      if (!alive(pid) || Date.now() > deadline) {
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
        throw new Error(`private dockerd ${name} did not answer: ${(err as Error).message}\n${tail}`);
      }
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  // The image: busybox's applets as symlinks, imported from a tar on stdin.
  const images = await docker('images', '-q', PRIVATE_IMAGE);
  if (!images) {
    await execFileAsync('bash', [
      '-c',
      'set -e; R=$(mktemp -d); trap "rm -rf $R" EXIT; mkdir -p $R/bin $R/tmp; cp /bin/busybox $R/bin/; ' +
        'for a in $($R/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done; ' +
        `tar -C $R -cf - . | ${DOCKER_CLI} import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - ${PRIVATE_IMAGE} >/dev/null`,
    ], { env: { ...process.env, DOCKER_HOST: host } });
  }
  return {
    host,
    pid,
    log,
    docker,
    async stop() {
      try {
        const ids = (await docker('ps', '-aq')).split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
      } catch {
        /* the daemon may already be gone */
      }
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      const end = Date.now() + 15_000;
      while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
      if (alive(pid)) process.kill(pid, 'SIGKILL');
      removeTree(run);
      removeTree(dataRoot);
      spawnSync('ip', ['link', 'del', bridge]);
    },
  };
}
