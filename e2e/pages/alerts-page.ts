/** Page object for Alerts & fixes: fix cards, the in-page confirmation, results. */

import type { Locator, Page } from '@playwright/test';

export class AlertsPage {
  readonly dialog: Locator;
  readonly results: Locator;

  constructor(readonly page: Page) {
    this.dialog = page.locator('dialog.confirm');
    this.results = page.locator('#view-alerts .results li');
  }

  /** The alert card of one alert id (e.g. "instances:claude"). */
  alert(id: string): Locator {
    return this.page.locator(`#view-alerts article.alert[data-alert-id="${id}"]`);
  }

  /** The fix card whose title matches. */
  fix(title: RegExp): Locator {
    return this.page.locator('#view-alerts article.fix').filter({ has: this.page.locator('h3', { hasText: title }) });
  }

  /** PIDs listed in the open confirmation dialog ("name (PID 123) — 1 MB"). */
  async dialogPids(): Promise<number[]> {
    const items = await this.dialog.locator('ul.targets li').allInnerTexts();
    return items.map((t) => /\(PID (\d+)\)/.exec(t)?.[1]).filter((p): p is string => p !== undefined).map(Number);
  }
}
