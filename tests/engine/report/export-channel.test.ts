/** The `report:export` channel ("Export report…" in the tray and window) over a real Headroom and the real handler table. */

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApi, type Api, type DispatchResult } from '../../../src/main/engine/api/handlers.ts';
import { createHeadroom, type Headroom } from '../../../src/main/engine/create.ts';
import { INVOKE_CHANNELS } from '../../../src/shared/contract.ts';
import { tempHome } from '../../helpers/cli.ts';
import { waitUntil } from '../../helpers/procs.ts';

function refusal(r: DispatchResult): string {
  assert.equal(r.ok, false, 'expected a refusal');
  return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
}

describe('report:export', () => {
  let h: Headroom;
  let api: Api;

  before(async () => {
    const home = tempHome('headroom-report-export-');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ intervals: { systemMs: 250, processesMs: 500 } }));
    h = createHeadroom({ dataDir: home, docker: false, log: () => {} });
    api = createApi({ ...h, log: h.log });
    h.engine.start();
    // The report's live part is the latest process scan: wait for one (a loaded machine scans late).
    await waitUntil(() => (h.engine.latest()?.groups.length ?? 0) > 0, 60_000, 'a first process scan');
  });
  after(() => h.close());

  it('is a channel of the contract', () => {
    assert.ok(INVOKE_CHANNELS.includes('report:export'));
  });

  it('returns the report of the running engine, with a file name', async () => {
    for (const format of ['md', 'html'] as const) {
      const r = await api.dispatch('report:export', { sinceMs: Date.now() - 3600_000, format });
      if (!r.ok) assert.fail(`${r.error.code}: ${r.error.message}`);
      const { text, fileName } = r.value as { text: string; fileName: string };
      assert.match(fileName, new RegExp(`^headroom-report-\\d{4}-\\d\\d-\\d\\d-\\d{4}\\.${format}$`));
      assert.ok(text.includes(format === 'md' ? '## Method and coverage' : '<section id="method">'));
      // The live part is the engine's own latest sample.
      assert.ok(text.includes('From the process scan at'));
    }
  });

  it('refuses malformed requests with a clear message', async () => {
    assert.match(refusal(await api.dispatch('report:export', undefined)), /^bad-request: .*object/);
    assert.match(refusal(await api.dispatch('report:export', { sinceMs: 0, format: 'pdf' })), /^bad-request: .*format/);
    assert.match(refusal(await api.dispatch('report:export', { sinceMs: 'yesterday', format: 'md' })), /^bad-request: .*sinceMs/);
    assert.match(refusal(await api.dispatch('report:export', { sinceMs: Date.now() + 3600_000, format: 'md' })), /^bad-request: sinceMs must be in the past/);
  });
});
