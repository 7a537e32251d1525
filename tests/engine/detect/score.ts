/**
 * Scores the detector's events on one labelled trace the way the acceptance
 * criteria read: a leak is reported at or after its onset and within its
 * max latency, with a slope within 25 % of the truth; a non-leak (and the
 * calm before a leak's onset) produces no leak.start at all; a leak that a
 * restart ends produces a leak.end after the restart.
 */

import type { LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import type { TraceLabel } from './synthetic.ts';

export interface TraceScore {
  ok: boolean;
  /** Human-readable reason when not ok. */
  problem: string | null;
  latency: number | null;
  slopeError: number | null;
  endLatency: number | null;
  starts: number;
}

/** Seconds a leak.end may trail the restart that ended a leak. */
export const END_LATENCY_S = 900;
export const SLOPE_TOLERANCE = 0.25;

export function scoreEvents(events: readonly LeakEvent[], label: TraceLabel): TraceScore {
  const starts = events.filter((e) => e.event === 'leak.start');
  const base = { latency: null, slopeError: null, endLatency: null, starts: starts.length };
  if (!label.leak) {
    return starts.length === 0
      ? { ...base, ok: true, problem: null }
      : { ...base, ok: false, problem: `false alarm at t=${starts[0].t} (slope ${fmt(starts[0].slope_per_hour)}/h)` };
  }
  const onset = label.onset_s ?? 0;
  const early = starts.find((e) => e.t < onset);
  if (early) return { ...base, ok: false, problem: `leak.start at t=${early.t}, before the onset ${onset}` };
  const first = starts[0];
  if (!first) return { ...base, ok: false, problem: 'leak never reported' };
  const latency = first.t - onset;
  const slopeError = label.slope_per_hour ? (first.slope_per_hour ?? 0) / label.slope_per_hour - 1 : null;
  let endLatency: number | null = null;
  const problems: string[] = [];
  if (label.max_latency_s !== undefined && latency > label.max_latency_s) problems.push(`reported after ${latency} s (max ${label.max_latency_s})`);
  if (slopeError !== null && Math.abs(slopeError) > SLOPE_TOLERANCE) problems.push(`slope off by ${(slopeError * 100).toFixed(0)} %`);
  if (label.end_s !== undefined) {
    const end = events.find((e) => e.event === 'leak.end' && e.t >= label.end_s!);
    const restartedAfter = starts.find((e) => e.t > label.end_s! + 1);
    if (!end) problems.push('no leak.end after the restart');
    else {
      endLatency = end.t - label.end_s;
      if (endLatency > END_LATENCY_S) problems.push(`leak.end ${endLatency} s after the restart`);
    }
    if (restartedAfter) problems.push(`leak.start again at t=${restartedAfter.t} after the restart`);
  }
  return { ...base, latency, slopeError, endLatency, ok: problems.length === 0, problem: problems.join('; ') || null };
}

function fmt(b: number | undefined): string {
  if (b === undefined) return '?';
  const a = Math.abs(b);
  return a >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(2)} GB` : a >= 1024 ** 2 ? `${(b / 1024 ** 2).toFixed(1)} MB` : b.toFixed(1);
}
