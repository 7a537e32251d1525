/**
 * History through the whole engine: it survives a restart, and a corrupt
 * database file is moved aside with a clear log line while sampling goes on.
 */

import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createHeadroom } from '../../src/main/engine/create.ts';
import { runCli, tempHome } from '../helpers/cli.ts';

async function ticks(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

describe('history across engine restarts', () => {
  it('keeps samples recorded before a restart', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ intervals: { systemMs: 250, processesMs: 500 } }));
    const first = createHeadroom({ dataDir: home, docker: false, log: () => {} });
    first.engine.start();
    await ticks(1500);
    await first.close();

    const second = createHeadroom({ dataDir: home, docker: false, log: () => {} });
    const q = second.history!.query({ series: 'system.mem.used', sinceMs: Date.now() - 60000 });
    assert.ok(q.t.length >= 3, `only ${q.t.length} samples survived`);
    assert.ok(second.history!.seriesNames().some((n) => n.startsWith('process.group.')));
    await second.close();

    const r = await runCli(['history', 'system.mem.used', '--since', '1h', '--json'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(JSON.parse(r.stdout).t.length >= 3);
  });

  it('moves a corrupt database aside with a log line and keeps sampling', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'history.db'), Buffer.alloc(8192, 0x5a));
    const lines: string[] = [];
    const h = createHeadroom({ dataDir: home, docker: false, log: (l) => lines.push(l) });
    const logged = lines.find((l) => /history: .*history\.db.*moved it to/.test(l));
    assert.ok(logged, `no recovery log line in: ${lines.join(' | ')}`);
    const aside = readdirSync(home).find((f) => f.startsWith('history.db.corrupt-'));
    assert.ok(aside && existsSync(join(home, aside)));
    h.engine.start();
    await ticks(2500);
    assert.ok(h.engine.latest(), 'the engine kept sampling');
    assert.ok(h.history!.query({ series: 'system.mem.used', sinceMs: Date.now() - 60000 }).t.length >= 1);
    await h.close();
  });
});
