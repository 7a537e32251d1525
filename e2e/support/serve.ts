/**
 * Starts the real `headroom serve` (bin/headroom.mjs → dist/cli.js) with its own
 * HEADROOM_HOME, and reads the URL it prints.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServeProcess {
  url: string;
  port: number;
  token: string;
  home: string;
  proc: ChildProcess;
  /** Everything printed so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Runs on the fresh data directory before the engine opens it (e.g. to seed history). */
  prepare?: (home: string) => void;
  args?: string[];
  /** Watch the system dockerd (default: `--no-docker`). */
  docker?: boolean;
}

/** Starts `headroom serve --port 0 --no-open --no-docker` (Docker with `docker: true`) with `settings` in a fresh HEADROOM_HOME. */
export async function startServe(settings: Record<string, unknown>, opts: ServeOptions = {}): Promise<ServeProcess> {
  const home = mkdtempSync(join(tmpdir(), 'headroom-e2e-'));
  writeFileSync(join(home, 'settings.json'), JSON.stringify({ version: 1, ...settings }));
  opts.prepare?.(home);
  const proc = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'serve', '--port', '0', '--no-open', ...(opts.docker ? [] : ['--no-docker']), ...(opts.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, HEADROOM_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (c) => (out += String(c)));
  proc.stderr?.on('data', (c) => (out += String(c)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headroom serve printed no URL within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = /Headroom is running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    proc.stdout?.on('data', check);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`headroom serve exited with ${code}:\n${out}`));
    });
  });
  const u = new URL(url);
  return {
    url,
    port: Number(u.port),
    token: u.pathname.split('/')[1],
    home,
    proc,
    output: () => out,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
