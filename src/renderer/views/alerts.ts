/**
 * Alerts & fixes: each firing alert with its culprit and the fixes that would
 * address it, each fix with a preview and a button. Destructive fixes ask in
 * the page first. Results stay listed at the top after the fix itself is gone
 * (a fix that worked disappears from the next plan).
 */

import { formatBytes } from '../../shared/format.ts';
import type { Alert, FixProposal } from '../../shared/model.ts';
import { h } from '../dom.ts';
import { formatWhen } from '../when.ts';
import { toApiError } from '../transport/errors.ts';
import { arrangeAlerts, fixErrorText as errorText } from './alert-layout.ts';
import { confirmFix, describeTarget } from './confirm-dialog.ts';
import type { View, ViewContext } from './view.ts';

/** Results kept on screen. */
const KEEP_RESULTS = 5;

export function createAlerts(ctx: ViewContext): View {
  const { api, store } = ctx;
  const results = h('ul', { class: 'results', 'aria-live': 'polite', 'aria-label': 'Fix results' });
  const list = h('div', { class: 'alert-list' });
  const el = h('div', { class: 'view', id: 'view-alerts' }, results, list);
  let visible = false;
  let signature = '';
  let focusParam: string | null = null;
  const previews = new Map<string, { ok: boolean; text: string; lines: string[] }>();
  const busy = new Set<string>();

  const addResult = (ok: boolean, text: string) => {
    results.prepend(h('li', { class: ok ? 'result ok' : 'result fail' }, h('span', { class: 'when' }, formatWhen(Date.now())), ' ', text));
    while (results.children.length > KEEP_RESULTS) results.lastElementChild?.remove();
  };

  const preview = async (fix: FixProposal) => {
    busy.add(fix.id);
    render(true);
    try {
      const r = await api.invoke('fix:preview', { id: fix.id });
      previews.set(fix.id, { ok: true, text: r.summary, lines: r.results.map((t) => `${describeTarget(t.target)}: ${t.outcome}${t.detail ? ` — ${t.detail}` : ''}`) });
    } catch (e) {
      previews.set(fix.id, { ok: false, text: errorText(toApiError(e)), lines: [] });
    } finally {
      busy.delete(fix.id);
      render(true);
    }
  };

  const run = async (fix: FixProposal) => {
    if (fix.destructive && !(await confirmFix(fix))) return;
    busy.add(fix.id);
    render(true);
    try {
      const r = await api.invoke('fix:run', { id: fix.id });
      // The summary names what happened and what it gave back ("Stopped 12 of 12 processes, 4.1 GB back").
      addResult(r.ok, `${fix.title}: ${r.summary}`);
      // It ran: main has dropped the proposal, so stop offering it before the next plan arrives.
      store.set('fixes', store.state.fixes.filter((f) => f.id !== fix.id));
    } catch (e) {
      addResult(false, `${fix.title}: ${errorText(toApiError(e))}`);
    } finally {
      busy.delete(fix.id);
      previews.delete(fix.id);
      render(true);
    }
  };

  const fixCard = (fix: FixProposal): HTMLElement => {
    const isBusy = busy.has(fix.id);
    const p = previews.get(fix.id);
    const n = fix.targets.length;
    return h(
      'article',
      { class: 'fix', 'data-fix-id': fix.id, 'aria-label': fix.title },
      h(
        'div',
        { class: 'fix-head' },
        h('h3', null, fix.title),
        h('span', { class: `badge risk-${fix.risk}` }, `${fix.risk} risk`),
        fix.destructive ? h('span', { class: 'badge crit' }, 'destructive') : null,
      ),
      h('p', null, fix.reason),
      h('p', { class: 'muted' }, `${n} ${n === 1 ? 'target' : 'targets'}${fix.expectedBytes > 0 ? ` · frees about ${formatBytes(fix.expectedBytes)}` : ''}${fix.undoable ? ' · can be undone' : ''}`),
      h(
        'details',
        null,
        h('summary', null, 'What it touches'),
        h('ul', { class: 'targets' }, ...fix.targets.slice(0, 50).map((t) => h('li', null, describeTarget(t)))),
        h('p', { class: 'muted' }, 'Equivalent command: ', h('code', null, fix.command)),
      ),
      h(
        'div',
        { class: 'fix-buttons' },
        h('button', { type: 'button', class: 'secondary', 'data-action': 'preview', disabled: isBusy, onclick: () => void preview(fix) }, 'Preview'),
        h('button', { type: 'button', class: fix.destructive ? 'danger' : 'primary', 'data-action': 'run', disabled: isBusy, onclick: () => void run(fix) }, isBusy ? 'Working…' : 'Run fix'),
      ),
      p
        ? h('div', { class: `preview ${p.ok ? '' : 'fail'}`, role: 'status' }, h('strong', null, p.ok ? 'Preview: ' : 'Preview failed: '), p.text, p.lines.length ? h('ul', null, ...p.lines.slice(0, 50).map((l) => h('li', null, l))) : null)
        : null,
    );
  };

  /** `fixes` are shown in full; `elsewhere` are shown under another alert and only named here. */
  const alertCard = (a: Alert, fixes: FixProposal[], elsewhere: FixProposal[]): HTMLElement =>
    h(
      'article',
      { class: `alert sev-${a.severity}`, 'data-alert-id': a.id, tabindex: -1, 'aria-label': `${a.severity} alert: ${a.title}` },
      h('div', { class: 'alert-head' }, h('span', { class: `badge sev-${a.severity}` }, a.severity), h('h2', null, a.title)),
      a.culprit ? h('p', null, 'Culprit: ', h('strong', { class: 'culprit' }, a.culprit)) : null,
      a.detail ? h('p', { class: 'detail' }, a.detail) : null,
      h('p', { class: 'muted' }, `Since ${formatWhen(a.since)}`),
      fixes.length ? h('div', { class: 'fixes' }, ...fixes.map(fixCard)) : null,
      elsewhere.length ? h('p', { class: 'muted' }, `Also addressed by ${elsewhere.map((f) => `“${f.title}”`).join(', ')} (shown with its own alert).`) : null,
      fixes.length + elsewhere.length === 0 ? h('p', { class: 'muted' }, 'No fix on offer for this one.') : null,
    );

  /** Re-renders when what is shown changed (or `force`), keeping the focused button focused. */
  const render = (force = false) => {
    if (!visible) return;
    const { cards, loose } = arrangeAlerts(store.state.alerts, store.state.fixes);
    const sig = JSON.stringify([cards.map(({ alert: a }) => [a.id, a.title, a.detail, a.fixIds]), store.state.fixes.map((f) => [f.id, f.title, f.targets.length])]);
    if (!force && sig === signature) return;
    signature = sig;

    const active = document.activeElement as HTMLElement | null;
    const focusFix = active?.closest('[data-fix-id]')?.getAttribute('data-fix-id');
    const focusAction = active?.getAttribute('data-action');

    list.replaceChildren(
      ...(cards.length ? cards.map((c) => alertCard(c.alert, c.fixes, c.elsewhere)) : [h('p', { class: 'calm' }, 'No alerts. Your machine is fine.')]),
      ...(loose.length ? [h('section', { class: 'card' }, h('h2', null, 'Other fixes on offer'), ...loose.map(fixCard))] : []),
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
