/**
 * A real Headroom for API and server tests: the same composition root as the
 * app (createHeadroom), with its own data directory, fast intervals and Docker
 * off, and its log kept instead of printed.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeadroom, type Headroom } from '../../../src/main/engine/create.ts';
import type { Snapshot } from '../../../src/shared/model.ts';

export interface TestHeadroom {
  h: Headroom;
  dir: string;
  logLines: string[];
  /** Resolves with the next snapshot the running engine emits. */
  nextSnapshot(): Promise<Snapshot>;
  dispose(): Promise<void>;
}

/** Settings written before start; merged over the defaults by the settings store. */
export function startTestHeadroom(settings: Record<string, unknown> = {}, opts: { start?: boolean } = {}): TestHeadroom {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-api-'));
  const base = { version: 1, intervals: { systemMs: 250, processesMs: 500, fdsMs: 5000 } };
  const merged: Record<string, unknown> = { ...base, ...settings };
  if (settings.intervals) merged.intervals = { ...base.intervals, ...(settings.intervals as object) };
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(merged));
  const logLines: string[] = [];
  const h = createHeadroom({ dataDir: dir, docker: false, log: (l) => logLines.push(l) });
  if (opts.start !== false) h.engine.start();
  return {
    h,
    dir,
    logLines,
    nextSnapshot: () => new Promise((resolve) => h.engine.once('snapshot', resolve)),
    async dispose() {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
