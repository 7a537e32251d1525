/**
 * The systemd user unit that runs a box's engine at boot (`headroom service
 * install`), as text. Pure, so its exact contents are tested, and
 * `systemd-analyze verify` is run on what this writes.
 *
 * The engine it starts (`headroom service run`) listens only on its local
 * socket in the data directory: no TCP port is opened on the box; the laptop
 * reaches it through the user's own SSH.
 */

import { homedir } from 'node:os';
import { join } from 'node:path';

export const UNIT_NAME = 'headroom.service';

/** Where systemd looks for a user's own units. */
export function userUnitDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user');
}

/**
 * One ExecStart/Environment word: quoted when it holds spaces or quotes, with
 * systemd's specifiers (`%`) escaped, and in arguments its variable expansion
 * (`$`) too, so a path is taken literally. The executable itself is never
 * expanded (systemd refuses a `$$` there as a special character).
 */
export function systemdWord(word: string, executable = false): string {
  let escaped = word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%');
  if (!executable) escaped = escaped.replace(/\$/g, '$$$$');
  return /[\s"'\\]/.test(word) || word === '' ? `"${escaped}"` : escaped;
}

export interface UnitOptions {
  /** The node binary and the `headroom` script, absolute. */
  node: string;
  script: string;
  /** HEADROOM_HOME at install time, carried into the unit so the service uses the same data directory. */
  headroomHome?: string | null;
  noDocker?: boolean;
}

/**
 * V8 flags for the long-running engine. A 1 MB semi-space (young generation)
 * keeps the short-lived garbage of each tick from inflating the heap between
 * scavenges: in two overhead-bench runs the peak RSS was 87 and 92 MB against
 * 96 and 107–111 MB without it, the mean the same, CPU within noise
 * (docs/performance.md). V8 reads it only when the heap is set up, so it must
 * be on node's command line: the unit is where Headroom starts node itself.
 */
export const ENGINE_NODE_FLAGS = ['--max-semi-space-size=1'];

export function renderUnit(o: UnitOptions): string {
  const exec = [o.node, ...ENGINE_NODE_FLAGS, o.script, 'service', 'run', ...(o.noDocker ? ['--no-docker'] : [])].map((w, i) => systemdWord(w, i === 0)).join(' ');
  return [
    '# Written by `headroom service install`; removed by `headroom service uninstall`.',
    '[Unit]',
    'Description=Headroom engine (memory, processes, containers; followed over SSH, no network port)',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${exec}`,
    ...(o.headroomHome ? [`Environment=${systemdWord(`HEADROOM_HOME=${o.headroomHome}`)}`] : []),
    // A crash is restarted, a clean stop is not; a box under memory pressure is exactly when it must keep running.
    'Restart=on-failure',
    'RestartSec=5',
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}
