/**
 * The machine switcher in the top bar: this machine or a followed box, with
 * each box's state and alert count, kept current by machines:push. Choosing
 * one reloads the page on it (machine.ts); a banner says which box is shown
 * and whether its data is live.
 */

import type { HeadroomApi, MachineSummary } from '../../shared/contract.ts';
import { h } from '../dom.ts';
import { switcherModel } from './machine-switcher-model.ts';

/**
 * `api` is the window's own connection (the rows come from this engine, whichever box is shown);
 * `go` navigates to a box (null: this machine).
 */
export function mountMachineSwitcher(select: HTMLSelectElement, banner: HTMLElement, api: HeadroomApi, selected: string | null, go: (machine: string | null) => void): void {
  let rows: MachineSummary[] = [];
  const render = () => {
    const m = switcherModel(rows, selected);
    select.hidden = m.hidden;
    select.replaceChildren(...m.options.map((o) => h('option', { value: o.value, selected: o.selected }, o.label)));
    banner.hidden = m.banner === null;
    if (m.banner) {
      banner.dataset.level = m.banner.level;
      banner.textContent = m.banner.text;
    }
  };
  select.addEventListener('change', () => go(select.value === '' ? null : select.value));
  api.on('machines:push', (r) => {
    rows = r;
    render();
  });
  render();
  void api.invoke('machines:list', undefined).then(
    (r) => {
      rows = r;
      render();
    },
    () => {
      /* an engine without machines (or a failed call) leaves the switcher as it is */
    },
  );
}
