/**
 * Waiting on conditions, never on fixed sleeps: a journey waits for what the
 * user would see (an alert, a notification, a process gone), as long as a
 * loaded machine needs and no longer; the bound is for a condition that never
 * comes, and its message says what was awaited and what was seen instead.
 */

/** Polls `check` (sync or async; a throw ends the wait with that error) every `everyMs` until it is true. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number, why: () => string = () => '', everyMs = 100): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}. ${why()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Waits until `get` returns something other than undefined/null, and returns it. */
export async function waitForValue<T>(what: string, get: () => T | null | undefined | Promise<T | null | undefined>, ms: number, why: () => string = () => '', everyMs = 250): Promise<T> {
  let value: T | null | undefined;
  await waitFor(what, async () => (value = await get()) !== undefined && value !== null, ms, why, everyMs);
  return value as T;
}
