/** The visible time span shared by a view's charts: ranges, sliding, zoom and its limits. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TimeWindow, type WindowChange } from '../../src/renderer/charts/time-window.ts';

const MIN = 60_000;
const NOW = 1_750_000_000_000;

function watched(rangeMs: number): { win: TimeWindow; changes: WindowChange[] } {
  const win = new TimeWindow(rangeMs);
  const changes: WindowChange[] = [];
  win.onChange((c) => changes.push(c));
  win.setRange(rangeMs, NOW);
  changes.length = 0;
  return { win, changes };
}

describe('TimeWindow', () => {
  test('a range is the last rangeMs up to now, live, with room for projections to the right', () => {
    const { win, changes } = watched(15 * MIN);
    assert.deepEqual([win.min, win.max, win.live], [NOW - 15 * MIN, NOW, true]);
    win.forwardMs = 5 * MIN;
    win.setRange(60 * MIN, NOW);
    assert.deepEqual([win.min, win.max, win.rangeMs], [NOW - 60 * MIN, NOW + 5 * MIN, 60 * MIN]);
    assert.deepEqual(changes, ['range']);
  });

  test('a live window slides with the clock; a zoomed one stays put', () => {
    const { win, changes } = watched(15 * MIN);
    win.slide(NOW + 2000);
    assert.deepEqual([win.min, win.max], [NOW + 2000 - 15 * MIN, NOW + 2000]);
    win.zoomTo(NOW - 10 * MIN, NOW - 5 * MIN, NOW + 2000);
    win.slide(NOW + 4000);
    assert.deepEqual([win.min, win.max, win.live], [NOW - 10 * MIN, NOW - 5 * MIN, false]);
    assert.deepEqual(changes, ['slide', 'zoom']);
  });

  test('zoom is at least 30 s wide, around the middle of the selection', () => {
    const { win } = watched(15 * MIN);
    win.zoomTo(NOW - 60_000, NOW - 50_000, NOW);
    assert.deepEqual([win.min, win.max], [NOW - 70_000, NOW - 40_000]);
  });

  test('zooming out to the whole range or more goes back to live', () => {
    const { win, changes } = watched(15 * MIN);
    win.zoomTo(NOW - 5 * MIN, NOW - MIN, NOW);
    win.zoomTo(NOW - 20 * MIN, NOW, NOW);
    assert.equal(win.live, true);
    assert.deepEqual([win.min, win.max], [NOW - 15 * MIN, NOW]);
    assert.deepEqual(changes, ['zoom', 'zoom']);
  });

  test('a span past now (plus the projection room) is moved back, keeping its width', () => {
    const { win } = watched(60 * MIN);
    win.zoomTo(NOW - 5 * MIN, NOW + 5 * MIN, NOW);
    assert.deepEqual([win.min, win.max], [NOW - 10 * MIN, NOW]);
    win.forwardMs = 10 * MIN;
    win.zoomTo(NOW - 5 * MIN, NOW + 15 * MIN, NOW);
    assert.deepEqual([win.min, win.max], [NOW - 10 * MIN, NOW + 10 * MIN]);
  });

  test('an empty or inverted span is ignored; reset returns to live', () => {
    const { win, changes } = watched(15 * MIN);
    win.zoomTo(NOW - MIN, NOW - MIN, NOW);
    win.zoomTo(NOW - MIN, NOW - 2 * MIN, NOW);
    win.zoomTo(Number.NaN, NOW, NOW);
    assert.deepEqual(changes, []);
    win.zoomTo(NOW - 5 * MIN, NOW - MIN, NOW);
    win.resetZoom(NOW + 1000);
    assert.deepEqual([win.live, win.min, win.max], [true, NOW + 1000 - 15 * MIN, NOW + 1000]);
  });

  test('listeners can unsubscribe', () => {
    const win = new TimeWindow(MIN);
    const seen: WindowChange[] = [];
    const off = win.onChange((c) => seen.push(c));
    win.slide(NOW);
    off();
    win.slide(NOW + 1);
    assert.deepEqual(seen, ['slide']);
  });
});
