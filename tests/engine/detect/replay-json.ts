/** Runs `headroom replay FILE --json` in-process with the default detector settings and returns its JSON lines. */

import assert from 'node:assert/strict';
import { replayCommand } from '../../../src/cli/replay.ts';
import { tempHome } from '../../helpers/cli.ts';

export async function replayJson(path: string): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const errors: string[] = [];
  const prev = process.env.HEADROOM_HOME;
  // The default detector settings, not a user's; and nothing written beside the traces.
  process.env.HEADROOM_HOME = tempHome('hr-replay-');
  try {
    const code = await replayCommand([path, '--json'], { out: (s) => lines.push(s), err: (s) => errors.push(s) });
    assert.equal(code, 0, errors.join('\n'));
  } finally {
    if (prev === undefined) delete process.env.HEADROOM_HOME;
    else process.env.HEADROOM_HOME = prev;
  }
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
