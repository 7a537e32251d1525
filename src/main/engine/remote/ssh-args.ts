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

/** `ssh -N … -L local.sock:remote.sock -- dest`: forwards the remote engine's channel to a local socket. */
export function forwardArgs(destination: string, localPath: string, remotePath: string, o: SshOptions = {}): string[] {
  return [
    ...common(o),
    '-N',
    '-T',
    '-o', 'ExitOnForwardFailure=yes',
    '-o', `ServerAliveInterval=${o.serverAliveIntervalSec ?? 15}`,
    '-o', `ServerAliveCountMax=${o.serverAliveCountMax ?? 3}`,
    '-o', 'StreamLocalBindUnlink=yes',
    '-o', 'StreamLocalBindMask=0177',
    '-L', `${localPath}:${remotePath}`,
    '--',
    destination,
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
