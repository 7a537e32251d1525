/**
 * How long to wait before the next attempt to reach a box. A box that is off
 * or rebooting is retried with exponential backoff (1 s, 2 s, 4 s … 60 s), a
 * little randomized so machines that dropped together do not come back in
 * lock-step; failures that only a person can fix (a changed host key, a
 * refused login, another Headroom version) wait the longest, since retrying
 * them quickly would only repeat the same refusal.
 *
 * Pure: the randomness comes in as a number.
 */

export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
  /** For failures retrying will not fix by itself. */
  stuckMs: number;
  /** ±fraction of randomization. */
  jitter: number;
  /** A connection that lasted this long starts the backoff over; a shorter one does not (default STABLE_MS). */
  stableMs?: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstMs: 1000, maxMs: 60_000, stuckMs: 300_000, jitter: 0.2 };

/**
 * How long a connection must have lasted before its loss counts as a fresh
 * start. Resetting as soon as the hello succeeds let a box whose engine dies
 * right after answering (a crash loop, a box out of memory) be reconnected
 * every second for as long as it flapped.
 */
export const STABLE_MS = 30_000;

/** The attempt number after a connection that was up for `upMs` (null: it never got up) and then failed. */
export function attemptAfter(attempt: number, upMs: number | null, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  return upMs !== null && upMs >= (p.stableMs ?? STABLE_MS) ? 0 : attempt;
}

/** Delay before attempt `attempt` (0 = the first retry); `stuck` for failures a person must fix; `random` in [0, 1). */
export function backoffDelay(attempt: number, stuck: boolean, random: number, p: BackoffPolicy = DEFAULT_BACKOFF): number {
  const base = stuck ? p.stuckMs : Math.min(p.maxMs, p.firstMs * 2 ** Math.min(attempt, 30));
  return Math.round(base * (1 - p.jitter + 2 * p.jitter * random));
}
