/**
 * Where Headroom keeps its data (history database, settings, audit log).
 * HEADROOM_HOME wins, so tests and several instances never share files.
 *
 * The directory is 0700 and its files 0600 (see ensurePrivateDir).
 */

import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HEADROOM_HOME) return env.HEADROOM_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Headroom');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Headroom');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'headroom');
}

/** Mode of the data directory: the history holds process and group names and the fix audit log, which are nobody else's business. */
export const PRIVATE_DIR_MODE = 0o700;

/** Mode of the files Headroom creates in the data directory. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Creates `dir` (its missing parents with the usual mode) and makes it 0700,
 * tightening a directory an earlier version created 0755. chmod, not mkdir's
 * mode alone, so the result does not depend on the umask. Only `dir` itself
 * is changed, never a parent, and only when it is ours: a data directory the
 * user pointed at someone else's folder is left as it is. No-op on Windows,
 * where the folder inherits the profile's ACL.
 */
export function ensurePrivateDir(dir: string, platform = process.platform): void {
  mkdirSync(dirname(dir), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return;
  const st = statSync(dir);
  if (ownedByUs(st.uid) && (st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Takes the group and world bits off `path` (0644 → 0600) if it exists and is
 * ours; a missing file is fine (a WAL not created yet). The owner's bits are
 * left as they are.
 */
export function restrictFile(path: string, platform = process.platform): void {
  if (platform === 'win32') return;
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st || !st.isFile() || !ownedByUs(st.uid)) return;
  if ((st.mode & 0o077) !== 0) chmodSync(path, st.mode & 0o700);
}

function ownedByUs(uid: number): boolean {
  return typeof process.getuid !== 'function' || process.getuid() === uid;
}
