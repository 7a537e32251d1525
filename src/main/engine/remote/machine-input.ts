/**
 * What a user may enter for a remote machine, checked before anything reaches
 * `ssh`. The destination becomes one argv element after `--`, so no shell ever
 * sees it, but ssh itself would read a leading `-` as an option
 * (`-oProxyCommand=…` runs a command): such a destination is refused here as
 * well, so a settings file or a window patch cannot smuggle one in. Names are
 * shown in notification titles and menus, so control characters (which could
 * rewrite a terminal line or spoof a title) are refused too.
 *
 * Pure: used by settings validation, the CLI's `--machine` and the tests.
 */

import type { MachineSetting } from '../../../shared/settings.ts';

export const MAX_MACHINE_NAME = 64;
export const MAX_DESTINATION = 255;
export const MAX_MACHINES = 32;

/** Characters of a host alias, `user@host`, `[::1]` or `ssh://user@host:port`; nothing a shell or ssh would interpret. */
const DESTINATION_CHARS = /^[A-Za-z0-9_.@:%+~/[\]-]+$/;

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `name` cannot name a machine, or null. */
export function machineNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'a machine name must be text';
  if (name.trim() === '') return 'a machine name cannot be empty';
  if (name.length > MAX_MACHINE_NAME) return `a machine name is at most ${MAX_MACHINE_NAME} characters`;
  if (CONTROL.test(name)) return 'a machine name cannot contain control characters';
  return null;
}

/** Why `dest` cannot be an SSH destination, or null. */
export function destinationProblem(dest: unknown): string | null {
  if (typeof dest !== 'string') return 'an SSH destination must be text';
  if (dest === '') return 'an SSH destination cannot be empty';
  if (dest.length > MAX_DESTINATION) return `an SSH destination is at most ${MAX_DESTINATION} characters`;
  if (dest.startsWith('-')) return 'an SSH destination cannot start with "-" (ssh would read it as an option)';
  if (/\s/.test(dest)) return 'an SSH destination cannot contain spaces';
  if (CONTROL.test(dest)) return 'an SSH destination cannot contain control characters';
  if (!DESTINATION_CHARS.test(dest)) return 'an SSH destination is a host from ~/.ssh/config, user@host, or ssh://user@host:port';
  return null;
}

/** Why `path` cannot be the remote engine's socket, or null. */
export function remoteSocketProblem(path: unknown): string | null {
  if (path === undefined) return null;
  if (typeof path !== 'string' || !path.startsWith('/')) return 'the remote socket must be an absolute path';
  if (path.length > 200 || CONTROL.test(path)) return 'the remote socket path is too long or contains control characters';
  return null;
}

/** The first problem of a machines list, with where it is ("machines.1.destination: …"), or null. */
export function machinesProblem(list: unknown): string | null {
  if (!Array.isArray(list)) return 'machines: must be a list';
  if (list.length > MAX_MACHINES) return `machines: at most ${MAX_MACHINES}`;
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const m = list[i] as Partial<MachineSetting> | null;
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return `machines.${i}: must be {name, destination}`;
    const problem = machineNameProblem(m.name);
    if (problem) return `machines.${i}.name: ${problem}`;
    const dest = destinationProblem(m.destination);
    if (dest) return `machines.${i}.destination: ${dest}`;
    const socket = remoteSocketProblem(m.socket);
    if (socket) return `machines.${i}.socket: ${socket}`;
    const key = (m.name as string).trim().toLowerCase();
    if (seen.has(key)) return `machines.${i}.name: another machine is already called ${JSON.stringify(m.name)}`;
    seen.add(key);
  }
  return null;
}
