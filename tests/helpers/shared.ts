/**
 * Where `../shared` (the labelled traces and user reports beside the repo) is.
 * Beside this checkout first; for a clone made elsewhere (`git clone . /tmp/fresh`),
 * beside the repository it was cloned from; or HEADROOM_SHARED_DIR. Tests read
 * it in place and never copy it into the repo.
 */

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function originSibling(): string | null {
  try {
    const url = execFileSync('git', ['-C', repoRoot, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim();
    return isAbsolute(url) ? join(url, '..', 'shared') : null;
  } catch {
    return null;
  }
}

function findSharedDir(): string {
  const candidates = [process.env.HEADROOM_SHARED_DIR, join(repoRoot, '..', 'shared'), originSibling()].filter((c): c is string => !!c);
  const found = candidates.find((c) => existsSync(join(c, 'traces')));
  if (!found) throw new Error(`the shared material (traces/) was not found; looked in: ${candidates.join(', ')} (set HEADROOM_SHARED_DIR)`);
  return found;
}

/** The shared folder; throws with the places it looked when there is none. */
export const SHARED_DIR = findSharedDir();
export const TRACES_DIR = join(SHARED_DIR, 'traces');

/** One entry of the shared traces' labels.json (see its README). */
export interface TraceLabel {
  file: string;
  series: string;
  leak: boolean;
  onset_s?: number;
  slope_per_hour?: number;
  max_latency_s?: number;
  why: string;
}
