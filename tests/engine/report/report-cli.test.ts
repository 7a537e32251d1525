/** `headroom report` as a user runs it: the built command, a real history file, flags and errors. */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { HistoryStore } from '../../../src/main/engine/history/store.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { runCli, tempHome } from '../../helpers/cli.ts';
import { TRACES_DIR } from '../../helpers/shared.ts';

const TRACE = join(TRACES_DIR, 'hourly_batch.csv');

describe('headroom report (command)', () => {
  const home = tempHome('headroom-report-cli-');

  before(() => {
    if (!existsSync(TRACE)) throw new Error(`the labelled traces are missing: expected ${TRACE}`);
    // Two hours of a recorded trace, ending now, as system.mem.used.
    const rows = readFileSync(TRACE, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const last = Number(rows[rows.length - 1][0]);
    const end = Date.now() - 5000;
    const store = HistoryStore.open({ path: join(home, 'history.db'), retention: DEFAULT_SETTINGS.history, log: () => {} });
    store.recordEvent(end - (last + 1) * 1000, 'engine.start', 'test');
    for (const [t, series, v, lim] of rows) {
      if (last - Number(t) > 7200) continue;
      store.record(end - (last - Number(t)) * 1000, [{ series, value: Number(v), limit: lim ? Number(lim) : null }]);
    }
    store.close();
  });

  it('writes Markdown with every section from history alone', async () => {
    const r = await runCli(['report', '--since', '3h', '--no-live', '--tz', 'UTC'], home);
    assert.equal(r.status, 0, r.stderr);
    for (const s of ['Executive summary', 'Memory', 'Top consumers by application', 'Zombies and orphans', 'Containers', 'Leak trends', 'Recommendations', 'Risk assessment', 'Method and coverage']) {
      assert.ok(r.stdout.includes(`\n## ${s}\n`), `section ${s}`);
    }
    assert.match(r.stdout, /Docker not available in this report/);
    assert.match(r.stdout, /Live sample: none/);
    assert.match(r.stdout, /\| system \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \|/, 'the hour before the trace is a listed gap');
  });

  it('writes self-contained HTML with inline SVG charts to --out, and takes one live sample', async () => {
    const out = join(home, 'report.html');
    const r = await runCli(['report', '--since', '2h', '--out', out, '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /wrote .*report\.html/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /<svg [^>]*role="img"/);
    assert.match(html, /From the process scan at/, 'zombies and orphans come from the live sample');
    assert.match(html, /Docker not available: Docker monitoring is off/);
  });

  it('rejects bad flags with a one-line usage error', async () => {
    for (const args of [['--since', 'soon'], ['--tz', 'Mars/Olympus'], ['--bogus']]) {
      const r = await runCli(['report', ...args], home);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
});
