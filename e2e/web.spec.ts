/**
 * The Headroom window in web mode, in Debian's Chromium, against the real
 * engine (`headroom serve`) on this machine's real processes.
 *
 * The swarm is 16 real processes named `claude`. This machine may run real
 * `claude` agents too (the sessions building Headroom, for one), and another
 * run of this suite may run at the same time, so a grouping rule in the test's
 * settings puts exactly our processes — `claude 600.<run-unique digits>` —
 * into a group of their own, `claude-e2e`, and the test checks every PID in
 * the confirmation dialog is one of ours before it confirms.
 */

import { expect, test, type Browser, type Page } from '@playwright/test';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import WebSocket from 'ws';
import { ensureBuilt } from '../tests/helpers/cli.ts';
import { ProcessSwarm, isAlive } from '../tests/helpers/procs.ts';
import { AlertsPage } from './pages/alerts-page.ts';
import { ApplicationsPage } from './pages/applications-page.ts';
import { HeadroomPage } from './pages/headroom-page.ts';
import { OverviewPage } from './pages/overview-page.ts';
import { SettingsPage } from './pages/settings-page.ts';
import { seedHistory } from './support/seed-history.ts';
import { startServe, type ServeProcess } from './support/serve.ts';

const SWARM = 16;
const MAX = 8;
const KEEP = 4;
const GROUP = 'claude-e2e';
// A run-unique sleep argument (no trailing zero, so it prints as written) that the grouping rule matches.
const SECONDS = Number(`600.${randomInt(100, 999)}1`);

const SETTINGS = {
  intervals: { systemMs: 1000, processesMs: 1000 },
  // Alerts fire at once (no 30 s sustain), so the swarm's alert is there before its fix runs.
  alerts: { maxInstances: { [GROUP]: MAX }, sustainSeconds: 0 },
  remedies: { keepInstances: KEEP, graceSeconds: 2 },
  groups: { rules: [{ name: GROUP, kind: 'agent', cmdline: `^claude ${String(SECONDS).replace('.', '\\.')}$` }] },
};

function httpStatus(port: number, path: string, host?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, setHost: host === undefined }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    if (host !== undefined) req.setHeader('Host', host);
    req.on('error', reject);
    req.end();
  });
}

function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    ws.once('error', (e) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(e);
    });
  });
}

test.describe.configure({ mode: 'serial' });

let serve: ServeProcess;
let page: Page;
let frame: HeadroomPage;
const swarm = new ProcessSwarm();
let swarmPids: number[] = [];

test.beforeAll(async ({ browser }: { browser: Browser }) => {
  ensureBuilt();
  serve = await startServe(SETTINGS, { prepare: (home) => seedHistory(home, 24, 30_000) });
  page = await (await browser.newContext({ colorScheme: 'light' })).newPage();
  frame = new HeadroomPage(page);
});

test.afterAll(async () => {
  swarm.cleanup();
  await page?.context().close();
  await serve?.stop();
});

test('the overview loads and live data arrives', async () => {
  const overview = new OverviewPage(page);
  await page.goto(serve.url);
  await expect(frame.status).toHaveText(/live/);
  await expect(overview.stat('Memory')).toHaveText(/\d.* \/ \d/);
  await expect.poll(() => overview.points(overview.memoryChart)).toBeGreaterThan(0);
  const before = await overview.points(overview.memoryChart);
  // New samples arrive by push and are appended to the chart.
  await expect.poll(() => overview.points(overview.memoryChart), { timeout: 15_000 }).toBeGreaterThan(before + 1);
  await expect(frame.overhead).toHaveText(/^Headroom: [\d.]+% CPU · [\d.]+ [KMG]?B$/);
  const paint = await page.evaluate(() => globalThis.performance.getEntriesByName('first-chart-paint').length);
  expect(paint).toBe(1);
  await frame.screenshot('overview');
});

test('ranges switch, and the charts zoom and return to live', async () => {
  const overview = new OverviewPage(page);
  // The seeded day has a sample every 30 s: 2880 per series. The 24-hour view asks main for at most
  // 2000 per series (2 series in the memory chart), so it shows more than 1 hour's but no more than that.
  const seen: Record<string, number> = {};
  for (const [label, ms] of [['1 h', 3600e3], ['6 h', 6 * 3600e3], ['24 h', 24 * 3600e3], ['7 d', 7 * 86400e3], ['15 min', 15 * 60e3]] as const) {
    await frame.pickRange(label);
    await expect(page.locator('#ranges input:checked + label')).toHaveText(label);
    // The span is the range, plus a quarter when a leak trend is projected forward.
    await expect.poll(() => overview.spanMs(overview.memoryChart)).toBeGreaterThanOrEqual(ms);
    expect(await overview.spanMs(overview.memoryChart)).toBeLessThanOrEqual(ms * 1.25 + 5000);
    await expect(frame.view('overview')).toHaveAttribute('data-history-range', String(ms));
    await expect.poll(() => overview.points(overview.memoryChart)).toBeGreaterThan(ms >= 3600e3 ? 100 : 0);
    seen[label] = await overview.points(overview.memoryChart);
    if (label === '24 h') await frame.screenshot('overview-24h');
  }
  expect(seen['6 h']).toBeGreaterThan(seen['1 h']);
  expect(seen['24 h']).toBeGreaterThan(seen['6 h']);
  expect(seen['24 h']).toBeLessThanOrEqual(2 * 2000 + 100);
  // Drag across the middle of the memory chart: it zooms in, and the pressure chart follows.
  const box = await overview.memoryChart.boundingBox();
  if (!box) throw new Error('the memory chart has no box');
  const live = await overview.spanMs(overview.memoryChart);
  await page.mouse.move(box.x + box.width * 0.45, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(overview.zoomState).toContainText('Zoomed');
  await expect.poll(() => overview.spanMs(overview.memoryChart)).toBeLessThan(live * 0.5);
  await expect.poll(() => overview.spanMs(overview.pressureChart)).toBe(await overview.spanMs(overview.memoryChart));
  await frame.screenshot('overview-zoomed');
  await overview.memoryChart.dblclick();
  await expect(overview.zoomState).toContainText('Live');
  await expect.poll(() => overview.spanMs(overview.memoryChart)).toBeGreaterThanOrEqual(15 * 60e3);
});

test(`${SWARM} claude processes appear as one group`, async () => {
  swarmPids = await swarm.spawnNamed('claude', SWARM, SECONDS);
  const apps = new ApplicationsPage(page);
  await frame.open('applications');
  await expect.poll(() => apps.instances(GROUP), { timeout: 30_000 }).toBe(SWARM);
  await apps.sortBy('Instances');
  await expect.poll(() => apps.chart.getAttribute('data-points').then(Number)).toBeGreaterThan(0);
  await frame.screenshot('applications');
});

test('its fix runs from the page, after an in-page confirmation, and the processes are gone', async () => {
  const alerts = new AlertsPage(page);
  await frame.open('alerts');
  // The alert names the culprit, and the fix that addresses it is shown under it.
  const alert = alerts.alert(`instances:${GROUP}`);
  await expect(alert).toBeVisible({ timeout: 30_000 });
  await expect(alert.locator('.culprit')).toHaveText(GROUP);
  await expect(alert.locator('h2')).toContainText(`${GROUP} ×${SWARM}`);
  const card = alert.locator('article.fix').filter({ has: page.locator('h3', { hasText: new RegExp(`Stop ${SWARM - KEEP} of ${SWARM} ${GROUP} instances`) }) });
  await expect(card).toBeVisible({ timeout: 30_000 });
  await card.getByRole('button', { name: 'Preview' }).click();
  await expect(card.locator('.preview')).toContainText('Preview:');
  expect(swarmPids.every(isAlive)).toBe(true);

  await card.getByRole('button', { name: 'Run fix' }).click();
  await expect(alerts.dialog).toBeVisible();
  await expect(alerts.dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  const targets = await alerts.dialogPids();
  expect(targets).toHaveLength(SWARM - KEEP);
  // Never confirm a fix that would touch anything but our own processes.
  expect(targets.every((p) => swarmPids.includes(p))).toBe(true);
  await frame.screenshot('alerts-confirm', { fullPage: false });
  await alerts.dialog.getByRole('button', { name: 'Run fix' }).click();
  await expect(alerts.dialog).toHaveCount(0);

  await expect(alerts.results.first()).toHaveClass(/ok/, { timeout: 30_000 });
  await expect(alerts.results.first()).toContainText(GROUP);
  // /proc agrees: the targets are gone, the kept ones still run.
  await expect.poll(() => targets.filter(isAlive).length, { timeout: 15_000 }).toBe(0);
  const kept = swarmPids.filter((p) => !targets.includes(p));
  expect(kept).toHaveLength(KEEP);
  expect(kept.every(isAlive)).toBe(true);
  // With 4 left, under the maximum of 8, the alert resolves and leaves the list.
  await expect(alert).toHaveCount(0, { timeout: 30_000 });
  await frame.screenshot('alerts');
  const apps = new ApplicationsPage(page);
  await frame.open('applications');
  await expect.poll(() => apps.instances(GROUP), { timeout: 30_000 }).toBe(KEEP);
});

test('settings errors are shown next to the field, and a good change saves', async () => {
  const settings = new SettingsPage(page);
  await frame.open('settings');
  await expect(settings.field('alerts.memWarnPercent')).toHaveValue('70');
  await settings.field('alerts.memCritPercent').fill('50');
  await settings.save('alerts');
  await expect(settings.error('alerts.memCritPercent')).toContainText('memCritPercent');
  await expect(settings.field('alerts.memCritPercent')).toHaveAttribute('aria-invalid', 'true');
  await expect(settings.status('alerts')).toContainText('Not saved');
  await frame.screenshot('settings-error');
  await settings.field('alerts.memCritPercent').fill('90');
  await settings.save('alerts');
  await expect(settings.status('alerts')).toHaveText('Saved.');
  await expect(settings.field('alerts.memCritPercent')).not.toHaveAttribute('aria-invalid', 'true');
  await frame.screenshot('settings');
});

test('a report of the past day is exported from the page as a file', async () => {
  await page.locator('#export').click();
  const dialog = page.locator('dialog.confirm', { has: page.locator('#export-title') });
  await expect(dialog).toBeVisible();
  await dialog.locator('#export-period').selectOption({ label: 'Last 24 hours' });
  await dialog.locator('#export-format').selectOption('html');
  const [file] = await Promise.all([page.waitForEvent('download'), dialog.getByRole('button', { name: 'Export' }).click()]);
  expect(file.suggestedFilename()).toMatch(/\.html$/);
  const path = await file.path();
  expect(readFileSync(path, 'utf8')).toMatch(/<html/i);
  await expect(dialog.locator('.form-status')).toHaveText(/^Saved /);
  await frame.screenshot('export-report', { fullPage: false });
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});

test('containers show Docker as a state', async () => {
  await frame.open('containers');
  await expect(page.locator('#view-containers .docker-state')).toHaveText(/Docker monitoring is off/);
  await frame.screenshot('containers');
});

test('the token is enforced on HTTP and WebSocket, and a foreign Host is refused', async () => {
  const { port, token } = serve;
  expect(await httpStatus(port, '/')).toBe(401);
  expect(await httpStatus(port, '/main.js')).toBe(401);
  expect(await httpStatus(port, `/${'x'.repeat(43)}/`)).toBe(401);
  expect(await httpStatus(port, `/${token}/`)).toBe(200);
  expect(await httpStatus(port, `/${token}/`, `rebind.example:${port}`)).toBe(403);
  expect(await wsOutcome(`ws://127.0.0.1:${port}/ws`)).toBe(401);
  expect(await wsOutcome(`ws://127.0.0.1:${port}/${'x'.repeat(43)}/ws`)).toBe(401);
  expect(await wsOutcome(`ws://127.0.0.1:${port}/${token}/ws`, { Origin: 'http://evil.example' })).toBe(403);
  expect(await wsOutcome(`ws://127.0.0.1:${port}/${token}/ws`, { Origin: `http://127.0.0.1:${port}` })).toBe('open');
  // And in the browser: the page without its token is refused.
  const res = await page.goto(`http://127.0.0.1:${port}/`);
  expect(res?.status()).toBe(401);
});

test('dark mode follows the system', async ({ browser }) => {
  const dark = await (await browser.newContext({ colorScheme: 'dark' })).newPage();
  try {
    await dark.goto(`${serve.url}#/overview`);
    await expect.poll(() => new OverviewPage(dark).points(new OverviewPage(dark).memoryChart)).toBeGreaterThan(0);
    await expect(dark.locator('body')).toHaveCSS('background-color', 'rgb(20, 23, 28)');
    await new HeadroomPage(dark).screenshot('overview-dark');
  } finally {
    await dark.context().close();
  }
});
