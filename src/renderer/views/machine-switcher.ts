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
 * `go` navigates to a box (null: this machine). Returns `refresh`, which asks for the rows again
 * (after a reconnect: pushes were missed while away).
 */
export function mountMachineSwitcher(select: HTMLSelectElement, banner: HTMLElement, api: HeadroomApi, selected: string | null, go: (machine: string | null) => void): { refresh(): void } {
  // null until the first list or push: nothing is said about the shown box before that.
  let rows: MachineSummary[] | null = null;
  // A push is newer than any list asked for before it: a list reply that arrives after a push is dropped.
  let pushes = 0;
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
    pushes++;
    rows = r;
    render();
  });
  const refresh = () => {
    const asked = pushes;
    void api.invoke('machines:list', undefined).then(
      (r) => {
        if (pushes !== asked) return;
        rows = r;
        render();
      },
      () => {
        /* a failed call leaves the switcher as it is; the next push or reconnect brings the rows */
      },
    );
  };
  render();
  refresh();
  return { refresh };
}
