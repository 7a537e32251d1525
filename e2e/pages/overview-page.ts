/** Page object for the Overview: headline figures and the memory and pressure charts. */

import type { Locator, Page } from '@playwright/test';

export class OverviewPage {
  readonly memoryChart: Locator;
  readonly pressureChart: Locator;
  readonly trends: Locator;
  readonly zoomState: Locator;

  constructor(readonly page: Page) {
    const view = page.locator('#view-overview');
    this.memoryChart = view.locator('canvas').nth(0);
    this.pressureChart = view.locator('canvas').nth(1);
    this.trends = view.locator('.trend-list');
    this.zoomState = view.locator('.zoom-state');
  }

  stat(label: 'Memory' | 'Swap' | 'Pressure' | 'Load' | 'Processes'): Locator {
    return this.page.locator(`#view-overview .stat[aria-label="${label}"] .stat-value`);
  }

  /** Points drawn in a chart, as the chart reports them (data-points). */
  async points(chart: Locator): Promise<number> {
    return Number((await chart.getAttribute('data-points')) ?? 0);
  }

  async spanMs(chart: Locator): Promise<number> {
    return Number((await chart.getAttribute('data-span-ms')) ?? 0);
  }
}
