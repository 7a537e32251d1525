/**
 * Issue 13, problem 1: a notification never carried its fix, because the
 * planner wrote fix links into copies of the alerts while the transitions
 * that reach notifications were the rules' own objects. Now one pure step
 * (alert-fixes.ts) links them, and the engine emits those linked objects to
 * every listener. Checked on the pure step, and on a real engine with a real
 * zombie whose parent never reaps it.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { linkFixes } from '../../src/main/engine/alert-fixes.ts';
import { createHeadroom } from '../../src/main/engine/create.ts';
import { firingNotification } from '../../src/main/engine/notify/policy.ts';
import type { Alert, FixProposal } from '../../src/shared/model.ts';
import { tempHome } from '../helpers/cli.ts';
import { ProcessSwarm, waitUntil } from '../helpers/procs.ts';
import { alert, fix } from './tray/fixtures.ts';

describe('alert → fix links', () => {
  it('links each alert to the fixes that name it, best first, without touching its input', () => {
    const a = alert({ id: 'a', title: 'a' });
    const b = alert({ id: 'b', title: 'b' });
    const gone = alert({ id: 'c', title: 'c', state: 'resolved', resolvedAt: 1 });
    const fixes: FixProposal[] = [fix({ id: 'f1', title: 'one', alertIds: ['a', 'c'] }), fix({ id: 'f2', title: 'two', alertIds: ['a', 'b'] })];
    const out = linkFixes([a, b, gone], fixes);
    assert.deepEqual(out.map((x) => [x.id, x.fixIds]), [['a', ['f1', 'f2']], ['b', ['f2']], ['c', []]], 'a resolved alert offers no fix');
    assert.deepEqual([a.fixIds, b.fixIds], [[], []], 'the rules\' objects are left as they were');
    assert.notEqual(out[0], a);
  });

  describe('on a real engine', () => {
    const swarm = new ProcessSwarm();
    const home = tempHome('headroom-links-');
    const parentName = `hr-links-parent-${randomBytes(3).toString('hex')}`;
    after(() => swarm.cleanup());

    it('issue 13 #1 (notification without its fix): the firing transition carries its fix, and its notification names it with an action', async () => {
      const { parentPid } = await swarm.spawnZombieParent(parentName);
      writeFileSync(
        join(home, 'settings.json'),
        JSON.stringify({
          intervals: { systemMs: 250, processesMs: 500 },
          alerts: { zombieSeconds: 1, sustainSeconds: 1 },
          groups: { rules: [{ name: parentName, kind: 'other', exe: [parentName] }] },
        }),
      );
      const h = createHeadroom({ dataDir: home, docker: false, log: () => {} });
      const seen: Alert[] = [];
      h.engine.on('transitions', (ts) => seen.push(...ts));
      h.engine.start();
      try {
        const id = `zombies:${parentPid}`;
        await waitUntil(() => seen.some((a) => a.id === id && a.state === 'firing'), 60_000, `the zombie alert ${id} to fire`);
        const fired = seen.find((a) => a.id === id && a.state === 'firing') as Alert;
        assert.equal(fired.culpritPid, parentPid);
        assert.ok(fired.fixIds.length > 0, 'the transition that reaches notifications carries its fix');
        const top = h.engine.fixes().find((f) => f.id === fired.fixIds[0]);
        assert.ok(top, 'and that fix is one the engine offers');
        assert.match(top.title, new RegExp(`^Ask ${parentName} \\(PID ${parentPid}\\) to reap its 1 zombie`));
        const n = firingNotification(fired, h.engine.fixes());
        assert.match(n.body, new RegExp(`Fix: Ask ${parentName} \\(PID ${parentPid}\\)`));
        assert.deepEqual(n.action, { label: top.title, fixId: top.id });
        // The window's list is the same linked object.
        assert.deepEqual(h.engine.alerts().find((a) => a.id === id)?.fixIds, fired.fixIds);
      } finally {
        await h.close();
      }
    });
  });
});
