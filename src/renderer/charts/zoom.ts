/**
 * Zoom and pan on a time chart, written here rather than taken from
 * chartjs-plugin-zoom (which pulls in hammerjs for touch gestures we do not
 * need):
 *   drag          select a span to zoom into
 *   shift + drag  pan
 *   wheel         zoom around the pointer
 *   double-click  back to the live range
 *   keyboard      + / − zoom, ← / → pan, 0 or Esc back to live (the canvas is focusable)
 * The arithmetic is in zoom-math.ts.
 */

import type { TimeChart } from './time-chart.ts';
import type { TimeWindow } from './time-window.ts';
import { draggedPan, isSelection, keyAction, panned, wheelFactor, zoomedAround, type Span } from './zoom-math.ts';

export function attachZoom(tc: TimeChart, win: TimeWindow): void {
  const canvas = tc.chart.canvas;
  canvas.tabIndex = 0;
  let drag: { x0: number; pan: boolean; start: Span } | null = null;

  const show = (s: Span) => win.zoomTo(s.min, s.max);
  const localX = (ev: MouseEvent) => ev.clientX - canvas.getBoundingClientRect().left;

  canvas.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) return;
    const x = localX(ev);
    const a = tc.area;
    if (x < a.left || x > a.right) return;
    canvas.setPointerCapture(ev.pointerId);
    drag = { x0: x, pan: ev.shiftKey, start: { min: win.min, max: win.max } };
  });
  canvas.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const x = localX(ev);
    if (drag.pan) {
      const a = tc.area;
      show(draggedPan(drag.start, x - drag.x0, a.right - a.left));
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
    if (!d.pan && sel && isSelection(sel.x0, sel.x1)) {
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
      show(zoomedAround(win, tc.timeAtPixel(localX(ev)), wheelFactor(ev.deltaY)));
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', () => win.resetZoom());
  canvas.addEventListener('keydown', (ev) => {
    const action = keyAction(ev.key);
    if (!action) return;
    if (action.kind === 'zoom') show(zoomedAround(win, (win.min + win.max) / 2, action.factor));
    else if (action.kind === 'pan') show(panned(win, (win.max - win.min) * action.fraction));
    else win.resetZoom();
    ev.preventDefault();
  });
}
