/** Zoom and pan arithmetic of the time charts, and what each key does. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MIN_DRAG_PX, ZOOM_IN, ZOOM_OUT, draggedPan, isSelection, keyAction, panned, wheelFactor, zoomedAround } from '../../src/renderer/charts/zoom-math.ts';

describe('zoom and pan', () => {
  test('zooming keeps the point under the pointer where it is', () => {
    const span = { min: 0, max: 1000 };
    const z = zoomedAround(span, 250, ZOOM_IN);
    assert.deepEqual(z, { min: 50, max: 850 });
    // The pointer's relative position in the span is unchanged.
    assert.equal((250 - z.min) / (z.max - z.min), (250 - span.min) / (span.max - span.min));
    // In then out at the same point comes back.
    const back = zoomedAround(z, 250, ZOOM_OUT);
    assert.ok(Math.abs(back.min - 0) < 1e-9 && Math.abs(back.max - 1000) < 1e-9);
  });

  test('panning moves both ends; dragging right moves back in time by the pixels’ worth', () => {
    assert.deepEqual(panned({ min: 10, max: 20 }, 5), { min: 15, max: 25 });
    // 1000 ms over 500 px: 2 ms a pixel; 50 px right shows 100 ms earlier.
    assert.deepEqual(draggedPan({ min: 1000, max: 2000 }, 50, 500), { min: 900, max: 1900 });
    assert.deepEqual(draggedPan({ min: 1000, max: 2000 }, -50, 500), { min: 1100, max: 2100 });
    // A plot with no width yet does not divide by zero.
    assert.deepEqual(draggedPan({ min: 0, max: 10 }, 1, 0), { min: -10, max: 0 });
  });

  test('wheel down zooms out, up zooms in; a short drag is a click', () => {
    assert.equal(wheelFactor(100), ZOOM_OUT);
    assert.equal(wheelFactor(-3), ZOOM_IN);
    assert.equal(isSelection(10, 10 + MIN_DRAG_PX - 1), false);
    assert.equal(isSelection(10 + MIN_DRAG_PX, 10), true);
  });
});

describe('keyAction', () => {
  test('+ / = zoom in, - / _ zoom out, arrows pan a tenth, 0 and Esc go back to live', () => {
    assert.deepEqual(keyAction('+'), { kind: 'zoom', factor: ZOOM_IN });
    assert.deepEqual(keyAction('='), { kind: 'zoom', factor: ZOOM_IN });
    assert.deepEqual(keyAction('-'), { kind: 'zoom', factor: ZOOM_OUT });
    assert.deepEqual(keyAction('_'), { kind: 'zoom', factor: ZOOM_OUT });
    assert.deepEqual(keyAction('ArrowLeft'), { kind: 'pan', fraction: -0.1 });
    assert.deepEqual(keyAction('ArrowRight'), { kind: 'pan', fraction: 0.1 });
    assert.deepEqual(keyAction('0'), { kind: 'reset' });
    assert.deepEqual(keyAction('Escape'), { kind: 'reset' });
  });
  test('other keys are left to the page (Tab must still move focus)', () => {
    for (const k of ['Tab', 'Enter', ' ', 'a', 'ArrowUp']) assert.equal(keyAction(k), null, k);
  });
});
