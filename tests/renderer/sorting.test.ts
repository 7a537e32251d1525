/** How the sortable tables order rows and react to header clicks. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ariaSort, nextSort, sortRows } from '../../src/renderer/views/sorting.ts';

interface Row {
  name: string;
  rss: number | null;
}
const rows: Row[] = [
  { name: 'node', rss: 300 },
  { name: 'claude', rss: null },
  { name: 'Chrome', rss: 900 },
  { name: 'bash', rss: 5 },
  { name: 'zsh', rss: 300 },
];

describe('sortRows', () => {
  test('figures by size either way, empty cells last both ways, ties in their order', () => {
    assert.deepEqual(
      sortRows(rows, (r) => r.rss, true).map((r) => r.name),
      ['Chrome', 'node', 'zsh', 'bash', 'claude'],
    );
    assert.deepEqual(
      sortRows(rows, (r) => r.rss, false).map((r) => r.name),
      ['bash', 'node', 'zsh', 'Chrome', 'claude'],
    );
  });

  test('names in the reader’s collation (not code points: "Chrome" between "bash" and "claude")', () => {
    assert.deepEqual(
      sortRows(rows, (r) => r.name, false).map((r) => r.name),
      ['bash', 'Chrome', 'claude', 'node', 'zsh'],
    );
  });

  test('the rows given are not reordered', () => {
    const before = rows.map((r) => r.name);
    sortRows(rows, (r) => r.name, true);
    assert.deepEqual(
      rows.map((r) => r.name),
      before,
    );
  });
});

describe('nextSort', () => {
  test('the same header flips; a figure column starts largest-first, a name column A→Z', () => {
    assert.deepEqual(nextSort({ key: 'rss', descending: true }, 'rss', true), { key: 'rss', descending: false });
    assert.deepEqual(nextSort({ key: 'rss', descending: false }, 'rss', true), { key: 'rss', descending: true });
    assert.deepEqual(nextSort({ key: 'rss', descending: true }, 'name', false), { key: 'name', descending: false });
    assert.deepEqual(nextSort({ key: 'name', descending: false }, 'cpu', true), { key: 'cpu', descending: true });
  });
  test('aria-sort names the sorted column only', () => {
    assert.equal(ariaSort({ key: 'rss', descending: true }, 'rss'), 'descending');
    assert.equal(ariaSort({ key: 'rss', descending: false }, 'rss'), 'ascending');
    assert.equal(ariaSort({ key: 'rss', descending: true }, 'name'), 'none');
  });
});
