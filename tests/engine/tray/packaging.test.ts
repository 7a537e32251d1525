/**
 * Packaging, as far as it goes without the Electron download: electron-builder
 * loads and validates electron-builder.yml with its own loader and schema, the
 * app metadata passes its checks (including what a .deb needs), the Electron
 * main bundle builds and needs only production dependencies, and the icons in
 * assets/ are the ones the renderer draws.
 */

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules, createRequire } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Script } from 'node:vm';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { PNG } from 'pngjs';
import { assetIconFiles } from '../../../src/main/engine/tray/icon.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);

interface BuilderConfig {
  [key: string]: unknown;
  extraMetadata?: Record<string, unknown>;
  files?: { filter?: string[] }[];
  directories?: { output?: string };
  linux?: { target?: string[]; icon?: string };
  mac?: { target?: string[]; icon?: string };
  win?: { target?: string[]; icon?: string };
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, debugLogger: unknown): Promise<void>;
};
const { checkMetadata } = require('app-builder-lib/out/util/packageMetadata.js') as {
  checkMetadata(metadata: unknown, devMetadata: unknown, appPackageFile: string, devAppPackageFile: string): void;
};
const builderUtil = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown; log: { stream: NodeJS.WritableStream } };
const { DebugLogger } = builderUtil;
// electron-builder narrates to stdout ("loaded configuration"), which would land in the test report.
builderUtil.log.stream = new Writable({ write: (_chunk, _enc, done) => done() });
const { minimatch } = require('minimatch') as { minimatch(path: string, pattern: string, opts?: object): boolean };

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown> & {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
};

async function loadConfig(dir = root): Promise<BuilderConfig> {
  return getConfig(dir, null, null);
}

describe('packaging', () => {
  test('electron-builder.yml loads and passes electron-builder’s own schema', async () => {
    const config = await loadConfig();
    await validateConfiguration(config, new DebugLogger(false));
    assert.deepEqual(config.linux?.target, ['AppImage', 'deb']);
    assert.deepEqual(config.mac?.target, ['dmg']);
    assert.deepEqual(config.win?.target, ['nsis']);
    assert.equal(config.directories?.output, 'release', 'installers do not land in dist/, where the bundles are');
    assert.match(pkg.scripts.dist, /electron-builder/);
  });

  test('the validator is real: a broken copy of the config is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-builder-'));
    try {
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }));
      const text = readFileSync(join(root, 'electron-builder.yml'), 'utf8').replace('appId:', 'appIdentifier:');
      writeFileSync(join(dir, 'electron-builder.yml'), text);
      const broken = await loadConfig(dir);
      await assert.rejects(validateConfiguration(broken, new DebugLogger(false)), /unknown property 'appIdentifier'/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the packaged package.json has what electron-builder and a .deb require', async () => {
    const config = await loadConfig();
    const app = { ...pkg, ...config.extraMetadata };
    checkMetadata(app, pkg, 'package.json', 'package.json');
    assert.equal(app.main, 'dist/electron/main.cjs');
    for (const field of ['name', 'version', 'description', 'homepage'] as const) assert.ok(typeof app[field] === 'string' && app[field], `${field} is set`);
    const author = app.author as { email?: string } | undefined;
    assert.match(author?.email ?? '', /@/, 'a maintainer address for the .deb');
    assert.ok(!('electron' in pkg.dependencies) && !('electron-builder' in pkg.dependencies), 'electron stays a dev dependency');
  });

  test('the files it packages include the bundles, and the icons exist at the sizes installers need', async () => {
    const config = await loadConfig();
    const patterns = config.files?.flatMap((f) => f.filter ?? []) ?? [];
    const included = (path: string) => {
      let yes = false;
      for (const p of patterns) {
        if (p.startsWith('!')) {
          if (minimatch(path, p.slice(1), { dot: true })) yes = false;
        } else if (minimatch(path, p, { dot: true })) yes = true;
      }
      return yes;
    };
    for (const f of ['package.json', 'dist/electron/main.cjs', 'dist/electron/preload.cjs', 'dist/renderer/index.html', 'dist/renderer/main.js', 'assets/icon.png']) {
      assert.ok(included(f), `${f} is packaged`);
    }
    assert.ok(!included('src/main/index.ts') && !included('tests/engine/tray/menu.test.ts') && !included('dist/electron/main.cjs.map'));
    const icon = PNG.sync.read(readFileSync(join(root, config.mac?.icon ?? '')));
    assert.ok(icon.width >= 512 && icon.height === icon.width, 'macOS and Windows icons come from a square PNG of at least 512 px');
    for (const s of [16, 32, 48, 64, 128, 256, 512]) assert.ok(existsSync(join(root, config.linux?.icon ?? '', `${s}x${s}.png`)), `Linux icon ${s}x${s}`);
  });

  test('the icons in assets/ are exactly what the renderer draws (rerun scripts/make-icons.mjs after a change)', () => {
    for (const { path, png } of assetIconFiles()) {
      const file = join(root, path);
      assert.ok(existsSync(file), `${path} exists`);
      assert.ok(readFileSync(file).equals(png), `${path} is up to date`);
    }
  });

  test('the Electron main bundle builds, and needs nothing outside the production dependencies', async () => {
    const out = await build({
      absWorkingDir: root,
      entryPoints: ['src/main/index.ts'],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      packages: 'external',
      external: ['electron'],
      write: false,
      outfile: 'main.cjs',
      logLevel: 'silent',
      metafile: true,
    });
    const code = out.outputFiles.find((f) => f.path.endsWith('main.cjs'))?.text ?? '';
    assert.ok(code.length > 10_000, 'a real bundle');
    const external = Object.values(out.metafile.inputs)
      .flatMap((i) => i.imports)
      .filter((imp) => imp.external)
      .map((imp) => imp.path);
    const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
    const packages = new Set(external.filter((p) => !builtins.has(p)).map((p) => (p.startsWith('@') ? p.split('/').slice(0, 2).join('/') : p.split('/')[0])));
    assert.ok(packages.has('electron'), 'electron is required at run time, not bundled');
    packages.delete('electron');
    for (const p of packages) assert.ok(p in pkg.dependencies, `${p} is a production dependency (the installer ships only those)`);
    // Valid CommonJS that Electron's loader can compile (wrapped as Node wraps a module).
    assert.doesNotThrow(() => new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: 'main.cjs' }));
    assert.match(code, /require\("electron"\)/);
  });
});
