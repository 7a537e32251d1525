/**
 * The value axis of the time charts: round binary steps for byte series, and
 * how high the axis must reach to keep limits and trend projections in view.
 * Pure, so it is tested under Node.
 */

/** The smallest power-of-two multiple of a byte unit (…, 512 MB, 1 GB, 2 GB, 4 GB…) at least `approx`. */
export function byteStep(approx: number): number {
  if (!(approx > 0)) return 1024 ** 3;
  let step = 1024;
  while (step < approx) step *= 2;
  return step;
}

/**
 * Ticks for a byte axis whose data reaches `max`: about five round binary
 * steps from 0, with the top rounded up to a step so it is a round size too.
 */
export function byteTicks(max: number): { max: number; ticks: number[] } {
  const step = byteStep(max / 5);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) ticks.push(v);
  return { max: top, ticks };
}

/**
 * The least top the y axis must reach: the hint (the machine's RAM), the limit
 * lines, and the highest point of the trend lines; undefined when nothing
 * positive asks for room (the axis then fits the data alone).
 */
export function yAxisTop(hint: number | null | undefined, limits: readonly { y: number }[], trends: readonly { points: readonly { y: number }[] }[]): number | undefined {
  let top = hint ?? 0;
  for (const l of limits) top = Math.max(top, l.y);
  for (const t of trends) for (const p of t.points) top = Math.max(top, p.y);
  return top > 0 ? top : undefined;
}

/**
 * Ticks for a byte axis that ends exactly at `top` (the machine's RAM, a
 * container's limit) rather than at the next round size: round binary steps
 * below it, then `top` itself, dropping a step that would crowd its label.
 */
export function byteTicksTo(top: number): number[] {
  if (!(top > 0)) return [0];
  const step = byteStep(top / 5);
  const ticks: number[] = [];
  for (let v = 0; v <= top - step * 0.4; v += step) ticks.push(v);
  ticks.push(top);
  return ticks;
}
