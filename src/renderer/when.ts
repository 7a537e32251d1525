/**
 * Moments as the page shows them, in local time: "14:05" today, "Tue 14:05"
 * within the week, "3 Mar 14:05" before. Pure (no DOM), so it is tested under Node.
 */

const DAY_MS = 86_400_000;

/**
 * Formatters made once: toLocale*String(…, options) builds a new
 * Intl.DateTimeFormat on every call, and lists format many times per render.
 */
const fmt = {
  time: new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }),
  weekday: new Intl.DateTimeFormat(undefined, { weekday: 'short' }),
  dayMonth: new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }),
};

/** True when `a` and `b` (epoch ms) fall on the same local calendar day. */
export function sameLocalDay(a: number, b: number): boolean {
  const x = new Date(a);
  const y = new Date(b);
  return x.getFullYear() === y.getFullYear() && x.getMonth() === y.getMonth() && x.getDate() === y.getDate();
}

/** 14:05 (today), or "Tue 14:05" within six days, or "3 Mar 14:05" further back, in local time. */
export function formatWhen(ms: number, now = Date.now()): string {
  const time = fmt.time.format(ms);
  if (sameLocalDay(ms, now)) return time;
  const age = now - ms;
  if (age > 0 && age < 6 * DAY_MS) return `${fmt.weekday.format(ms)} ${time}`;
  return `${fmt.dayMonth.format(ms)} ${time}`;
}
