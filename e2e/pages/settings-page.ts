/** Page object for Settings: one form per section, errors shown inline. */

import type { Locator, Page } from '@playwright/test';

export class SettingsPage {
  constructor(readonly page: Page) {}

  form(section: string): Locator {
    return this.page.locator(`#view-settings form[data-section="${section}"]`);
  }

  field(path: string): Locator {
    return this.page.locator(`#view-settings [name="${path}"]`);
  }

  /** The inline error under a field. */
  error(path: string): Locator {
    return this.page.locator(`#view-settings [id="setting-${path.replace('.', '-')}-error"]`);
  }

  async save(section: string): Promise<void> {
    await this.form(section).getByRole('button', { name: 'Save' }).click();
  }

  status(section: string): Locator {
    return this.form(section).locator('.form-status');
  }
}
