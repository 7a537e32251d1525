/**
 * The argv Headroom hands to the user's own `ssh`, built in one pure place so
 * the tests can read exactly what runs. Nothing here weakens the user's
 * configuration: host key checking, known_hosts, keys and agent stay theirs.
 * What is added only makes the forward fail loudly instead of hanging
 * (BatchMode: never prompt; ExitOnForwardFailure: no half-working tunnel;
 * ServerAlive*: a dead link ends ssh, so the reconnect loop notices) and keeps
 * the forwarded socket owner-only (StreamLocalBindMask=0177 → mode 0600).
 *
 * The destination always comes last, after `--`, so even a value that slipped
 * past validation could not be read as an option.
 */

export interface SshOptions {
  /** The ssh program (default `ssh` from PATH). */
  program?: string;
  /** `-F FILE`: a config file of Headroom's own instead of ~/.ssh/config (HEADROOM_SSH_CONFIG; the tests use it). */
  configFile?: string | null;
  /** Seconds between keep-alives over the encrypted channel. */
  serverAliveIntervalSec?: number;
  /** Missed keep-alives before ssh gives up (so a dead box is noticed within interval × count). */
  serverAliveCountMax?: number;
  connectTimeoutSec?: number;
}

/** The environment variable naming an ssh config file for Headroom's connections. */
export const SSH_CONFIG_ENV = 'HEADROOM_SSH_CONFIG';

export function sshOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): SshOptions {
  return { configFile: env[SSH_CONFIG_ENV] || null };
}

function common(o: SshOptions): string[] {
  return [
    ...(o.configFile ? ['-F', o.configFile] : []),
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${o.connectTimeoutSec ?? 15}`,
    // Our own connection, not a multiplexed one: its exit is the signal that the box went away.
    '-o', 'ControlMaster=no',
    '-o', 'ControlPath=none',
  ];
}

/**
 * The forward's remote command: it waits for its stdin to end. Headroom holds
 * ssh's stdin open and never writes to it, so when Headroom's process ends in
 * any way (SIGKILL and crashes included, where no exit hook runs) the pipe
 * closes, ssh passes the EOF on, `cat` ends, the session ends, and ssh exits
 * with it: a forward never outlives the Headroom that started it. (`-N` would
 * leave ssh running, holding the box's engine open, until someone killed it.)
 * A constant string, run by the box user's shell; any shell has `cat`.
 */
export const FORWARD_TETHER = 'cat >/dev/null';

/** `ssh -T … -L local.sock:remote.sock -- dest 'cat >/dev/null'`: forwards the remote engine's channel to a local socket. */
export function forwardArgs(destination: string, localPath: string, remotePath: string, o: SshOptions = {}): string[] {
  return [
    ...common(o),
    '-T',
    '-o', 'ExitOnForwardFailure=yes',
    '-o', `ServerAliveInterval=${o.serverAliveIntervalSec ?? 15}`,
    '-o', `ServerAliveCountMax=${o.serverAliveCountMax ?? 3}`,
    '-o', 'StreamLocalBindUnlink=yes',
    '-o', 'StreamLocalBindMask=0177',
    '-L', `${localPath}:${remotePath}`,
    '--',
    destination,
    FORWARD_TETHER,
  ];
}

/**
 * Asks the box where its engine listens: `headroom service socket-path` where
 * Headroom is on the remote PATH, else the default data directory's socket
 * (HEADROOM_HOME, else XDG_DATA_HOME, else ~/.local/share, plus /headroom).
 * A constant string: nothing the user typed is in it.
 */
export const REMOTE_SOCKET_QUERY =
  `sh -c 'if command -v headroom >/dev/null 2>&1 && headroom service socket-path 2>/dev/null; then :; ` +
  `else printf "%s\\n" "\${HEADROOM_HOME:-\${XDG_DATA_HOME:-$HOME/.local/share}/headroom}/engine.sock"; fi'`;

/** `ssh -T … -- dest 'sh -c …'`: the one-off query above. */
export function socketQueryArgs(destination: string, o: SshOptions = {}): string[] {
  return [...common(o), '-T', '--', destination, REMOTE_SOCKET_QUERY];
}
