/**
 * A remote "box" on this machine, for the remote tests: a private OpenSSH
 * server (Debian's sshd, on 127.0.0.1 at a free port, with host and user keys
 * generated here) and a throwaway system user whose home is a temp dir — the
 * box's Headroom engine runs as that user, on its default data directory
 * (~/.local/share/headroom), exactly as `headroom service run` would.
 *
 * The laptop side reaches it as a user would: `ssh box` through an ssh config
 * (HEADROOM_SSH_CONFIG) naming the port, the key and a known_hosts file of
 * its own. Nothing here touches the system sshd, ~/.ssh or any process it did
 * not start; `dispose()` stops everything and removes the user.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../../helpers/cli.ts';
import { freePort } from '../../../helpers/net.ts';
import { childrenOf, isAlive, startTimeOf, waitUntil } from '../../../helpers/procs.ts';

export const SSHD = '/usr/sbin/sshd';

/** Why the box cannot be built here, or null. */
export function boxUnavailable(): string | null {
  if (process.platform !== 'linux') return 'Linux only';
  if (process.getuid?.() !== 0) return 'needs root (sshd and a throwaway user)';
  if (!existsSync(SSHD)) return `no ${SSHD} (scripts/provision.sh installs openssh-server)`;
  if (spawnSync('ssh', ['-V']).status !== 0) return 'no ssh client';
  return null;
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.status}`);
  return r.stdout;
}

/** Is something accepting TCP connections on 127.0.0.1:port? */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class TestBox {
  readonly dir = mkdtempSync(join(tmpdir(), 'hr-box-'));
  readonly user = `hrbox${randomBytes(3).toString('hex')}`;
  readonly home = join(this.dir, 'home');
  /** The box engine's data directory: the default for its user. */
  readonly dataDir = join(this.home, '.local', 'share', 'headroom');
  /** The laptop's ssh config for this box (HEADROOM_SSH_CONFIG). */
  readonly sshConfig = join(this.dir, 'ssh_config');
  readonly knownHosts = join(this.dir, 'known_hosts');
  readonly host = 'box';
  uid = -1;
  gid = -1;
  port = 0;
  private sshd: ChildProcess | null = null;
  private engine: ChildProcess | null = null;
  engineLog = '';
  /** sshd's own log (-e), for failure messages. */
  sshdLog = '';
  private readonly spawned: { pid: number; start: number | null }[] = [];
  private hostKey = 'host_ed25519';

  async setup(): Promise<void> {
    chmodSync(this.dir, 0o755);
    // '*' (not useradd's locked '!'): sshd without PAM refuses accounts whose password field marks them locked.
    run('useradd', ['--system', '--home-dir', this.home, '--create-home', '--shell', '/bin/sh', '--password', '*', this.user]);
    this.uid = Number(run('id', ['-u', this.user]).trim());
    this.gid = Number(run('id', ['-g', this.user]).trim());
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hr-test-host', '-f', join(this.dir, this.hostKey)]);
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hr-test-laptop', '-f', join(this.dir, 'laptop_key')]);
    const authorized = join(this.dir, 'authorized_keys');
    writeFileSync(authorized, readFileSync(join(this.dir, 'laptop_key.pub')), { mode: 0o644 });
    this.port = await freePort();
    this.writeKnownHosts();
    writeFileSync(
      this.sshConfig,
      [
        `Host ${this.host}`,
        '  HostName 127.0.0.1',
        `  Port ${this.port}`,
        `  User ${this.user}`,
        `  IdentityFile ${join(this.dir, 'laptop_key')}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${this.knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '  StrictHostKeyChecking yes',
        '',
      ].join('\n'),
    );
    mkdirSync(this.dataDir, { recursive: true });
    for (const d of [this.home, join(this.home, '.local'), join(this.home, '.local', 'share'), this.dataDir]) chownSync(d, this.uid, this.gid);
    chmodSync(this.dataDir, 0o700);
    // sshd checks for its privilege separation directory (Debian creates it when the service starts, which we never do).
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    await this.startSshd();
  }

  /** known_hosts holds the box's current host key, as after a first `ssh box` the user accepted. */
  private writeKnownHosts(): void {
    const pub = readFileSync(join(this.dir, `${this.hostKey}.pub`), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(this.knownHosts, `[127.0.0.1]:${this.port} ${pub}\n`, { mode: 0o600 });
  }

  async startSshd(): Promise<void> {
    const config = join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(this.dir, this.hostKey)}`,
        `PidFile ${join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(this.dir, 'authorized_keys')}`,
        `AllowUsers ${this.user}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin no',
        // OpenSSH grants -L to a Unix socket only where local TCP forwarding is allowed too (session.c: channel_permit_all).
        'AllowTcpForwarding local',
        'AllowStreamLocalForwarding local',
        'X11Forwarding no',
        'PrintMotd no',
        '',
      ].join('\n'),
    );
    this.sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    this.sshd.stderr?.on('data', (d) => {
      log += d;
      this.sshdLog = (this.sshdLog + d).slice(-20_000);
    });
    this.track(this.sshd.pid as number);
    const child = this.sshd;
    await waitFor(async () => child.exitCode === null && (await listening(this.port)), 20_000, `sshd on port ${this.port}: ${log}`).catch((err) => {
      throw new Error(`${(err as Error).message}\n${log}`);
    });
  }

  /** Stops sshd and every session it forked (so established connections drop, as when a box reboots). */
  async stopSshd(): Promise<void> {
    const main = this.sshd;
    if (!main?.pid) return;
    const tree = this.descendants(main.pid);
    const exited = new Promise<void>((r) => (main.exitCode !== null || main.signalCode !== null ? r() : main.once('exit', () => r())));
    main.kill('SIGTERM');
    for (const p of tree) this.killIfOurs(p, 'SIGTERM');
    await exited;
    await waitUntil(() => tree.every((p) => !isAlive(p)), 20_000, 'sshd sessions to end');
    await waitFor(async () => !(await listening(this.port)), 20_000, 'the port to close');
    this.sshd = null;
  }

  /** The box is reinstalled: a new host key (known_hosts on the laptop still has the old one). */
  async changeHostKey(): Promise<void> {
    await this.stopSshd();
    this.hostKey = 'host_ed25519_new';
    run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'hr-test-host-new', '-f', join(this.dir, this.hostKey)]);
    await this.startSshd();
  }

  /** Starts the box's engine as the box user: `headroom service run --no-docker` with the user's HOME, no HEADROOM_HOME. */
  async startEngine(settings: Record<string, unknown>): Promise<void> {
    const file = join(this.dataDir, 'settings.json');
    writeFileSync(file, JSON.stringify(settings), { mode: 0o600 });
    chownSync(file, this.uid, this.gid);
    // The CLI entry from source (src/cli.ts exports main; bin/ would try to rebuild dist/, which this user cannot write).
    const entry = `const { main } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'src', 'cli.ts')).href)}); process.exitCode = await main(process.argv.slice(1));`;
    this.engine = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'service', 'run', '--no-docker'], {
      cwd: repoRoot,
      uid: this.uid,
      gid: this.gid,
      env: { PATH: process.env.PATH, HOME: this.home, USER: this.user, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.engine.stdout?.on('data', (d) => (this.engineLog += d));
    this.engine.stderr?.on('data', (d) => (this.engineLog += d));
    this.track(this.engine.pid as number);
    const socket = join(this.dataDir, 'engine.sock');
    const e = this.engine;
    await waitFor(async () => {
      if (e.exitCode !== null) throw new Error(`the box engine exited: ${this.engineLog}`);
      return existsSync(socket) && this.engineLog.includes('channel');
    }, 60_000, `the box engine's channel (${this.engineLog})`);
  }

  /** The box engine's PID (for the bench's meter). */
  enginePid(): number {
    return this.engine?.pid ?? -1;
  }

  /** Processes named `name` (argv[0]) owned by the box user, so the box engine may stop them. */
  async spawnAs(name: string, count: number, seconds: number): Promise<number[]> {
    const pids: number[] = [];
    for (let i = 0; i < count; i++) {
      const c = spawn('bash', ['-c', `exec -a "$0" sleep ${seconds}`, name], { stdio: 'ignore', uid: this.uid, gid: this.gid, cwd: this.home });
      if (c.pid) pids.push(c.pid);
      c.unref();
    }
    await waitUntil(() => pids.every((p) => readArgv0(p) === name), 30_000, `${count} processes named ${name}`);
    for (const p of pids) this.track(p);
    return pids;
  }

  async dispose(): Promise<void> {
    const engine = this.engine;
    if (engine && engine.exitCode === null) {
      const done = new Promise((r) => engine.once('exit', r));
      engine.kill('SIGTERM');
      await done;
    }
    await this.stopSshd().catch(() => {});
    for (const t of this.spawned) this.killIfOurs(t.pid, 'SIGKILL', t.start);
    spawnSync('userdel', [this.user]);
    rmSync(this.dir, { recursive: true, force: true });
  }

  private track(pid: number): void {
    this.spawned.push({ pid, start: startTimeOf(pid) });
  }

  private descendants(pid: number): number[] {
    const out: number[] = [];
    for (const c of childrenOf(pid)) out.push(c, ...this.descendants(c));
    return out;
  }

  /** Kills `pid` only while it is still the process we knew (same start time). */
  private killIfOurs(pid: number, signal: NodeJS.Signals, start: number | null = startTimeOf(pid)): void {
    if (start === null || startTimeOf(pid) !== start) return;
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

function readArgv0(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')[0];
  } catch {
    return '';
  }
}
