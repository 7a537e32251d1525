/**
 * Flag parsing for CLI commands on node:util parseArgs (strict), turning its
 * errors into one-line UsageErrors, and parsing durations such as "3h".
 *
 * Whatever the user typed is echoed back escaped and cut short (see
 * shared/safe-text.ts): a flag value holding "\n\e[2J" must not print a
 * second line or clear the terminal, and a 50 KB one must not fill it.
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { escapeInput, hasControlChars, quoteInput } from '../shared/safe-text.ts';
import { UsageError } from './io.ts';

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    // parseArgs quotes the offending argument in its message, raw: escape and cut it like any echoed input.
    const msg = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`headroom ${command}: ${escapeInput(msg, 200)}`);
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };

/** Longest duration text accepted ("3650d" is 5; anything much longer is not a duration). */
export const MAX_DURATION_TEXT = 32;

/** Shortest duration: a period under a second holds no sample (the fastest tick is 2 s), so it is a usage error, not an empty result. */
export const MIN_DURATION_MS = 1000;

/** Longest duration: ten years. */
export const MAX_DURATION_MS = 3650 * 86400000;

/**
 * "90s", "15m", "3h", "7d" → milliseconds, from 1 s to 10 years. Anything
 * else is a UsageError whose message quotes the input escaped and cut short.
 */
export function parseDuration(text: string, flag: string): number {
  const m = text.length > MAX_DURATION_TEXT || hasControlChars(text) ? null : /^(\d+(?:\.\d+)?)(s|m|min|h|d|w)$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 15m, 3h or 7d, got ${quoteInput(text)}`);
  const ms = Number(m[1]) * UNIT_SECONDS[m[2]] * 1000;
  if (!(ms >= MIN_DURATION_MS) || ms > MAX_DURATION_MS) throw new UsageError(`${flag}: duration out of range (1s to 3650d): ${quoteInput(text)}`);
  return ms;
}
