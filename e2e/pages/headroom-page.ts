/** Page object for the Headroom window's frame: navigation, range picker, status and the overhead corner. */

import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/serve.ts';

export const ARTIFACTS = join(repoRoot, 'e2e', 'artifacts');

export type ViewId = 'overview' | 'applications' | 'containers' | 'alerts' | 'settings';

export class HeadroomPage {
  readonly status: Locator;
  readonly overhead: Locator;

  constructor(readonly page: Page) {
    this.status = page.locator('#status');
    this.overhead = page.locator('#overhead');
  }

  navLink(view: ViewId): Locator {
    return this.page.locator(`#nav a[data-view="${view}"]`);
  }

  view(view: ViewId): Locator {
    return this.page.locator(`#view-${view}`);
  }

  async open(view: ViewId): Promise<void> {
    await this.navLink(view).click();
    await expect(this.view(view)).toBeVisible();
    await expect(this.navLink(view)).toHaveAttribute('aria-current', 'page');
  }

  /** Picks a range by its label ("15 min", "1 h", "6 h", "24 h", "7 d"). */
  async pickRange(label: string): Promise<void> {
    await this.page.locator('#ranges label', { hasText: new RegExp(`^${label}$`) }).click();
  }

  /** Saves e2e/artifacts/<name>.png: the whole page, or only the viewport (a modal dialog is drawn where the viewport is). */
  async screenshot(name: string, opts: { fullPage?: boolean } = {}): Promise<void> {
    mkdirSync(ARTIFACTS, { recursive: true });
    await this.page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: opts.fullPage ?? true });
  }
}
