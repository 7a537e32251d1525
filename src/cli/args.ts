/**
 * Flag parsing for CLI commands on node:util parseArgs (strict), turning its
 * errors into one-line UsageErrors, and parsing durations such as "3h".
 */

import { parseArgs, type ParseArgsConfig } from 'node:util';
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
    const msg = (err as Error).message.split('\n')[0].replace(/\. To specify a positional argument.*$/, '');
    throw new UsageError(`headroom ${command}: ${msg}`);
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, min: 60, h: 3600, d: 86400, w: 604800 };

/** "90s", "15m", "3h", "7d" → milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|min|h|d|w)$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 15m, 3h or 7d, got "${text}"`);
  const ms = Number(m[1]) * UNIT_SECONDS[m[2]] * 1000;
  if (!(ms > 0) || ms > 3650 * 86400000) throw new UsageError(`${flag}: duration out of range: "${text}"`);
  return ms;
}
