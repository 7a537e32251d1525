/**
 * The process collector against real processes: a swarm named like an agent
 * CLI, a real zombie, and a real orphaned `npm exec` tree.
 */

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createProcessCollector } from '../../../src/main/engine/collectors/processes.ts';
import { ProcessSwarm, psRssBytes } from '../../helpers/procs.ts';
import { STAT_RSS_SLACK_BYTES } from '../../helpers/stat-rss.ts';

describe('process collector on real processes', () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  let claudePids: number[] = [];
  let zombie: { parentPid: number; zombiePid: number };
  let orphan: { rootPid: number; treePids: number[] };

  before(async () => {
    claudePids = await swarm.spawnNamed('claude', 16);
    zombie = await swarm.spawnZombieParent('lazy-parent');
    orphan = await swarm.spawnOrphanTree('@headroom-test/mcp-demo');
  });

  function collect() {
    const c = createProcessCollector([]);
    c.collect({ now: Date.now(), log: () => {} });
    return c.collect({ now: Date.now() + 1000, log: () => {} });
  }

  it('groups 16 processes named claude, with the RSS that ps reports (within 2% and the kernel counters\' slack)', () => {
    const r = collect();
    const g = r.groups.find((x) => x.name === 'claude');
    assert.ok(g, `no claude group among ${r.groups.map((x) => x.name).join(', ')}`);
    assert.equal(g.kind, 'agent');
    assert.ok(g.count >= 16, `count ${g.count}`);
    for (const pid of claudePids) assert.ok(g.pids.includes(pid), `pid ${pid} missing from the claude group`);
    const ps = psRssBytes(g.pids);
    assert.ok(Math.abs(g.rssBytes - ps) <= ps * 0.02 + g.count * STAT_RSS_SLACK_BYTES, `group RSS ${g.rssBytes} vs ps ${ps}`);
    assert.ok(g.threads >= 16);
  });

  it('reports a real zombie with its parent pid and name', () => {
    const r = collect();
    const z = r.zombies.find((x) => x.pid === zombie.zombiePid);
    assert.ok(z, `zombie ${zombie.zombiePid} not reported: ${JSON.stringify(r.zombies)}`);
    assert.equal(z.ppid, zombie.parentPid);
    assert.equal(z.parentName, 'lazy-parent');
    // Zombies are not counted as application instances.
    assert.ok(!r.groups.some((g) => g.pids.includes(zombie.zombiePid)));
  });

  it('reports an orphaned npm exec tree with its descendants', () => {
    const r = collect();
    const o = r.orphans.find((x) => x.pid === orphan.rootPid);
    assert.ok(o, `orphan ${orphan.rootPid} not reported: ${JSON.stringify(r.orphans.map((x) => x.pid))}`);
    assert.equal(o.group, 'mcp:@headroom-test/mcp-demo');
    assert.deepEqual([...o.treePids].sort(), [...orphan.treePids].sort());
    assert.ok(o.rssBytes >= psRssBytes([orphan.rootPid, ...orphan.treePids]) * 0.98 - (1 + orphan.treePids.length) * STAT_RSS_SLACK_BYTES);
    // Its children join the launcher's application by ancestry.
    const g = r.groups.find((x) => x.name === 'mcp:@headroom-test/mcp-demo');
    assert.ok(g && orphan.treePids.every((p) => g.pids.includes(p)));
  });

  it('does not report a live process with a living parent as an orphan', () => {
    const r = collect();
    assert.ok(!r.orphans.some((o) => claudePids.includes(o.pid)));
  });

  it('counts file descriptors on the slower pass', () => {
    const c = createProcessCollector([]);
    c.collect({ now: Date.now(), log: () => {} });
    c.table.countFds();
    const r = c.collect({ now: Date.now() + 1000, log: () => {} });
    const self = r.groups.find((g) => g.pids.includes(process.pid));
    assert.ok(self && self.fds !== null && self.fds >= 3, `fds of our own group: ${self?.fds}`);
  });
});
