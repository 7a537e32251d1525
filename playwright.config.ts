/**
 * Playwright e2e (`npm test` runs it after the unit tests; alone:
 * `node node_modules/@playwright/test/cli.js test`).
 *
 * The browser is Debian's Chromium (/usr/bin/chromium, installed by
 * scripts/provision.sh), never a Playwright download. Specs run one at a time:
 * they start real engines and real processes on this machine.
 */

import { defineConfig } from '@playwright/test';

/** Flags for a Chromium in a container: no sandbox (we run as root), no GPU, no background traffic. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/playwright',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1280, height: 860 },
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
