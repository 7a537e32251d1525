/**
 * Issue 17, items 1–7: the window as a new user meets it, in Debian's Chromium,
 * against the real `headroom serve` watching the system dockerd, with real
 * processes: a leaking one (grouped as `ux-leaky-<run>` by its own command
 * line), one with a 300-character name, and a container of ours that printed
 * two lines and exited with code 3. The container has a run-unique `hr-test-`
 * name and is removed at the end; nothing else on the daemon is touched.
 *
 * With HEADROOM_SCREENSHOTS=<dir> (scripts/screenshots.mjs) the views are
 * also saved there, for docs/images.
 */

import { expect, test, type Browser, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureBuilt } from '../tests/helpers/cli.ts';
import { ProcessSwarm } from '../tests/helpers/procs.ts';
import { HeadroomPage } from './pages/headroom-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { WindowPage } from './pages/window-page.ts';
import { repoRoot, startServe, type ServeProcess } from './support/serve.ts';

const RUN = `${randomInt(100000, 999999)}`;
const LEAKY = `ux-leaky-${RUN}`;
const LONG_NAME = `report-generator-${'x'.repeat(300)}`;
const CONTAINER = `hr-test-e2e-window-${RUN}`;
const IMAGE = 'headroom-test/busybox:1';
const GiB = 1024 ** 3;
const SHOTS = process.env.HEADROOM_SCREENSHOTS;

const SETTINGS = {
  intervals: { systemMs: 1000, processesMs: 1000, dockerStatsMs: 2000 },
  // A memory warning fires at once (1 %, no sustain), so the status line and the nav have a severity to show.
  alerts: { memWarnPercent: 1, memCritPercent: 99, sustainSeconds: 0 },
  // Short spans so the leak below is judged within seconds, not the default five minutes; a 10-minute window
  // gives ~1 s buckets (the default 6 h window buckets by 30 s, too coarse for a leak that lasts 4 minutes).
  detector: { minSpanSeconds: 15, slowSpanSeconds: 300, maxWindowSeconds: 600, minSamples: 10 },
  groups: { rules: [{ name: LEAKY, kind: 'other', cmdline: `hr-leak-${RUN}` }] },
};

function memTotal(): number {
  const m = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8', timeout: 60_000 }).trim();
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
}

test.describe.configure({ mode: 'serial' });

let serve: ServeProcess;
let page: Page;
let frame: HeadroomPage;
let win: WindowPage;
const swarm = new ProcessSwarm();
let leaker: ChildProcess | null = null;
let longPid = 0;

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  ensureBuilt();
  // Our container: two lines on stdout, then exit code 3.
  docker('run', '-d', '--name', CONTAINER, '--memory', '64m', IMAGE, 'sh', '-c', `echo hello-${RUN}; echo second line; exit 3`);
  // A process growing ~12 MB/s for ~4 minutes (2.7 GB), with a busy program's garbage coming and going
  // (CHURN_MB 40), marked by its own command line. Without the churn its RSS is an almost exact line, which
  // the detector may hold "not significant" for minutes by design (tests/fixtures/leaker.cjs): CI once saw
  // no trend card within 150 s.
  leaker = spawn(process.execPath, ['--expose-gc', join(repoRoot, 'tests', 'fixtures', 'leaker.cjs'), `hr-leak-${RUN}`, '690', '40', '2700'], { stdio: 'ignore' });
  if (leaker.pid) swarm.track(leaker.pid);
  [longPid] = await swarm.spawnNamed(LONG_NAME, 1, 900);
  serve = await startServe(SETTINGS, { docker: true });
  page = await (await browser.newContext({ colorScheme: 'light', viewport: { width: 1400, height: 900 } })).newPage();
  frame = new HeadroomPage(page);
  win = new WindowPage(page);
});

test.afterAll(async () => {
  leaker?.kill('SIGKILL');
  swarm.cleanup();
  await page?.context().close();
  await serve?.stop();
  try {
    docker('rm', '-f', CONTAINER);
  } catch {
    /* already gone */
  }
});

test('1. the Overview answers first: status line, top consumers and firing alerts above the fold at 1400×900; the nav shows the worst severity', async () => {
  await page.goto(serve.url);
  await expect(frame.status).toHaveText(/live/);
  await expect(win.statusLine).toHaveText(/^(warning|critical): /);
  await expect(win.topConsumers.locator('tbody tr').first()).toBeVisible();
  await expect(win.firingAlerts.locator('li[data-alert-id]').first()).toBeVisible();
  for (const el of [win.statusLine, win.topConsumers, win.firingAlerts]) expect(await win.aboveTheFold(el)).toBe(true);
  await expect(frame.navLink('alerts').locator('.badge')).toHaveText(/^(warning|critical)$/);
  await expect(frame.navLink('alerts')).toHaveAttribute('data-severity', /^(warning|critical)$/);
});

test('2. the memory axis ends at RAM, and no leak projection is drawn on the host’s axis', async () => {
  await expect.poll(() => win.memoryChart.getAttribute('data-y-max').then(Number)).toBe(memTotal());
  await expect(win.memoryChart).toHaveAttribute('data-trends', '0');
  await shot(page, 'window-overview');
});

test('2b. each leak projection is on its own chart and axis, with slope, interval and ETA', async () => {
  test.setTimeout(240_000);
  const card = win.trendCard(`process.group.${LEAKY}.rss`);
  await expect(card).toBeVisible({ timeout: 150_000 });
  await expect(card.locator('.trend-facts')).toHaveText(/^\+[\d.]+ [KMG]?B\/h \([\d.]+ [KMG]?B–[\d.]+ [KMG]?B\/h\) · (full in ~|growth stopped|no limit in sight)/);
  await expect(card.locator('canvas')).toHaveAttribute('data-trends', '1');
  await expect.poll(() => card.locator('canvas').getAttribute('data-y-max').then(Number)).toBeGreaterThan(0);
  await card.scrollIntoViewIfNeeded();
  await shot(page, 'window-leak-trend');
});

test('3. at 420 px nothing overflows sideways, even with a 300-character process name; the name is cut, whole on hover and focus', async () => {
  await page.setViewportSize({ width: 420, height: 900 });
  for (const view of ['overview', 'applications', 'containers', 'alerts', 'settings'] as const) {
    await frame.open(view);
    await expect.poll(() => win.overflowPx(), { message: `${view} overflows at 420 px` }).toBe(0);
  }
  await frame.open('applications');
  const link = win.appLink(LONG_NAME);
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(link).toHaveAttribute('title', LONG_NAME);
  await expect(link).toHaveCSS('text-overflow', 'ellipsis');
  expect(await link.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
  expect(await win.overflowPx()).toBe(0);
  await shot(page, 'window-narrow-applications');
  await frame.open('overview');
  await expect.poll(() => win.overflowPx()).toBe(0);
  await shot(page, 'window-narrow-overview');
  await page.setViewportSize({ width: 1400, height: 900 });
});

test('4. containers: state with exit code, the log tail read from the real container, and its fixes', async () => {
  await frame.open('containers');
  const link = win.containerLink(CONTAINER);
  await expect(link).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('#containers-table tbody tr', { has: page.locator(`a[data-container="${CONTAINER}"]`) })).toContainText('exited (3)');
  await link.click();
  await expect(win.containerDetail).toBeVisible();
  await expect(win.fact('Exit code')).toHaveText('3');
  await expect(win.fact('OOM-killed')).toHaveText('no');
  await expect(win.containerDetail.locator('pre.logs')).toContainText(`hello-${RUN}\nsecond line`);
  await expect(win.containerDetail.locator('h3', { hasText: 'Fixes' })).toBeVisible();
  await shot(page, 'window-containers', true);
});

test('5. drill-down from an application to its processes, down to a real process’s command line; one search box filters', async () => {
  await frame.open('applications');
  await win.search.fill('report-generator');
  // Only what matches stays listed.
  await expect(page.locator('#apps-table tbody tr')).toHaveCount(1);
  await win.appLink(LONG_NAME).click();
  await expect(win.processes).toBeVisible();
  const row = win.processes.locator('#process-table tbody tr', { has: page.locator('td:first-child', { hasText: new RegExp(`^${longPid}$`) }) });
  await expect(row).toBeVisible({ timeout: 15_000 });
  const cmd = readFileSync(`/proc/${longPid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  await expect(row.locator('.cmdline')).toHaveAttribute('title', cmd);
  await shot(page, 'window-drilldown');
  // The same box filters containers.
  await frame.open('containers');
  await win.search.fill(CONTAINER);
  await expect(page.locator('#containers-table tbody tr')).toHaveCount(1);
  await win.search.fill('');
  await frame.open('applications');
});

test('6. alerts are sorted by severity, each with its title', async () => {
  await frame.open('alerts');
  const cards = page.locator('#view-alerts .alert-list article.alert');
  await expect(cards.first()).toBeVisible();
  const order = await cards.evaluateAll((els) => els.map((e) => (e.className.includes('sev-critical') ? 0 : e.className.includes('sev-warning') ? 1 : 2)));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  await expect(cards.first().locator('h2')).not.toBeEmpty();
  await shot(page, 'window-alerts', true);
});

test('7. settings are shown and saved in human units; the range control shows only where it applies', async () => {
  const settings = new SettingsPage(page);
  await frame.open('settings');
  await expect(win.ranges).toBeHidden();
  await expect(page.locator('label[for="setting-alerts-unboundedContainerBytes"]')).toContainText('(GB)');
  await expect(settings.field('alerts.unboundedContainerBytes')).toHaveValue('2');
  await expect(settings.field('alerts.leakHorizonSeconds')).toHaveValue('6');
  await expect(settings.field('intervals.systemMs')).toHaveValue('1');
  await settings.field('alerts.unboundedContainerBytes').fill('3');
  await settings.save('alerts');
  await expect(settings.status('alerts')).toHaveText('Saved.');
  const saved = JSON.parse(readFileSync(join(serve.home, 'settings.json'), 'utf8')) as { alerts: { unboundedContainerBytes: number } };
  expect(saved.alerts.unboundedContainerBytes).toBe(3 * GiB);
  await expect(settings.field('alerts.unboundedContainerBytes')).toHaveValue('3');
  await shot(page, 'window-settings');
  await frame.open('overview');
  await expect(win.ranges).toBeVisible();
});

test('the Overview in dark mode', async ({ browser }) => {
  test.skip(!SHOTS, 'only for the screenshots');
  const dark = await (await browser.newContext({ colorScheme: 'dark', viewport: { width: 1400, height: 900 } })).newPage();
  try {
    await dark.goto(`${serve.url}#/overview`);
    await expect(new WindowPage(dark).topConsumers.locator('tbody tr').first()).toBeVisible();
    await shot(dark, 'window-overview-dark');
  } finally {
    await dark.context().close();
  }
});
