/**
 * Alerts & fixes: each firing alert, most severe first, with its culprit and
 * the fixes that would address it (fix-card.ts). A fix's result is shown
 * where it was clicked: under its alert, in place of the fix (a fix that
 * worked leaves the next plan); once the alert resolves, the result stays on a
 * "resolved" card of its own at the top.
 */

import type { Alert, FixProposal } from '../../shared/model.ts';
import { h } from '../dom.ts';
import { formatWhen } from '../when.ts';
import { arrangeAlerts } from './alert-layout.ts';
import { FixActions } from './fix-card.ts';
import type { View, ViewContext } from './view.ts';

export function createAlerts(ctx: ViewContext): View {
  const { api, store } = ctx;
  const resolved = h('div', { class: 'resolved-list', 'aria-live': 'polite' });
  const list = h('div', { class: 'alert-list' });
  const el = h('div', { class: 'view', id: 'view-alerts' }, resolved, list);
  let visible = false;
  let signature = '';
  let focusParam: string | null = null;
  const actions = new FixActions(api, store, () => render(true));
  /** Titles of alerts a fix was run for, so their results keep a heading once they resolve. */
  const titles = new Map<string, string>();

  /** `fixes` are shown in full; `elsewhere` are shown under another alert and only named here. */
  const alertCard = (a: Alert, fixes: FixProposal[], elsewhere: FixProposal[]): HTMLElement =>
    h(
      'article',
      { class: `alert sev-${a.severity}`, 'data-alert-id': a.id, tabindex: -1, 'aria-label': `${a.severity} alert: ${a.title}` },
      h('div', { class: 'alert-head' }, h('span', { class: `badge sev-${a.severity}` }, a.severity), h('h2', null, a.title)),
      a.culprit ? h('p', null, 'Culprit: ', h('strong', { class: 'culprit' }, a.culprit)) : null,
      a.detail ? h('p', { class: 'detail' }, a.detail) : null,
      h('p', { class: 'muted' }, `Since ${formatWhen(a.since)}`),
      actions.results((o) => o.alertIds.includes(a.id)),
      fixes.length ? h('div', { class: 'fixes' }, ...fixes.map((f) => actions.card(f))) : null,
      elsewhere.length ? h('p', { class: 'muted' }, `Also addressed by ${elsewhere.map((f) => `“${f.title}”`).join(', ')} (shown with its own alert).`) : null,
      fixes.length + elsewhere.length === 0 && !actions.outcomes.some((o) => o.alertIds.includes(a.id)) ? h('p', { class: 'muted' }, 'No fix on offer for this one.') : null,
    );

  /** Re-renders when what is shown changed (or `force`), keeping the focused button focused. */
  const render = (force = false) => {
    if (!visible) return;
    const { cards, loose } = arrangeAlerts(store.state.alerts, store.state.fixes);
    for (const c of cards) titles.set(c.alert.id, c.alert.title);
    const sig = JSON.stringify([cards.map(({ alert: a }) => [a.id, a.title, a.detail, a.fixIds]), store.state.fixes.map((f) => [f.id, f.title, f.targets.length])]);
    if (!force && sig === signature) return;
    signature = sig;

    const active = document.activeElement as HTMLElement | null;
    const focusFix = active?.closest('[data-fix-id]')?.getAttribute('data-fix-id');
    const focusAction = active?.getAttribute('data-action');

    // Results whose alerts no longer fire: kept, under the alert's title, where the list starts.
    const firing = new Set(cards.map((c) => c.alert.id));
    const gone = [...new Set(actions.outcomes.flatMap((o) => o.alertIds).filter((id) => !firing.has(id)))];
    const looseDone = actions.results((o) => o.alertIds.length === 0);
    resolved.replaceChildren(
      ...gone.map((id) =>
        h('article', { class: 'alert resolved', 'data-resolved-alert-id': id }, h('div', { class: 'alert-head' }, h('span', { class: 'badge ok' }, 'resolved'), h('h2', null, titles.get(id) ?? id)), actions.results((o) => o.alertIds.includes(id))),
      ),
    );
    list.replaceChildren(
      ...(cards.length ? cards.map((c) => alertCard(c.alert, c.fixes, c.elsewhere)) : [h('p', { class: 'calm' }, 'No alerts. Your machine is fine.')]),
      ...(loose.length || looseDone ? [h('section', { class: 'card' }, h('h2', null, 'Other fixes on offer'), looseDone, ...loose.map((f) => actions.card(f)))] : []),
    );
    if (focusFix && focusAction) {
      for (const b of list.querySelectorAll<HTMLElement>(`[data-action="${focusAction}"]`)) {
        if (b.closest('[data-fix-id]')?.getAttribute('data-fix-id') === focusFix) b.focus();
      }
    }
    if (focusParam) {
      const target = [...list.querySelectorAll<HTMLElement>('[data-alert-id]')].find((n) => n.getAttribute('data-alert-id') === focusParam);
      if (target) {
        target.classList.add('highlight');
        target.scrollIntoView({ block: 'start' });
        target.focus();
        focusParam = null;
      }
    }
  };

  store.subscribe((key) => {
    if (key === 'alerts' || key === 'fixes') render();
  });

  return {
    el,
    show(param) {
      visible = true;
      focusParam = param;
      render(true);
    },
    hide() {
      visible = false;
    },
  };
}
