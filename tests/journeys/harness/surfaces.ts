/**
 * One alert on every surface a user sees it on, checked the same way in every
 * journey: the native notification (title names the culprit, body carries
 * "Fix: …", an action is offered), the tray (icon state, the alert in the
 * glance menu with its one-click fix directly under it) and the page (the
 * alert card with its fix). The API side is the journey's own: it is where
 * the alert and its fix come from.
 */

import assert from 'node:assert/strict';
import type { Alert, FixProposal } from '../../../src/shared/model.ts';
import type { Desktop, NotifyCall } from './desktop.ts';
import type { JourneyEngine } from './engine.ts';
import { trayAlertItem, trayFixItems } from './engine.ts';
import type { JourneyPage } from './browser.ts';
import { waitFor } from './wait.ts';

export interface Surfaces {
  desktop: Desktop;
  engine: JourneyEngine;
  page: JourneyPage;
}

export interface AlertExpectation {
  alert: Alert;
  /** The fix the notification should carry (the alert's top fix). */
  fix: FixProposal;
  /** Text the notification's title must contain to be this alert's (the culprit, and a PID where names repeat). */
  titleHas: string[];
  /** How long to wait for each surface. */
  ms?: number;
}

/**
 * A title with its live figures blanked ("using 141 MB" → "using #"): a fix's
 * title carries sizes that move between the notification and a later read,
 * while what it does and to whom stays the same.
 */
export function stem(text: string): string {
  return text.replace(/[+−-]?\d+(\.\d+)?\s*(B|KB|MB|GB|TB|%|s|min|h)?\b/g, '#');
}

/** The notification of `e.alert`: named culprit, "Fix: <fix title>" in the body, the fix as its action. */
export async function checkNotification(s: Surfaces, e: AlertExpectation): Promise<NotifyCall> {
  const mine = (n: NotifyCall) => e.titleHas.every((t) => n.summary.includes(t));
  const n = await s.desktop.waitForNotification(`the notification of ${e.alert.id} (title with ${JSON.stringify(e.titleHas)})`, mine, e.ms ?? 30_000, () => s.engine.output().slice(-1500));
  assert.equal(n.app, 'Headroom');
  assert.ok(stem(n.body).includes(`Fix: ${stem(e.fix.title)}`), `the notification of ${e.alert.id} carries its fix "${e.fix.title}": ${JSON.stringify(n)}`);
  assert.ok(n.actions.length >= 2, `the notification of ${e.alert.id} offers an action: ${JSON.stringify(n)}`);
  assert.ok(stem(n.actions[1]).startsWith(stem(e.fix.title)), `its action is the fix: ${JSON.stringify(n.actions)}`);
  return n;
}

/** The tray: a coloured icon, the alert in the glance menu, and its fix one click away under it. */
export async function checkTray(s: Surfaces, e: AlertExpectation): Promise<void> {
  let why = '';
  await waitFor(
    `the tray to show ${e.alert.id} with its fix`,
    async () => {
      const view = await s.engine.trayView();
      const label = trayAlertItem(view, e.alert.id);
      const fixItems = trayFixItems(view, e.fix.id);
      why = `icon ${JSON.stringify(view.icon)}; alert item ${JSON.stringify(label)}; fix items ${JSON.stringify(fixItems)}; menu ${JSON.stringify(view.menu.map((i) => (i.type === 'item' || i.type === 'status' ? i.label : i.type)))}`;
      // The menu lists six alerts; an alert further down is behind "N more alerts": the journeys keep theirs few enough.
      return view.icon.level !== 'normal' && label !== undefined && e.titleHas.every((t) => label.includes(t)) && fixItems.some((l) => stem(l).includes(stem(e.fix.title)));
    },
    e.ms ?? 30_000,
    () => why,
    500,
  );
}

/** The page: the alert's card names the culprit and offers the fix. */
export async function checkPage(s: Surfaces, e: AlertExpectation): Promise<string> {
  // The card is drawn from the current proposals: the fix's words before its first live figure.
  return s.page.waitForAlertCard(e.alert.id, [...e.titleHas, e.fix.title.split(/\d/)[0]], e.ms ?? 30_000);
}

/** Notification, tray and page for one alert. */
export async function checkAllSurfaces(s: Surfaces, e: AlertExpectation): Promise<NotifyCall> {
  const n = await checkNotification(s, e);
  await checkTray(s, e);
  await checkPage(s, e);
  return n;
}

/** Text that counts down to exhaustion ("full in ~3 h", "fills the host (no limit) in 2 h", "limit in 40 min"). */
const COUNTDOWN = /full in|reaches its limit in|fills the host \(no limit\) in|limit in \d|limit in ~/;

/**
 * Issue 13 #5: after `series` stops growing, waits until no surface counts
 * down for it any more and those still showing it say its growth stopped: the
 * trend (no time to exhaustion, `growthStopped`, or no longer a leak), and the
 * alert `leak:<series>` on the API, in the tray and on the page (resolved, or
 * titled "growth stopped").
 */
export async function waitUntilGrowthStopped(s: Surfaces, series: string, ms: number): Promise<void> {
  const id = `leak:${series}`;
  const since = Date.now();
  let last = '';
  await waitFor(
    `every surface to stop counting down for ${series} and say its growth stopped`,
    async () => {
      const a = (await s.engine.api.invoke('alerts:list', undefined)).find((x) => x.id === id && x.state === 'firing');
      const tr = (await s.engine.api.invoke('trends:list', undefined)).find((x) => x.series === series);
      const tray = trayAlertItem(await s.engine.trayView(), id) ?? '';
      const cardLoc = s.page.alertCard(id);
      const card = (await cardLoc.count()) > 0 ? await cardLoc.innerText() : '';
      last = `after ${Math.round((Date.now() - since) / 1000)} s: alert ${JSON.stringify(a?.title)}; trend ${JSON.stringify(tr && { leaking: tr.leaking, eta: tr.etaSeconds, growthStopped: tr.growthStopped })}; tray ${JSON.stringify(tray)}; card ${JSON.stringify(card.slice(0, 300))}`;
      const trendQuiet = !tr || !tr.leaking || (tr.etaSeconds === null && tr.growthStopped === true);
      const alertQuiet = !a || (/growth stopped/i.test(a.title) && !COUNTDOWN.test(a.title) && !COUNTDOWN.test(tray) && /growth stopped/i.test(card) && !COUNTDOWN.test(card));
      return trendQuiet && alertQuiet;
    },
    ms,
    () => last,
    1000,
  );
}
