/**
 * The Headroom page in Debian's Chromium, driven from inside a node:test file
 * with playwright-core (the e2e suite drives the same page through
 * @playwright/test; the selectors here are the ones its page objects use).
 */

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../../playwright.config.ts';

export interface JourneyPage {
  page: Page;
  /** The card of one alert in Alerts & fixes. */
  alertCard(alertId: string): Locator;
  /** Waits until the alert card shows and contains every text in `texts`; returns its text. */
  waitForAlertCard(alertId: string, texts: string[], ms: number): Promise<string>;
  close(): Promise<void>;
}

/** Launches Chromium, opens the engine's page and its Alerts & fixes view. */
export async function openPage(url: string): Promise<JourneyPage> {
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
  } catch (err) {
    throw new Error(`Chromium (/usr/bin/chromium, Debian package chromium; scripts/provision.sh installs it) did not start: ${(err as Error).message}`);
  }
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(url);
    await page.locator('#nav a[data-view="alerts"]').click();
    await page.locator('#view-alerts').waitFor({ state: 'visible', timeout: 30_000 });
    const alertCard = (id: string) => page.locator(`#view-alerts article.alert[data-alert-id="${id}"]`);
    return {
      page,
      alertCard,
      async waitForAlertCard(id, texts, ms) {
        const card = alertCard(id);
        const end = Date.now() + ms;
        let text = '';
        for (;;) {
          text = (await card.count()) > 0 ? await card.innerText() : '';
          if (text && texts.every((t) => text.includes(t))) return text;
          if (Date.now() > end) throw new Error(`the page's alert card ${id} did not show ${JSON.stringify(texts)} within ${ms} ms; it shows: ${text || '(no card)'}`);
          await page.waitForTimeout(250);
        }
      },
      close: () => browser.close(),
    };
  } catch (err) {
    await browser.close();
    throw err;
  }
}
