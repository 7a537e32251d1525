/** A sparkline's path arithmetic, apart from the SVG element (sparkline.ts). Pure, so it is tested under Node. */

/** Polyline points for `values` in a `w`×`h` box, scaled from 0 (or the minimum, if below) to `top` (default: the maximum). */
export function sparkPoints(values: readonly number[], w: number, h: number, top?: number): string {
  if (values.length === 0) return '';
  const max = Math.max(top ?? 0, ...values);
  const min = Math.min(0, ...values);
  const span = max - min || 1;
  const dx = values.length > 1 ? w / (values.length - 1) : 0;
  return values.map((v, i) => `${(i * dx).toFixed(1)},${(h - ((v - min) / span) * (h - 2) - 1).toFixed(1)}`).join(' ');
}
