/** `headroom snapshot [--json]`: one full sample of the machine, printed once. */

import { createHeadroom } from '../main/engine/create.ts';
import { parseFlags } from './args.ts';
import type { CliIo } from './io.ts';
import { renderSnapshot } from './render-snapshot.ts';

export async function snapshotCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('snapshot', args, { json: { type: 'boolean' }, 'no-docker': { type: 'boolean' } }, false);
  const h = createHeadroom({ history: false, docker: values['no-docker'] ? false : undefined, log: io.err });
  try {
    h.docker?.start();
    await h.engine.ready();
    h.engine.sampleNow();
    // CPU percentages need two readings; Docker needs a moment to answer (bounded).
    await waitFor(() => h.docker === null || h.docker.state().status !== 'ok' || h.docker.sampledAt() !== null, 600, 4000);
    const snap = h.engine.sampleNow();
    io.out(values.json ? JSON.stringify(snap) : renderSnapshot(snap));
    return 0;
  } finally {
    await h.docker?.stop();
    await h.close();
  }
}

/** Waits at least `minMs`, then until `done()` or `maxMs`. */
async function waitFor(done: () => boolean, minMs: number, maxMs: number): Promise<void> {
  const start = Date.now();
  await new Promise((r) => setTimeout(r, minMs));
  while (!done() && Date.now() - start < maxMs) await new Promise((r) => setTimeout(r, 100));
}
