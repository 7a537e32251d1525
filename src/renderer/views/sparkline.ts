/**
 * A sparkline: a series as one small SVG line, no axes. SVG elements built
 * through the DOM (no markup strings, no inline style), so the CSP holds.
 * The path arithmetic is in spark-points.ts, pure and tested under Node.
 */

import { sparkPoints } from './spark-points.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG sparkline of `values`; `top` fixes the scale (a container's limit). */
export function sparkline(values: readonly number[], label: string, top?: number): SVGSVGElement {
  const w = 80;
  const hgt = 20;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', `0 0 ${w} ${hgt}`);
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(hgt));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', label);
  const line = document.createElementNS(SVG, 'polyline');
  line.setAttribute('points', sparkPoints(values, w, hgt, top));
  svg.append(line);
  return svg;
}
