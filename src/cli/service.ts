/**
 * `headroom service install|uninstall|run|socket-path`: Headroom on a box the
 * user reaches over SSH (docs/remote.md).
 *
 * - `install` writes and enables a systemd user unit (service-unit.ts) that
 *   runs the engine at boot; where systemd is not running, it says so and
 *   prints the command to run instead, and writes nothing.
 * - `uninstall` disables and removes it.
 * - `run` is the unit's ExecStart: the engine of the data directory, headless,
 *   on its local channel only — no TCP port, no window, no notifications.
 * - `socket-path` prints where that channel is, for the laptop to forward.
 *
 * systemctl and loginctl are run by argv through `ServiceDeps`, so the tests
 * can run `install` where no systemd manager is running.
 */

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostEngine } from '../main/engine/channel/host.ts';
import { channelPath } from '../main/engine/channel/protocol.ts';
import { defaultDataDir } from '../main/engine/paths.ts';
import { parseFlags } from './args.ts';
import { UsageError, type CliIo } from './io.ts';
import { renderUnit, UNIT_NAME, userUnitDir } from './service-unit.ts';

export interface CommandResult {
  status: number | null;
  stderr: string;
}

/** The outside world `install`/`uninstall` touch, replaceable in tests. */
export interface ServiceDeps {
  /** sd_booted(): is systemd the running init? */
  systemdRunning(): boolean;
  systemctl(args: string[]): CommandResult;
  loginctl(args: string[]): CommandResult;
  unitDir(): string;
  /** The node binary and the headroom script the unit should run. */
  command(): { node: string; script: string };
}

function run(program: 'systemctl' | 'loginctl', args: string[]): CommandResult {
  const r = spawnSync(program, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
  return { status: r.status, stderr: (r.stderr ?? r.error?.message ?? '').trim().slice(0, 500) };
}

/** bin/headroom.mjs, found from this module (src/cli/ under tsx, dist/ once built). */
function headroomScript(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'bin', 'headroom.mjs');
    if (existsSync(candidate)) return realpathSync(candidate);
    if (dirname(dir) === dir) break;
  }
  return resolve(process.argv[1] ?? 'headroom');
}

export const systemDeps: ServiceDeps = {
  systemdRunning: () => existsSync('/run/systemd/system'),
  systemctl: (args) => run('systemctl', args),
  loginctl: (args) => run('loginctl', args),
  unitDir: () => userUnitDir(),
  command: () => ({ node: process.execPath, script: headroomScript() }),
};

const USAGE = 'usage: headroom service install [--no-docker] | uninstall | run [--no-docker] | socket-path';

export async function serviceCommand(args: string[], io: CliIo, deps: ServiceDeps = systemDeps): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'install':
      return install(rest, io, deps);
    case 'uninstall':
      parseFlags('service uninstall', rest, {}, false);
      return uninstall(io, deps);
    case 'run':
      return runEngine(rest, io);
    case 'socket-path':
      parseFlags('service socket-path', rest, {}, false);
      io.out(channelPath(defaultDataDir()));
      return 0;
    default:
      throw new UsageError(sub === undefined ? USAGE : `headroom service: unknown subcommand ${JSON.stringify(sub.slice(0, 40))}; ${USAGE}`);
  }
}

function install(args: string[], io: CliIo, deps: ServiceDeps): number {
  const { values } = parseFlags('service install', args, { 'no-docker': { type: 'boolean' } }, false);
  const { node, script } = deps.command();
  const runLine = [node, script, 'service', 'run', ...(values['no-docker'] ? ['--no-docker'] : [])].map(shellWord).join(' ');
  if (!deps.systemdRunning()) {
    io.err('headroom service install: systemd is not running on this machine (no /run/systemd/system), so there is no user service to install.');
    io.err('Start the engine yourself instead, e.g. from your login profile or `crontab -e` (@reboot):');
    io.out(`  nohup ${runLine} >/dev/null 2>&1 &`);
    return 1;
  }
  const unitPath = join(deps.unitDir(), UNIT_NAME);
  mkdirSync(deps.unitDir(), { recursive: true });
  writeFileSync(unitPath, renderUnit({ node, script, headroomHome: process.env.HEADROOM_HOME ?? null, noDocker: values['no-docker'] === true }), { mode: 0o644 });
  io.out(`Wrote ${unitPath}`);
  for (const step of [['--user', 'daemon-reload'], ['--user', 'enable', '--now', UNIT_NAME]]) {
    const r = deps.systemctl(step);
    if (r.status !== 0) {
      io.err(`headroom service install: systemctl ${step.join(' ')} failed: ${r.stderr || `exit ${r.status}`}`);
      io.err(`The unit is written; enable it with: systemctl --user enable --now ${UNIT_NAME}`);
      return 1;
    }
  }
  // A user's services start at boot only if the user "lingers"; otherwise at their first login.
  const user = userInfo().username;
  const linger = deps.loginctl(['enable-linger', user]);
  if (linger.status !== 0) io.err(`To start it at boot, before you log in, run: sudo loginctl enable-linger ${user} (${linger.stderr || `exit ${linger.status}`})`);
  io.out(`Headroom's engine runs as the user service ${UNIT_NAME}. It listens only on ${channelPath(defaultDataDir())} (no network port).`);
  io.out('On your laptop: headroom machines add NAME SSH-DESTINATION   (see docs/remote.md)');
  return 0;
}

function uninstall(io: CliIo, deps: ServiceDeps): number {
  const unitPath = join(deps.unitDir(), UNIT_NAME);
  const ours = existsSync(unitPath) && readFileSync(unitPath, 'utf8').includes('headroom service install');
  if (existsSync(unitPath) && !ours) {
    io.err(`headroom service uninstall: ${unitPath} was not written by Headroom; leaving it alone`);
    return 1;
  }
  if (deps.systemdRunning()) {
    const r = deps.systemctl(['--user', 'disable', '--now', UNIT_NAME]);
    // Not loaded or already disabled is fine: the goal is that it no longer runs.
    if (r.status !== 0 && ours) io.err(`systemctl --user disable --now ${UNIT_NAME}: ${r.stderr || `exit ${r.status}`}`);
  }
  if (ours) {
    rmSync(unitPath);
    io.out(`Removed ${unitPath}`);
  } else {
    io.out(`No ${UNIT_NAME} was installed (${unitPath} does not exist).`);
  }
  if (deps.systemdRunning()) deps.systemctl(['--user', 'daemon-reload']);
  return 0;
}

/** The unit's ExecStart: the engine, until SIGTERM (systemctl stop) or SIGINT. */
async function runEngine(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('service run', args, { 'no-docker': { type: 'boolean' } }, false);
  const h = await hostEngine('service', { docker: values['no-docker'] ? false : undefined });
  h.engine.start();
  io.out(`Headroom engine running on ${h.dataDir}; channel ${h.channel?.path ?? '(off)'}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await h.close();
  return 0;
}

/** A word for the printed shell line (a suggestion for the user to paste, never run by us). */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
