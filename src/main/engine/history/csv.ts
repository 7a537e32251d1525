/**
 * The replay trace format (`t,series,value,limit`, see shared/traces/README.md),
 * so `headroom history --csv` output can be fed straight back to the detector.
 * Pure formatting; the store supplies the rows.
 */

export const TRACE_HEADER = 't,series,value,limit';

export interface TraceRow {
  /** Epoch milliseconds. */
  t: number;
  value: number;
  limit: number | null;
}

/** A number as the trace format wants it: whole numbers without a fraction, no trailing noise. */
export function traceNumber(n: number): string {
  // String() already prints whole doubles below 1e21 as plain integers and
  // others with the shortest exact representation; -0 prints as "0".
  return String(n);
}

/** RFC 4180 quoting, only when needed: group names come from user rules and may hold commas. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Formats rows of one series as a trace: `t` is seconds from the first row
 * (fractional when the samples were), `limit` empty when unknown. Rows must be
 * in time order. Ends with a newline; an empty series gives only the header.
 */
export function formatTraceCsv(series: string, rows: readonly TraceRow[]): string {
  const name = csvField(series);
  const lines = new Array<string>(rows.length + 1);
  lines[0] = TRACE_HEADER;
  const t0 = rows.length > 0 ? rows[0].t : 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const limit = r.limit === null ? '' : traceNumber(r.limit);
    lines[i + 1] = `${traceNumber((r.t - t0) / 1000)},${name},${traceNumber(r.value)},${limit}`;
  }
  return `${lines.join('\n')}\n`;
}
