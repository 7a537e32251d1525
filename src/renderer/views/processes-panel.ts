/**
 * The drill-down from an application to its processes: PID, age, parent,
 * state, memory, threads, open files and command line, from the engine's
 * process table (`group:processes`), with each process's own fixes where the
 * planner offers them. Filtered by the search box; re-read on each process
 * scan while open.
 */

import { formatBytes, formatDuration, formatPercent } from '../../shared/format.ts';
import type { HeadroomApi, ProcessRow } from '../../shared/contract.ts';
import { h } from '../dom.ts';
import { matchesQuery, type SearchQuery } from '../search.ts';
import type { Store } from '../state.ts';
import { toApiError } from '../transport/errors.ts';
import { FixActions } from './fix-card.ts';
import { SortableTable, truncated } from './table.ts';

/** Kernel states in words. */
const STATES: Record<string, string> = { R: 'running', S: 'sleeping', D: 'disk wait', Z: 'zombie', T: 'stopped', t: 'traced', I: 'idle', X: 'dead' };

export function stateText(s: string): string {
  return STATES[s] ?? s;
}

export class ProcessesPanel {
  readonly el: HTMLElement;
  /** The application shown, or null when closed. */
  group: string | null = null;
  private rows: ProcessRow[] = [];
  private readonly title: HTMLElement;
  private readonly note: HTMLElement;
  private readonly fixes: HTMLElement;
  private readonly table: SortableTable<ProcessRow>;
  private readonly actions: FixActions;
  private lastScan = 0;
  private asking = 0;

  constructor(
    private readonly api: HeadroomApi,
    private readonly store: Store,
    private readonly search: SearchQuery,
  ) {
    this.table = new SortableTable<ProcessRow>(
      'Processes of the application',
      [
        { key: 'pid', label: 'PID', value: (p) => p.pid, numeric: true },
        { key: 'name', label: 'Name', value: (p) => p.name, truncate: true },
        { key: 'age', label: 'Age', value: (p) => p.startedAt, cell: (p) => formatDuration((Date.now() - p.startedAt) / 1000).replace('~', ''), numeric: true, priority: 2 },
        { key: 'parent', label: 'Parent', value: (p) => p.ppid, cell: (p) => truncated(`${p.parentName ?? '?'} (${p.ppid})`), priority: 3 },
        { key: 'state', label: 'State', value: (p) => p.state, cell: (p) => stateText(p.state), priority: 3 },
        { key: 'rss', label: 'Memory', value: (p) => p.rssBytes, cell: (p) => formatBytes(p.rssBytes), numeric: true },
        { key: 'cpu', label: 'CPU', value: (p) => p.cpuPercent, cell: (p) => formatPercent(p.cpuPercent, 1), numeric: true, priority: 3 },
        { key: 'threads', label: 'Threads', value: (p) => p.threads, numeric: true, priority: 3 },
        { key: 'fds', label: 'Open files', value: (p) => p.fds, numeric: true, priority: 3 },
        { key: 'cmd', label: 'Command line', value: (p) => p.cmdline, cell: (p) => truncated(p.cmdline || `[${p.name}]`, 'trunc cmdline'), priority: 2 },
        { key: 'fix', label: 'Fixes', value: (p) => p.fixIds.length, cell: (p) => (p.fixIds.length ? h('a', { href: `#fixes-of-${p.pid}` }, String(p.fixIds.length)) : '–'), numeric: true, priority: 3 },
      ],
      { key: 'rss', descending: true },
      'No processes match.',
    );
    this.table.el.id = 'process-table';
    this.title = h('h2', { id: 'processes-title' });
    this.note = h('p', { class: 'muted', role: 'status' });
    this.fixes = h('div', { class: 'fixes' });
    this.actions = new FixActions(api, store, () => this.render());
    this.el = h(
      'section',
      { class: 'card', id: 'app-processes', 'aria-labelledby': 'processes-title', hidden: true },
      h('div', { class: 'panel-head' }, this.title, h('a', { href: '#/applications', class: 'close' }, 'Close')),
      this.note,
      h('div', { class: 'table-wrap' }, this.table.el),
      this.fixes,
    );
  }

  /** Shows `group`'s processes (null: closes). */
  open(group: string | null): void {
    this.group = group;
    this.el.hidden = group === null;
    this.rows = [];
    if (group === null) return;
    this.title.replaceChildren('Processes of ', truncated(group));
    this.note.textContent = 'Reading the process table…';
    this.table.setRows([]);
    void this.load();
  }

  /** A new process scan happened: re-read the open group. */
  sampled(scanAt: number): void {
    if (this.group === null || scanAt === this.lastScan) return;
    this.lastScan = scanAt;
    void this.load();
  }

  private async load(): Promise<void> {
    const group = this.group;
    if (group === null) return;
    const ask = ++this.asking;
    try {
      const rows = await this.api.invoke('group:processes', { group });
      if (ask !== this.asking || group !== this.group) return;
      this.rows = rows;
      this.note.textContent = '';
    } catch (e) {
      if (ask !== this.asking) return;
      this.rows = [];
      this.note.textContent = toApiError(e).message;
    }
    this.render();
  }

  render(): void {
    if (this.group === null) return;
    const q = this.search.text;
    const shown = this.rows.filter((p) => matchesQueryRow(q, p));
    if (this.rows.length > 0) this.note.textContent = `${this.rows.length} ${this.rows.length === 1 ? 'process' : 'processes'}${shown.length < this.rows.length ? `, ${shown.length} matching the search` : ''}.`;
    this.table.setRows(shown);
    // Each process's own fixes, as the planner offers them; the group-wide ones stay with the group's alert.
    const byId = new Map(this.store.state.fixes.map((f) => [f.id, f]));
    const cards = shown.flatMap((p) =>
      p.fixIds
        .map((id) => byId.get(id))
        .filter((f) => f !== undefined)
        .map((f) => h('div', { id: `fixes-of-${p.pid}` }, this.actions.card(f))),
    );
    const done = this.actions.results((o) => o.targetKeys.some((k) => shown.some((p) => k === `process:${p.pid}`)));
    this.fixes.replaceChildren(...(cards.length || done ? [h('h3', null, 'Fixes for these processes'), done ?? '', ...cards] : []));
  }
}

function matchesQueryRow(q: string, p: ProcessRow): boolean {
  return matchesQuery(q, [p.name, p.cmdline, p.pid, p.parentName]);
}
