// Bundles the app with esbuild: the CLI/engine for Node, and (as they exist)
// the Electron main and preload scripts and the renderer. npm packages stay
// external for Node targets, so native modules (libsql) load from node_modules.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './setup.mjs';

const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };
const renderer = { bundle: true, platform: 'browser', target: 'chrome120', format: 'iife', minify: true, sourcemap: true, logLevel: 'warning' };

const targets = [
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', format: 'esm' },
  // Electron main and preload (sandboxed preloads must be CommonJS).
  { ...node, entryPoints: ['src/main/index.ts'], outfile: 'dist/electron/main.cjs', format: 'cjs', external: ['electron'] },
  { ...node, entryPoints: ['src/preload/index.ts'], outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] },
  // The renderer runs in a browser: everything bundled, minified, as classic scripts
  // (module scripts from file:// are refused in some Electron setups; a deferred classic script loads everywhere).
  // boot.js, loaded first, only opens the connection and asks for the first history (src/renderer/boot.ts).
  { ...renderer, entryPoints: ['src/renderer/boot.ts'], outfile: 'dist/renderer/boot.js' },
  { ...renderer, entryPoints: ['src/renderer/main.ts'], outfile: 'dist/renderer/main.js' },
];

mkdirSync(join(root, 'dist'), { recursive: true });
for (const t of targets) {
  if (!existsSync(join(root, t.entryPoints[0]))) continue; // a part not written yet
  await build({ ...t, absWorkingDir: root });
}
for (const f of ['index.html', 'styles.css']) {
  const src = join(root, 'src', 'renderer', f);
  if (existsSync(src)) cpSync(src, join(root, 'dist', 'renderer', f));
}
writeFileSync(join(root, 'dist', '.built'), new Date().toISOString());
