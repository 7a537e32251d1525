/**
 * A table sortable by any column, keyboard-operable (headers are buttons) and
 * announced to screen readers (aria-sort). Rows are re-rendered in place on
 * every update; the sort survives updates.
 */

import { h } from '../dom.ts';
import { ariaSort, nextSort, sortRows, type SortState, type SortValue } from './sorting.ts';

export interface Column<T> {
  key: string;
  label: string;
  /** The value sorted on. null sorts last. */
  value: (row: T) => SortValue;
  /** What the cell shows (default: the value as text). */
  cell?: (row: T) => Node | string;
  numeric?: boolean;
}

export class SortableTable<T> {
  readonly el: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly headers: HTMLTableCellElement[];
  private rows: T[] = [];
  private sort: SortState;

  constructor(
    caption: string,
    private readonly columns: Column<T>[],
    sort: { key: string; descending: boolean },
    private readonly emptyText = 'Nothing to show.',
  ) {
    this.sort = { ...sort };
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
    this.sort = nextSort(this.sort, key, this.columns.find((c) => c.key === key)?.numeric ?? false);
    this.updateHeaders();
    this.render();
  }

  private updateHeaders(): void {
    this.columns.forEach((c, i) => {
      this.headers[i].setAttribute('aria-sort', ariaSort(this.sort, c.key));
    });
  }

  private render(): void {
    const col = this.columns.find((c) => c.key === this.sort.key) ?? this.columns[0];
    const sorted = sortRows(this.rows, col.value, this.sort.descending);
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
