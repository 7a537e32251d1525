/**
 * Where Headroom keeps its data (history database, settings, audit log).
 * HEADROOM_HOME wins, so tests and several instances never share files.
 */

import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.HEADROOM_HOME) return env.HEADROOM_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Headroom');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Headroom');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'headroom');
}
