// Makes a fresh clone runnable: installs npm packages when they are missing or
// older than the lockfile, then builds dist/ when it is missing or older than
// src/. Used by `npm start` and `npm test`, so both work straight after a clone.
// Plain Node with no dependencies: it runs before node_modules exists.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function mtime(p) {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return 0;
  }
}

function newestIn(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestIn(p) : mtime(p));
  }
  return newest;
}

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

/** npm packages: installed when node_modules is missing or older than package-lock.json. */
export function ensurePackages() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && mtime(marker) >= mtime(join(root, 'package-lock.json'))) return;
  console.error('setup: installing npm packages (npm ci)…');
  // Electron's binary comes from a host this machine may not reach; the app falls back to headless mode without it.
  const status = run('npm', ['ci', '--no-audit', '--no-fund'], { env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } });
  if (status !== 0) throw new Error('setup: npm ci failed');
}

/** dist/: rebuilt when missing or older than any source file. */
export function ensureBuild() {
  const built = mtime(join(root, 'dist', '.built'));
  const sources = Math.max(newestIn(join(root, 'src')), mtime(join(root, 'scripts', 'build.mjs')));
  if (built >= sources) return;
  const status = run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
  if (status !== 0) throw new Error('setup: build failed');
}

/** Every `*.test.ts` under `dir`, sorted: the files `npm test` and `npm run reliability` run. */
export function findTests(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(p));
    else if (e.name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

export function ensureSetup() {
  ensurePackages();
  ensureBuild();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureSetup();
