/**
 * Zoom and pan on a time chart, written here rather than taken from
 * chartjs-plugin-zoom (which pulls in hammerjs for touch gestures we do not
 * need):
 *   drag          select a span to zoom into
 *   shift + drag  pan
 *   wheel         zoom around the pointer
 *   double-click  back to the live range
 *   keyboard      + / − zoom, ← / → pan, 0 or Esc back to live (the canvas is focusable)
 */

import type { TimeChart } from './time-chart.ts';
import type { TimeWindow } from './time-window.ts';

/** Smallest drag (px) that counts as a selection rather than a click. */
const MIN_DRAG_PX = 6;

export function attachZoom(tc: TimeChart, win: TimeWindow): void {
  const canvas = tc.chart.canvas;
  canvas.tabIndex = 0;
  let drag: { x0: number; pan: boolean; min: number; max: number } | null = null;

  const zoomAround = (center: number, factor: number) => {
    const min = center - (center - win.min) * factor;
    const max = center + (win.max - center) * factor;
    win.zoomTo(min, max);
  };
  const pan = (deltaMs: number) => win.zoomTo(win.min + deltaMs, win.max + deltaMs);
  const localX = (ev: MouseEvent) => ev.clientX - canvas.getBoundingClientRect().left;

  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    const x = localX(ev);
    const a = tc.area;
    if (x < a.left || x > a.right) return;
    canvas.setPointerCapture(ev.pointerId);
    drag = { x0: x, pan: ev.shiftKey, min: win.min, max: win.max };
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const x = localX(ev);
    if (drag.pan) {
      const a = tc.area;
      const msPerPx = (drag.max - drag.min) / Math.max(1, a.right - a.left);
      win.zoomTo(drag.min - (x - drag.x0) * msPerPx, drag.max - (x - drag.x0) * msPerPx);
    } else {
      tc.selection = { x0: drag.x0, x1: x };
      tc.chart.draw();
    }
  });
  const finish = (ev: PointerEvent) => {
    if (!drag) return;
    const d = drag;
    drag = null;
    const sel = tc.selection;
    tc.selection = null;
    if (!d.pan && sel && Math.abs(sel.x1 - sel.x0) >= MIN_DRAG_PX) {
      const a = tc.timeAtPixel(Math.min(sel.x0, sel.x1));
      const b = tc.timeAtPixel(Math.max(sel.x0, sel.x1));
      win.zoomTo(a, b);
    } else tc.chart.draw();
    if (canvas.hasPointerCapture(ev.pointerId)) canvas.releasePointerCapture(ev.pointerId);
  };
  canvas.addEventListener('pointerup', finish);
  canvas.addEventListener('pointercancel', finish);
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const x = localX(ev);
      zoomAround(tc.timeAtPixel(x), ev.deltaY > 0 ? 1.25 : 0.8);
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => win.resetZoom());
  canvas.addEventListener('keydown', (ev) => {
    const center = (win.min + win.max) / 2;
    const span = win.max - win.min;
    switch (ev.key) {
      case '+':
      case '=':
        zoomAround(center, 0.8);
        break;
      case '-':
      case '_':
        zoomAround(center, 1.25);
        break;
      case 'ArrowLeft':
        pan(-span / 10);
        break;
      case 'ArrowRight':
        pan(span / 10);
        break;
      case '0':
      case 'Escape':
        win.resetZoom();
        break;
      default:
        return;
    }
    ev.preventDefault();
  });
}
