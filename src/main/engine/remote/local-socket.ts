/**
 * Where a box's forwarded channel appears on this machine: a socket in
 * `machines/` inside the data directory (0700, like the directory itself; ssh
 * creates the socket 0600). Named by a hash of the machine name, so any name
 * the user chose makes a short, safe file name. A Unix socket path is limited
 * to ~104 bytes; a data directory too deep for that falls back to a private
 * directory of this process under the system temp dir.
 */

import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_SOCKET_PATH_BYTES } from '../channel/protocol.ts';
import { ensurePrivateDir } from '../paths.ts';

let fallbackDir: string | null = null;

/** The socket path for `machineName`; `suffix` tells apart a one-off (a CLI command's) from the app's. */
export function localSocketPath(dataDir: string, machineName: string, suffix = ''): string {
  const file = `${createHash('sha256').update(machineName).digest('hex').slice(0, 16)}${suffix}.sock`;
  const dir = join(dataDir, 'machines');
  const path = join(dir, file);
  if (Buffer.byteLength(path) <= MAX_SOCKET_PATH_BYTES) {
    ensurePrivateDir(dir);
    return path;
  }
  // mkdtemp creates it 0700 with a random name, so no one else can have prepared it.
  fallbackDir ??= mkdtempSync(join(tmpdir(), 'hr-m-'));
  return join(fallbackDir, file);
}
