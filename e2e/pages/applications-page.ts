/** Page object for Applications: the stacked chart and the sortable table. */

import type { Locator, Page } from '@playwright/test';

export class ApplicationsPage {
  readonly chart: Locator;
  readonly rows: Locator;

  constructor(readonly page: Page) {
    this.chart = page.locator('#view-applications canvas');
    this.rows = page.locator('#apps-table tbody tr');
  }

  /** The table row of one application, matched on its exact name. */
  row(name: string): Locator {
    return this.rows.filter({ has: this.page.locator('td:first-child', { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  }

  /** The instance count shown for `name`, or null if it is not listed. */
  async instances(name: string): Promise<number | null> {
    const r = this.row(name);
    if ((await r.count()) === 0) return null;
    return Number(await r.locator('td').nth(2).innerText());
  }

  async sortBy(label: string): Promise<void> {
    await this.page.locator('#apps-table thead button', { hasText: label }).click();
  }
}
