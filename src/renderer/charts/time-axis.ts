/**
 * Time ticks in local time for a linear x axis of epoch milliseconds. A date
 * adapter for chart.js's time scale would add a date library to the bundle to
 * do what these forty lines do: pick a round step, align it to local midnight,
 * and label it the way a clock on the wall reads.
 */

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const STEPS = [10 * SEC, 30 * SEC, MIN, 2 * MIN, 5 * MIN, 10 * MIN, 15 * MIN, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY];

/** The smallest round step that gives at most `maxTicks` ticks over [min, max]. */
export function tickStep(min: number, max: number, maxTicks: number): number {
  const span = Math.max(1, max - min);
  return STEPS.find((s) => span / s <= maxTicks) ?? STEPS[STEPS.length - 1];
}

/** Tick positions in [min, max], on multiples of the step counted from local midnight. */
export function localTicks(min: number, max: number, maxTicks: number): number[] {
  if (!(max > min) || !Number.isFinite(min) || !Number.isFinite(max)) return [];
  const step = tickStep(min, max, Math.max(2, maxTicks));
  const midnight = new Date(min);
  midnight.setHours(0, 0, 0, 0);
  const out: number[] = [];
  if (step >= DAY) {
    const d = new Date(midnight);
    const days = step / DAY;
    while (d.getTime() < min) d.setDate(d.getDate() + 1);
    for (; d.getTime() <= max && out.length < 100; d.setDate(d.getDate() + days)) out.push(d.getTime());
    return out;
  }
  const base = midnight.getTime();
  let t = base + Math.ceil((min - base) / step) * step;
  for (; t <= max && out.length < 500; t += step) out.push(t);
  return out;
}

/**
 * Formatters in the user's locale, made once: toLocale*String(…, options) builds
 * a new Intl.DateTimeFormat on every call, and chart.js formats every tick on
 * every draw — that alone was the largest cost of the first chart paint.
 */
const fmt = {
  weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short' }),
  hm: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
  hms: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
  full: new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
};

/** A tick's label: "14:05", "14:05:30" for sub-minute steps, "Tue 3" at midnight or for day steps. */
export function formatTick(t: number, step: number): string {
  const d = new Date(t);
  const atMidnight = d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0;
  if (step >= DAY || (atMidnight && step >= HOUR)) return `${fmt.weekday.format(d)} ${d.getDate()}`;
  return (step < MIN ? fmt.hms : fmt.hm).format(d);
}

/** Tooltip title: full local date and time. */
export function formatTooltipTime(t: number): string {
  return fmt.full.format(t);
}
