/**
 * The fix audit log in a real history database file: a fix run on a real
 * process is recorded with its targets and before/after figures, and is still
 * there after Headroom restarts. Without a history database it is kept in
 * memory, and Headroom says so.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Engine } from '../../../src/main/engine/engine.ts';
import { HistoryStore } from '../../../src/main/engine/history/store.ts';
import { openAuditStore } from '../../../src/main/engine/remedies/audit-log.ts';
import { createRemedies } from '../../../src/main/engine/remedies/index.ts';
import { PROCESS_FIX_KINDS } from '../../../src/main/engine/remedies/process-planner.ts';
import type { ProcessTarget } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { isAlive, ProcessSwarm } from '../../helpers/procs.ts';

const tag = randomBytes(3).toString('hex');

function headroom(dbPath: string | null) {
  const settings = structuredClone(DEFAULT_SETTINGS);
  const name = `audit-${tag}`;
  settings.groups.rules = [{ name, kind: 'agent', exe: [name] }];
  settings.alerts.maxInstances = { [name]: 1 };
  settings.remedies.keepInstances = 1;
  settings.remedies.graceSeconds = 1;
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const history = dbPath ? HistoryStore.open({ path: dbPath, retention: settings.history, log }) : null;
  const engine = new Engine({ settings: () => settings, log });
  const remedies = createRemedies({ settings: () => settings, log, history, docker: null, engine });
  return { name, engine, remedies, history, logs };
}

describe('fix audit log', () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  it('records a run in the history database, and keeps it across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'headroom-audit-'));
    const db = join(dir, 'history.db');
    const h = headroom(db);
    const pids = await swarm.spawnNamed(h.name, 3);
    h.engine.sampleNow();
    const fixes = await h.remedies.plan(h.engine.sampleNow(), []);
    const fix = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.stopExcess && p.title.includes(h.name));
    assert.ok(fix);
    const res = await h.remedies.run(fix.id);
    assert.equal(res.ok, true, res.summary);
    const stopped = (fix.targets as ProcessTarget[]).map((t) => t.pid);
    assert.equal(stopped.length, 2);
    for (const p of stopped) assert.ok(!isAlive(p));
    assert.ok(res.freedBytes > 0);
    h.history?.close();

    const again = headroom(db);
    try {
      const [e] = again.remedies.auditLog(5);
      assert.ok(e, 'the entry did not survive the restart');
      assert.equal(e.fixId, fix.id);
      assert.equal(e.kind, PROCESS_FIX_KINDS.stopExcess);
      assert.equal(e.title, fix.title);
      assert.equal(e.ok, true);
      assert.equal(e.dryRun, false);
      assert.deepEqual(e.targets.map((t) => (t.target as ProcessTarget).pid).sort(), [...stopped].sort());
      assert.ok(e.targets.every((t) => t.outcome === 'done' && /stopped by SIGTERM/.test(t.detail)));
      assert.ok(e.memBefore > 0 && e.memAfter > 0);
      assert.equal(e.targetsRssBefore, res.freedBytes);
      assert.equal(e.targetsRssAfter, 0);
      assert.equal(e.undo, null);
      assert.ok(!again.logs.some((l) => /kept in memory/.test(l)));
      assert.ok(pids.some((p) => isAlive(p)), 'the kept instance is alive');
    } finally {
      again.history?.close();
    }
  });

  it('falls back to memory without a history database, and says so', () => {
    const h = headroom(null);
    assert.ok(h.logs.some((l) => /no history database.*kept in memory/.test(l)));
    assert.deepEqual(h.remedies.auditLog(), []);
    const store = openAuditStore(null);
    assert.equal(store.persistent, false);
    const entry = {
      t: 1,
      fixId: 'fx-0123456789',
      kind: 'k',
      title: 'a "quoted"\ntitle',
      dryRun: true,
      ok: false,
      summary: 's',
      targets: [],
      memBefore: 1,
      memAfter: 2,
      undo: { limit: 1 },
    };
    store.append(entry);
    store.append({ ...entry, t: 2, kind: 'other' });
    const [latest, first] = store.recent(10);
    assert.equal(latest.kind, 'other');
    assert.deepEqual({ ...first, id: undefined, targetsRssBefore: undefined, targetsRssAfter: undefined }, { ...entry, id: undefined, targetsRssBefore: undefined, targetsRssAfter: undefined });
    assert.deepEqual(store.ofKind('k', 0).map((e) => e.t), [1]);
  });
});
