/**
 * The arithmetic of zoom and pan on a time axis, apart from the pointer and
 * keyboard events that drive it (zoom.ts), so it is tested under Node.
 */

export interface Span {
  min: number;
  max: number;
}

/** One wheel notch or key press: zoom in to 80 % of the span, or out to 125 %. */
export const ZOOM_IN = 0.8;
export const ZOOM_OUT = 1.25;
/** An arrow key pans by a tenth of the visible span. */
export const PAN_FRACTION = 0.1;
/** Smallest drag (px) that counts as a selection rather than a click. */
export const MIN_DRAG_PX = 6;

/** `span` scaled by `factor` around `center`, which stays where it is on screen. */
export function zoomedAround(span: Span, center: number, factor: number): Span {
  return { min: center - (center - span.min) * factor, max: center + (span.max - center) * factor };
}

/** `span` moved by `deltaMs` (positive: later). */
export function panned(span: Span, deltaMs: number): Span {
  return { min: span.min + deltaMs, max: span.max + deltaMs };
}

/**
 * The span after dragging the plot `dxPx` pixels to the right from where it
 * showed `start` on a plot `plotWidthPx` wide: the content follows the pointer,
 * so the span moves back in time.
 */
export function draggedPan(start: Span, dxPx: number, plotWidthPx: number): Span {
  const msPerPx = (start.max - start.min) / Math.max(1, plotWidthPx);
  return panned(start, -dxPx * msPerPx);
}

/** Wheel down (positive deltaY) zooms out, up zooms in. */
export function wheelFactor(deltaY: number): number {
  return deltaY > 0 ? ZOOM_OUT : ZOOM_IN;
}

/** Whether a drag from x0 to x1 (px) selects a span, rather than being a click. */
export function isSelection(x0: number, x1: number): boolean {
  return Math.abs(x1 - x0) >= MIN_DRAG_PX;
}

export type KeyAction = { kind: 'zoom'; factor: number } | { kind: 'pan'; fraction: number } | { kind: 'reset' };

/** What a key does on a focused chart: + / − zoom, ← / → pan, 0 or Esc back to live; null for other keys. */
export function keyAction(key: string): KeyAction | null {
  switch (key) {
    case '+':
    case '=':
      return { kind: 'zoom', factor: ZOOM_IN };
    case '-':
    case '_':
      return { kind: 'zoom', factor: ZOOM_OUT };
    case 'ArrowLeft':
      return { kind: 'pan', fraction: -PAN_FRACTION };
    case 'ArrowRight':
      return { kind: 'pan', fraction: PAN_FRACTION };
    case '0':
    case 'Escape':
      return { kind: 'reset' };
    default:
      return null;
  }
}
