/**
 * Time formatting for reports in an explicit time zone, so a report reads the
 * same wherever and whenever it is rendered (the CLI passes the machine's
 * zone, tests pass "UTC"). Never uses toLocaleString, whose output depends on
 * the process locale.
 */

export interface ReportClock {
  timeZone: string;
  /** 2026-11-23 14:05:09 */
  dateTime(ms: number): string;
  /** 14:05 */
  hm(ms: number): string;
  /** 14:05:09 */
  hms(ms: number): string;
}

/** Builds a clock for an IANA zone; throws a clear error for an unknown zone. */
export function createReportClock(timeZone: string): ReportClock {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new Error(`unknown time zone "${timeZone}"`);
  }
  const parts = (ms: number): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const p of fmt.formatToParts(new Date(ms))) out[p.type] = p.value;
    return out;
  };
  return {
    timeZone,
    dateTime(ms) {
      const p = parts(ms);
      return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
    },
    hm(ms) {
      const p = parts(ms);
      return `${p.hour}:${p.minute}`;
    },
    hms(ms) {
      const p = parts(ms);
      return `${p.hour}:${p.minute}:${p.second}`;
    },
  };
}
