#!/usr/bin/env node
/**
 * Regenerates the window's images in docs/images/ from a real scenario: the
 * issue-17 e2e (e2e/window.spec.ts) against the real `headroom serve`, the
 * system dockerd, a leaking process, a 300-character process name and an
 * exited container, with HEADROOM_SCREENSHOTS pointing at docs/images.
 * Look at each image before committing it.
 *
 *   node scripts/screenshots.mjs
 */

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', 'e2e/window.spec.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, HEADROOM_SCREENSHOTS: join(root, 'docs', 'images') },
});
process.exit(r.status ?? 1);
