// Writes the icon files in assets/ from the same renderer the tray uses at run
// time (src/main/engine/tray/icon.ts): the application icon (1024 px, which
// electron-builder turns into .icns and .ico), the Linux icon set, static tray
// icons at 16/22/24/32/48/64 px and @2x, and the macOS template pair.
//
//   node --import tsx scripts/make-icons.mjs
//
// The output is deterministic; tests/engine/tray/packaging.test.ts fails when
// the files in assets/ no longer match the renderer, so rerun this after
// changing the icon.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { root } from './setup.mjs';
import { assetIconFiles } from '../src/main/engine/tray/icon.ts';

for (const { path, png } of assetIconFiles()) {
  const out = join(root, path);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, png);
  console.log(`${path}  ${png.length} bytes`);
}
