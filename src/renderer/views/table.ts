/**
 * A table sortable by any column, keyboard-operable (headers are buttons) and
 * announced to screen readers (aria-sort). Rows are re-rendered in place on
 * every update; the sort survives updates.
 *
 * It cannot break its page: long names are cut with an ellipsis (the full text
 * on hover and on focus), the table scrolls inside its card, and on narrow
 * cards the columns give way in priority order (styles.css, container queries).
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
  /** Cut long text with an ellipsis (names, images, command lines). */
  truncate?: boolean;
  /** 1 (default) always shows; 2 hides on a narrow card, 3 already on a medium one. */
  priority?: 1 | 2 | 3;
}

/**
 * Text cut with an ellipsis by CSS; the whole text is in the title (hover) and
 * shown when focused (keyboard), so nothing is lost, only folded.
 */
export function truncated(text: string, cls = 'trunc'): HTMLElement {
  return h('span', { class: cls, title: text, tabindex: 0 }, text);
}

function columnClass<T>(c: Column<T>): string | null {
  const cls = [c.numeric ? 'num' : '', c.priority && c.priority > 1 ? `p${c.priority}` : ''].filter(Boolean).join(' ');
  return cls || null;
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
        { scope: 'col', class: columnClass(c) },
        h('button', { type: 'button', class: 'sort', onclick: () => this.sortBy(c.key) }, c.label),
      ),
    );
    this.body = h('tbody');
    this.el = h('table', { class: 'data' }, h('caption', { class: 'sr-only' }, caption), h('thead', null, h('tr', null, ...this.headers)), this.body);
    this.updateHeaders();
  }

  /** Called with each rendered row and its element (a selected row's marking, a details row after it). */
  decorate: ((row: T, tr: HTMLTableRowElement) => void) | null = null;

  get columnCount(): number {
    return this.columns.length;
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
      ...sorted.map((row) => {
        const tr = h(
          'tr',
          null,
          ...this.columns.map((c) => {
            const v = c.value(row);
            const text = v === null ? '–' : String(v);
            return h('td', { class: columnClass(c) }, c.cell ? c.cell(row) : c.truncate ? truncated(text) : text);
          }),
        );
        this.decorate?.(row, tr);
        return tr;
      }),
    );
  }
}
