/**
 * A Docker engine of a test's own, beside the system one: its own socket,
 * pidfile, data root, exec root and bridge. Every test that stops, kills or
 * restarts a daemon, or prunes, runs on one of these: on a developer's
 * workstation the system dockerd runs the user's database, and a prune there
 * deletes the user's dangling images. The reliability soak churns containers
 * on one for an hour for the same reason.
 *
 * Started with the Debian dockerd that scripts/provision-docker.sh installs;
 * the test image is imported from the host's busybox, as there is no registry.
 * Each daemon runs its own containerd (dockerd starts one under its exec root),
 * and `--iptables=false`, so the host's firewall rules are not touched.
 *
 * It gets a bridge of its own (`hr…`), never `--bridge none`: a daemon
 * started with no bridge deletes the host's `docker0` interface at start-up
 * (libnetwork's removeDefaultBridgeInterface), which broke every container the
 * system dockerd started afterwards. Daemons share the host's network
 * namespace, so each needs its own bridge name and a subnet nobody uses.
 *
 * Everything lives under paths named after the daemon: /run/headroom-<name>,
 * /var/lib/headroom-<name>, /tmp/headroom-<name>-dockerd.log. A daemon whose
 * test process died without stopping it is removed by the next start (it is
 * recognised by its own command line, never by a name or a bare PID).
 */

import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const DOCKER_CLI = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const DOCKERD = existsSync('/usr/sbin/dockerd') ? '/usr/sbin/dockerd' : 'dockerd';
/** The same tag the system daemon's test image has, so a test's image name does not depend on the daemon. */
export const PRIVATE_IMAGE = 'headroom-test/busybox:1';

export interface PrivateDockerd {
  name: string;
  /** unix:///run/headroom-<name>/docker.sock: for settings.docker.host and DOCKER_HOST. */
  host: string;
  /** The daemon's PID (changes after `startDaemon()`). */
  pid: number;
  log: string;
  /** The docker CLI against this engine; rejects with its stderr. */
  docker(...args: string[]): Promise<string>;
  /** The same, synchronously, for test set-up; throws with its stderr. */
  dockerSync(...args: string[]): string;
  /** The same with stdin (for `docker import -`) and extra environment (DOCKER_BUILDKIT=1). */
  dockerInput(args: string[], input: Buffer | string, env?: Record<string, string>): string;
  /**
   * Stops the daemon process only, keeping its data, as a crash or `systemctl
   * stop docker` would: `SIGKILL` at once, or `SIGTERM` with SIGKILL after 30 s.
   * Resolves once it is gone.
   */
  stopDaemon(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the daemon again on the same data (containers with a restart policy come back); resolves once it answers. */
  startDaemon(): Promise<void>;
  /** Removes everything: its containers, the daemon, its data, its bridge. Never throws. */
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** Is `pid` the dockerd serving `host`? (A PID alone may have been reused by anything.) */
function isDaemonOf(pid: number, host: string): boolean {
  return pid > 0 && cmdlineOf(pid).includes(`--host ${host} `);
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (alive(pid) && Date.now() < end) await sleep(100);
  return !alive(pid);
}

/**
 * Removes a daemon's directory, detaching what is still mounted under it first
 * (containers' network namespaces and overlay layers can outlive the daemon by
 * a moment). Best effort: a leftover directory must not fail a test.
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

/** `hr` + a hash of the name: unique per name within Linux's 15-character limit. */
function bridgeName(name: string): string {
  return `hr${createHash('sha1').update(name).digest('hex').slice(0, 10)}`;
}

/** The /24s in 10.0.0.0/8 some interface of this host already has. */
function subnetsInUse(): Set<string> {
  const r = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' });
  return new Set([...(r.stdout ?? '').matchAll(/inet (10\.\d+\.\d+)\.\d+\//g)].map((m) => m[1]));
}

/** Creates the bridge with an address of its own in a free /24 (dockerd takes its subnet from it); replaces a leftover one. */
function createBridge(bridge: string): void {
  spawnSync('ip', ['link', 'del', bridge]);
  // Away from Docker's default 172.17.0.0/16; several private daemons may run at once, so skip taken /24s.
  const used = subnetsInUse();
  const start = parseInt(bridge.slice(2, 6), 16) % 250;
  let subnet = '';
  for (let i = 0; i < 250 && !subnet; i++) {
    const candidate = `10.254.${1 + ((start + i) % 250)}`;
    if (!used.has(candidate)) subnet = candidate;
  }
  if (!subnet) throw new Error('no free /24 in 10.254.0.0/16 for a private dockerd bridge');
  const steps: string[][] = [
    ['link', 'add', bridge, 'type', 'bridge'],
    ['addr', 'add', `${subnet}.1/24`, 'dev', bridge],
    ['link', 'set', bridge, 'up'],
  ];
  for (const args of steps) {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr?.trim() || r.error?.message}`);
  }
}

interface Layout {
  run: string;
  dataRoot: string;
  log: string;
  host: string;
  pidfile: string;
  bridge: string;
}

function layoutOf(name: string): Layout {
  const run = `/run/headroom-${name}`;
  return {
    run,
    dataRoot: `/var/lib/headroom-${name}`,
    log: `/tmp/headroom-${name}-dockerd.log`,
    host: `unix://${run}/docker.sock`,
    pidfile: `${run}/docker.pid`,
    bridge: bridgeName(name),
  };
}

/** Kills the daemon recorded in a layout's pidfile, if that process really is that daemon. */
async function killRecordedDaemon(l: Layout): Promise<void> {
  if (!existsSync(l.pidfile)) return;
  const pid = Number(readFileSync(l.pidfile, 'utf8'));
  if (isDaemonOf(pid, l.host)) {
    process.kill(pid, 'SIGKILL');
    await waitGone(pid, 10_000);
  }
}

/** Removes what a daemon left behind: its process (if it is that daemon), directories, bridge. */
async function removeLeftovers(l: Layout): Promise<void> {
  await killRecordedDaemon(l);
  removeTree(l.run);
  removeTree(l.dataRoot);
  spawnSync('ip', ['link', 'del', l.bridge]);
}

/**
 * Private daemons whose test process is gone (it crashed, or was killed by a
 * timeout before its `after` ran): each records its owner's PID and start time.
 */
async function sweepOrphans(): Promise<void> {
  let dirs: string[] = [];
  try {
    dirs = readdirSync('/run').filter((d) => d.startsWith('headroom-'));
  } catch {
    return;
  }
  for (const d of dirs) {
    let owner: { pid: number; start: string } | null = null;
    try {
      owner = JSON.parse(readFileSync(`/run/${d}/owner.json`, 'utf8'));
    } catch {
      continue; // not one of ours, or being created right now
    }
    if (owner && startTimeOf(owner.pid) !== owner.start) await removeLeftovers(layoutOf(d.slice('headroom-'.length)));
  }
}

function startTimeOf(pid: number): string {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return '';
  }
}

function spawnDaemon(l: Layout): number {
  const out = openSync(l.log, 'a');
  const child = spawn(
    DOCKERD,
    ['--host', l.host, '--pidfile', l.pidfile, '--data-root', l.dataRoot, '--exec-root', `${l.run}/exec`, '--bridge', l.bridge, '--iptables=false', '--ip6tables=false'],
    // Its own process group: a Ctrl-C meant for the test runner reaches it only through stop().
    { detached: true, stdio: ['ignore', out, out] },
  );
  child.unref();
  return child.pid as number;
}

/**
 * Starts a private dockerd named `name` (letters, digits, dashes; make it
 * unique per test process, e.g. with its PID) and imports the busybox image
 * into it as PRIVATE_IMAGE.
 */
export async function startPrivateDockerd(name: string, timeoutMs = 90_000): Promise<PrivateDockerd> {
  if (!/^[a-z0-9-]+$/i.test(name)) throw new Error(`private dockerd name ${JSON.stringify(name)}: letters, digits and dashes only`);
  const l = layoutOf(name);
  await sweepOrphans();
  // A daemon of this name left by a crashed run would hold the socket.
  await removeLeftovers(l);
  mkdirSync(l.run, { recursive: true });
  writeFileSync(`${l.run}/owner.json`, JSON.stringify({ pid: process.pid, start: startTimeOf(process.pid) }));
  createBridge(l.bridge);
  writeFileSync(l.log, '');

  const env = { ...process.env, DOCKER_HOST: l.host };
  const fail = (args: string[], err: unknown): never => {
    const e = err as { stderr?: string | Buffer; message: string };
    throw new Error(`docker ${args.join(' ')} (${name}): ${e.stderr?.toString().trim() || e.message}`);
  };
  const docker = async (...args: string[]): Promise<string> => {
    try {
      return (await execFileAsync(DOCKER_CLI, args, { env, timeout: 120_000 })).stdout.trim();
    } catch (err) {
      return fail(args, err);
    }
  };
  const dockerInput = (args: string[], input: Buffer | string, extra: Record<string, string> = {}): string => {
    try {
      return execFileSync(DOCKER_CLI, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, ...extra }, timeout: 120_000 }).trim();
    } catch (err) {
      return fail(args, err);
    }
  };

  const d: PrivateDockerd = {
    name,
    host: l.host,
    pid: 0,
    log: l.log,
    docker,
    dockerSync: (...args) => dockerInput(args, ''),
    dockerInput,
    async stopDaemon(signal = 'SIGTERM') {
      const pid = d.pid;
      if (!isDaemonOf(pid, l.host)) return;
      process.kill(pid, signal);
      if (!(await waitGone(pid, 30_000))) {
        process.kill(pid, 'SIGKILL');
        await waitGone(pid, 10_000);
      }
    },
    async startDaemon() {
      d.pid = spawnDaemon(l);
      // Waits for the daemon to answer, on a loaded machine too: the bound is for a daemon that never will.
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        try {
          await docker('version', '--format', '{{.Server.Version}}');
          return;
        } catch (err) {
          if (!alive(d.pid) || Date.now() > deadline) {
            const tail = existsSync(l.log) ? readFileSync(l.log, 'utf8').split('\n').slice(-20).join('\n') : '';
            throw new Error(`private dockerd ${name} did not answer: ${(err as Error).message}\n${tail}`);
          }
          await sleep(300);
        }
      }
    },
    async stop() {
      try {
        const ids = (await docker('ps', '-aq')).split('\n').filter(Boolean);
        if (ids.length > 0) await docker('rm', '-f', ...ids);
      } catch {
        /* the daemon may already be gone */
      }
      try {
        await d.stopDaemon('SIGTERM');
      } catch {
        /* gone already */
      }
      await removeLeftovers(l);
    },
  };

  try {
    await d.startDaemon();
    // The image: busybox's applets as symlinks, imported from a tar on stdin.
    if (!(await docker('images', '-q', PRIVATE_IMAGE))) {
      await execFileAsync(
        'bash',
        [
          '-c',
          'set -e; R=$(mktemp -d); trap "rm -rf $R" EXIT; mkdir -p $R/bin $R/tmp; chmod 1777 $R/tmp; cp /bin/busybox $R/bin/; ' +
            'for a in $($R/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$R/bin/$a"; done; ' +
            `tar -C $R -cf - . | ${DOCKER_CLI} import -c 'ENV PATH=/bin' -c 'CMD ["/bin/sh"]' - ${PRIVATE_IMAGE} >/dev/null`,
        ],
        { env },
      );
    }
  } catch (err) {
    await d.stop();
    throw err;
  }
  return d;
}
