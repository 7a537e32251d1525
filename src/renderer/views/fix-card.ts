/**
 * A fix as a card — title, risk, reason, what it touches, Preview and Run —
 * and its result shown where it was clicked. Used by every view that offers
 * fixes (Alerts, Containers, an application's processes), so a fix reads and
 * behaves the same wherever it appears. Destructive fixes ask in the page
 * first (confirm-dialog.ts). A fix runs by its proposal id only.
 */

import { formatBytes } from '../../shared/format.ts';
import type { HeadroomApi } from '../../shared/contract.ts';
import type { FixProposal } from '../../shared/model.ts';
import { h } from '../dom.ts';
import type { Store } from '../state.ts';
import { toApiError } from '../transport/errors.ts';
import { formatWhen } from '../when.ts';
import { fixErrorText as errorText } from './alert-layout.ts';
import { confirmFix, describeTarget } from './confirm-dialog.ts';

/** What a run gave, kept after the fix itself has left the plan. */
export interface FixOutcome {
  fixId: string;
  title: string;
  /** The alerts the fix addressed, so the result stays with them. */
  alertIds: string[];
  /** Its targets' keys ("container:<id>", "process:<pid>"), so a container or process view can show it. */
  targetKeys: string[];
  ok: boolean;
  text: string;
  at: number;
}

/** Results kept per view. */
const KEEP_RESULTS = 8;

export function targetKeys(fix: Pick<FixProposal, 'targets'>): string[] {
  return fix.targets.map((t) => (t.kind === 'process' ? `process:${t.pid}` : t.kind === 'container' ? `container:${t.id}` : `${t.objectType}:${t.id}`));
}

export class FixActions {
  /** Outcomes, newest first. */
  readonly outcomes: FixOutcome[] = [];
  private readonly previews = new Map<string, { ok: boolean; text: string; lines: string[] }>();
  private readonly busy = new Set<string>();

  constructor(
    private readonly api: HeadroomApi,
    private readonly store: Store,
    /** Re-renders the view (after a state change of a card). */
    private readonly rerender: () => void,
  ) {}

  /** The card of `fix`, with its preview and (while it is still offered) its latest result. */
  card(fix: FixProposal): HTMLElement {
    const isBusy = this.busy.has(fix.id);
    const p = this.previews.get(fix.id);
    const n = fix.targets.length;
    return h(
      'article',
      { class: 'fix', 'data-fix-id': fix.id, 'aria-label': fix.title },
      h('div', { class: 'fix-head' }, h('h3', null, fix.title), h('span', { class: `badge risk-${fix.risk}` }, `${fix.risk} risk`), fix.destructive ? h('span', { class: 'badge crit' }, 'destructive') : null),
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
        h('button', { type: 'button', class: 'secondary', 'data-action': 'preview', disabled: isBusy, onclick: () => void this.preview(fix) }, 'Preview'),
        h('button', { type: 'button', class: fix.destructive ? 'danger' : 'primary', 'data-action': 'run', disabled: isBusy, onclick: () => void this.run(fix) }, isBusy ? 'Working…' : 'Run fix'),
      ),
      p
        ? h('div', { class: `preview ${p.ok ? '' : 'fail'}`, role: 'status' }, h('strong', null, p.ok ? 'Preview: ' : 'Preview failed: '), p.text, p.lines.length ? h('ul', null, ...p.lines.slice(0, 50).map((l) => h('li', null, l))) : null)
        : null,
    );
  }

  /** The outcomes `pick` selects, as a results list to put where their fixes were (null when none). */
  results(pick: (o: FixOutcome) => boolean): HTMLElement | null {
    const mine = this.outcomes.filter(pick);
    if (mine.length === 0) return null;
    return h(
      'ul',
      { class: 'results', 'aria-label': 'Fix results' },
      ...mine.map((o) => h('li', { class: o.ok ? 'result ok' : 'result fail', 'data-fix-id': o.fixId, role: 'status' }, h('span', { class: 'when' }, formatWhen(o.at)), ' ', `${o.title}: ${o.text}`)),
    );
  }

  private async preview(fix: FixProposal): Promise<void> {
    this.busy.add(fix.id);
    this.rerender();
    try {
      const r = await this.api.invoke('fix:preview', { id: fix.id });
      this.previews.set(fix.id, { ok: true, text: r.summary, lines: r.results.map((t) => `${describeTarget(t.target)}: ${t.outcome}${t.detail ? ` — ${t.detail}` : ''}`) });
    } catch (e) {
      this.previews.set(fix.id, { ok: false, text: errorText(toApiError(e)), lines: [] });
    } finally {
      this.busy.delete(fix.id);
      this.rerender();
    }
  }

  private async run(fix: FixProposal): Promise<void> {
    if (fix.destructive && !(await confirmFix(fix))) return;
    this.busy.add(fix.id);
    this.rerender();
    const outcome = (ok: boolean, text: string) => {
      this.outcomes.unshift({ fixId: fix.id, title: fix.title, alertIds: fix.alertIds, targetKeys: targetKeys(fix), ok, text, at: Date.now() });
      this.outcomes.length = Math.min(this.outcomes.length, KEEP_RESULTS);
    };
    try {
      const r = await this.api.invoke('fix:run', { id: fix.id });
      // The summary names what happened and what it gave back ("Stopped 12 of 12 processes, 4.1 GB back").
      outcome(r.ok, r.summary);
      // It ran: main has dropped the proposal, so stop offering it before the next plan arrives.
      this.store.set('fixes', this.store.state.fixes.filter((f) => f.id !== fix.id));
    } catch (e) {
      outcome(false, errorText(toApiError(e)));
    } finally {
      this.busy.delete(fix.id);
      this.previews.delete(fix.id);
      this.rerender();
    }
  }
}
