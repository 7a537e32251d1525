/** `headroom snapshot [--json]`: one full sample of the machine, printed once. */

import { createHeadroom } from '../main/engine/create.ts';
import type { Snapshot } from '../shared/model.ts';
import { parseFlags } from './args.ts';
import { attachToEngine, withEngine } from './attach.ts';
import type { CliIo } from './io.ts';
import { renderSnapshot } from './render-snapshot.ts';

export async function snapshotCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags('snapshot', args, { json: { type: 'boolean' }, 'no-docker': { type: 'boolean' } }, false);
  const print = (snap: Snapshot) => io.out(values.json ? JSON.stringify(snap) : renderSnapshot(snap));
  const engine = await attachToEngine({ needs: ['snapshot:get'], subscribe: ['snapshot:push'] });
  if (engine) {
    return withEngine(engine, async (c) => {
      // An engine that has just started may not have sampled yet: its first snapshot is then the answer.
      const first = new Promise<Snapshot>((resolve) => c.on('snapshot:push', resolve));
      print((await c.invoke('snapshot:get', undefined)) ?? (await first));
      return 0;
    });
  }
  const h = createHeadroom({ history: false, docker: values['no-docker'] ? false : undefined, log: io.err });
  try {
    h.docker?.start();
    await h.engine.ready();
    h.engine.sampleNow();
    // CPU percentages need two readings; Docker needs a moment to answer (bounded).
    await waitFor(() => h.docker === null || h.docker.state().status !== 'ok' || h.docker.sampledAt() !== null, 600, 4000);
    print(h.engine.sampleNow());
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
