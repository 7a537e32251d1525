/**
 * A table sortable by any column, keyboard-operable (headers are buttons) and
 * announced to screen readers (aria-sort). Rows are re-rendered in place on
 * every update; the sort survives updates.
 */

import { h } from '../dom.ts';

export interface Column<T> {
  key: string;
  label: string;
  /** The value sorted on. null sorts last. */
  value: (row: T) => number | string | null;
  /** What the cell shows (default: the value as text). */
  cell?: (row: T) => Node | string;
  numeric?: boolean;
}

export class SortableTable<T> {
  readonly el: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly headers: HTMLTableCellElement[];
  private rows: T[] = [];
  private sortKey: string;
  private descending: boolean;

  constructor(
    caption: string,
    private readonly columns: Column<T>[],
    sort: { key: string; descending: boolean },
    private readonly emptyText = 'Nothing to show.',
  ) {
    this.sortKey = sort.key;
    this.descending = sort.descending;
    this.headers = columns.map((c) =>
      h(
        'th',
        { scope: 'col', class: c.numeric ? 'num' : null },
        h('button', { type: 'button', class: 'sort', onclick: () => this.sortBy(c.key) }, c.label),
      ),
    );
    this.body = h('tbody');
    this.el = h('table', { class: 'data' }, h('caption', { class: 'sr-only' }, caption), h('thead', null, h('tr', null, ...this.headers)), this.body);
    this.updateHeaders();
  }

  setRows(rows: T[]): void {
    this.rows = rows;
    this.render();
  }

  sortBy(key: string): void {
    if (key === this.sortKey) this.descending = !this.descending;
    else {
      this.sortKey = key;
      // Figures read best largest-first, names A→Z.
      this.descending = this.columns.find((c) => c.key === key)?.numeric ?? false;
    }
    this.updateHeaders();
    this.render();
  }

  private updateHeaders(): void {
    this.columns.forEach((c, i) => {
      this.headers[i].setAttribute('aria-sort', c.key === this.sortKey ? (this.descending ? 'descending' : 'ascending') : 'none');
    });
  }

  private render(): void {
    const col = this.columns.find((c) => c.key === this.sortKey) ?? this.columns[0];
    const dir = this.descending ? -1 : 1;
    const sorted = [...this.rows].sort((a, b) => {
      const va = col.value(a);
      const vb = col.value(b);
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      return (typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb))) * dir;
    });
    if (sorted.length === 0) {
      this.body.replaceChildren(h('tr', null, h('td', { colspan: this.columns.length, class: 'muted' }, this.emptyText)));
      return;
    }
    this.body.replaceChildren(
      ...sorted.map((row) =>
        h(
          'tr',
          null,
          ...this.columns.map((c) => {
            const v = c.value(row);
            return h('td', { class: c.numeric ? 'num' : null }, c.cell ? c.cell(row) : v === null ? '–' : String(v));
          }),
        ),
      ),
    );
  }
}
