/**
 * The reliability suite's two profiles and its figures.
 *
 * `npm run reliability -- --quick` (CI) and `npm run reliability` (the full
 * profile, documented in docs/reliability.md) run the same tests; only their
 * sizes differ. Every test records the figure it measured next to its bound, so
 * the runner can print one table at the end and the docs can quote it.
 */

import { appendFileSync } from 'node:fs';

export type Profile = 'quick' | 'full';

/** The profile chosen by scripts/reliability.mjs (quick unless it says full). */
export const PROFILE: Profile = process.env.HEADROOM_RELIABILITY_PROFILE === 'full' ? 'full' : 'quick';

/** Picks the size for the running profile. */
export function sized<T>(quick: T, full: T): T {
  return PROFILE === 'full' ? full : quick;
}

/** Generated cases per fuzzed input kind: the issue asks for at least 10,000 in every profile. */
export const FUZZ_RUNS = sized(10_000, 50_000);

export interface Figure {
  /** The suite area: soak, fuzz, fault, guard. */
  area: string;
  /** What was measured, in words a reader of docs/reliability.md understands. */
  name: string;
  value: number | string;
  unit?: string;
  /** The bound it is held to, in words ("≤ 5 MB"), or omitted for a figure that is only reported. */
  bound?: string;
  ok: boolean;
}

/**
 * Records one measured figure: printed at once (so a long run shows progress)
 * and appended to the file the runner collects for its summary table.
 */
export function recordFigure(f: Figure): void {
  const line = JSON.stringify({ ...f, profile: PROFILE, at: new Date().toISOString() });
  process.stdout.write(`figure: ${f.area} | ${f.name} = ${f.value}${f.unit ? ' ' + f.unit : ''}${f.bound ? ` (bound ${f.bound})` : ''} ${f.ok ? 'ok' : 'FAILED'}\n`);
  const file = process.env.HEADROOM_RELIABILITY_FIGURES;
  if (file) appendFileSync(file, line + '\n');
}
