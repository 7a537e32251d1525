/**
 * How fast the engine samples. Under memory pressure, faster (every interval ×
 * settings.intervals.pressureFactor). After a long stretch in which nothing
 * moves, slower (× calmFactor): a monitor that hunts runaway CPU and memory
 * should cost next to nothing while there is nothing to catch. The first sign
 * of trouble — memory at the warning level, any stall, an alert firing or
 * resolving, a leak or a series heading for its limit within a day — brings
 * the normal pace back on the very next tick. An alert that stays as it is
 * (sixteen `claude` over their maximum, hour after hour) is not movement: it
 * keeps no faster sampling busy.
 *
 * Pure: the engine feeds it each tick's facts, and the trace tests feed it a
 * replayed trace's, so both judge "calm" by this one rule.
 */

import type { LeakTrend } from '../../shared/model.ts';
import type { Settings } from '../../shared/settings.ts';

export type Pace = 'pressure' | 'normal' | 'calm';

/** A series projected to reach its limit within this long keeps the normal pace. */
export const CALM_ETA_HORIZON_S = 24 * 3600;
/** Memory PSI "some" avg10 at or above this is a stall: not calm. */
export const CALM_MAX_PSI = 1;
/** The pressure rule's PSI threshold (unchanged: at or above it, sample faster). */
export const PRESSURE_PSI = 10;

/** One tick's facts, as the pace rule needs them. */
export interface PaceFacts {
  usedPercent: number;
  /** PSI memory some avg10, or null where the kernel has none. */
  psiSome10: number | null;
  /** Alerts that fired, escalated or resolved on this tick. */
  alertChanges: number;
  trends: readonly Pick<LeakTrend, 'leaking' | 'etaSeconds'>[];
}

/** Memory at the critical level or a real stall: sample faster. */
export function underPressure(f: PaceFacts, s: Settings): boolean {
  return f.usedPercent >= s.alerts.memCritPercent || (f.psiSome10 !== null && f.psiSome10 >= PRESSURE_PSI);
}

/** Nothing that a faster sample could catch sooner. */
export function quiet(f: PaceFacts, s: Settings): boolean {
  if (f.usedPercent >= s.alerts.memWarnPercent) return false;
  if (f.psiSome10 !== null && f.psiSome10 >= CALM_MAX_PSI) return false;
  if (f.alertChanges > 0) return false;
  for (const t of f.trends) {
    if (t.leaking) return false;
    if (t.etaSeconds !== null && t.etaSeconds < CALM_ETA_HORIZON_S) return false;
  }
  return true;
}

/** Keeps the pace from tick to tick: calm only after `calmAfterSeconds` of uninterrupted quiet. */
export class PaceKeeper {
  private quietSince: number | null = null;
  private current: Pace = 'normal';

  /** `monoMs`: the engine's monotonic clock, so a wall-clock jump neither starts nor ends calm. */
  update(monoMs: number, f: PaceFacts, s: Settings): Pace {
    if (underPressure(f, s)) {
      this.quietSince = null;
      this.current = 'pressure';
    } else if (!quiet(f, s)) {
      this.quietSince = null;
      this.current = 'normal';
    } else {
      this.quietSince ??= monoMs;
      const calmAllowed = s.intervals.calmFactor > 1;
      this.current = calmAllowed && monoMs - this.quietSince >= s.intervals.calmAfterSeconds * 1000 ? 'calm' : 'normal';
    }
    return this.current;
  }

  pace(): Pace {
    return this.current;
  }
}

/** An interval (ms) at `pace`: never under 250 ms. */
export function intervalAt(baseMs: number, pace: Pace, s: Settings): number {
  const factor = pace === 'pressure' ? s.intervals.pressureFactor : pace === 'calm' ? s.intervals.calmFactor : 1;
  return Math.max(250, Math.round(baseMs * factor));
}
