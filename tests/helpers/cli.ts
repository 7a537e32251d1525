/** Runs the real `headroom` command (bin/headroom.mjs → dist/cli.js) with its own data directory. */

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(repoRoot, 'bin', 'headroom.mjs');

let built = false;
/** Builds dist/ once per test process if it is stale (the same check `npm test` does). */
export function ensureBuilt(): void {
  if (built) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'setup.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('build failed');
  built = true;
}

export function tempHome(prefix = 'headroom-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `headroom ...args` to completion (async, so the test's own timers keep running). */
export function runCli(args: string[], home: string, opts: { input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  ensureBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, HEADROOM_HOME: home },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`headroom ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, opts.timeoutMs ?? 60000);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
