/** Page object for the issue-17 window: status line, top consumers, trend charts, drill-down, containers' details, search. */

import type { Locator, Page } from '@playwright/test';

export class WindowPage {
  readonly statusLine: Locator;
  readonly topConsumers: Locator;
  readonly firingAlerts: Locator;
  readonly memoryChart: Locator;
  readonly search: Locator;
  readonly ranges: Locator;
  readonly processes: Locator;
  readonly containerDetail: Locator;

  constructor(readonly page: Page) {
    this.statusLine = page.locator('#status-line');
    this.topConsumers = page.locator('#top-consumers');
    this.firingAlerts = page.locator('#overview-alerts');
    this.memoryChart = page.locator('#view-overview .chart-card canvas').first();
    this.search = page.locator('#search');
    this.ranges = page.locator('#ranges');
    this.processes = page.locator('#app-processes');
    this.containerDetail = page.locator('#container-detail');
  }

  trendCard(series: string): Locator {
    return this.page.locator(`#leak-trends .trend-card[data-series="${series}"]`);
  }

  /** The link to an application in the Applications table. */
  appLink(group: string): Locator {
    return this.page.locator(`#apps-table a[data-group="${group}"]`);
  }

  containerLink(name: string): Locator {
    return this.page.locator(`#containers-table a[data-container="${name}"]`);
  }

  fact(label: string): Locator {
    return this.containerDetail.locator(`dd[data-fact="${label}"]`);
  }

  /** How far the page is wider than its viewport (0 when nothing overflows sideways). */
  async overflowPx(): Promise<number> {
    // Runs in the page; typed by hand, as the e2e compiles without the DOM library.
    return this.page.evaluate(() => {
      const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
  }

  /** True when `el` lies wholly inside the viewport without scrolling (above the fold). */
  async aboveTheFold(el: Locator): Promise<boolean> {
    const box = await el.boundingBox();
    const vp = this.page.viewportSize();
    return box !== null && vp !== null && box.y >= 0 && box.y + box.height <= vp.height && box.x + box.width <= vp.width;
  }
}
