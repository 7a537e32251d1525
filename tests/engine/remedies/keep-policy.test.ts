/** Keep policies, proposal ids and alert links on fixtures. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alertsAboutGroup, alertsOfKind, machineMemoryAlerts } from '../../../src/main/engine/remedies/alert-links.ts';
import { ActivityTracker, chooseKeep, type Instance } from '../../../src/main/engine/remedies/keep-policy.ts';
import { displayName } from '../../../src/main/engine/remedies/process-planner.ts';
import { proposalId } from '../../../src/main/engine/remedies/proposal-id.ts';
import type { Alert, ProcessTarget } from '../../../src/shared/model.ts';

const inst = (pid: number, startTime: number, over: Partial<Instance> = {}): Instance => ({ pid, startTime, ttyNr: 0, lastActive: 0, ...over });

describe('keep policies', () => {
  const xs = [inst(10, 100), inst(11, 400), inst(12, 300), inst(13, 200, { ttyNr: 34816, lastActive: 5 }), inst(14, 300, { lastActive: 9 })];
  const pids = (a: Instance[]) => a.map((i) => i.pid);

  it('newest: highest start time, ties by higher PID', () => {
    const r = chooseKeep(xs, 'newest', 2);
    assert.deepEqual(pids(r.keep), [11, 14]);
    assert.deepEqual(pids(r.stop).sort(), [10, 12, 13]);
  });

  it('active: most recently active first, then newest', () => {
    assert.deepEqual(pids(chooseKeep(xs, 'active', 3).keep), [14, 13, 11]);
  });

  it('tty: attached to a terminal first, then newest', () => {
    assert.deepEqual(pids(chooseKeep(xs, 'tty', 2).keep), [13, 11]);
  });

  it('keeps none, or all, at the edges, and does not mutate its input', () => {
    const before = JSON.stringify(xs);
    assert.equal(chooseKeep(xs, 'newest', 0).stop.length, 5);
    assert.equal(chooseKeep(xs, 'newest', 99).stop.length, 0);
    assert.equal(JSON.stringify(xs), before);
  });

  it('tracks when each process last used CPU, per process identity', () => {
    const t = new ActivityTracker();
    t.observe([{ pid: 1, startTime: 5, cpuTicks: 10, kernelThread: false }, { pid: 2, startTime: 5, cpuTicks: 10, cpuPercent: 3, kernelThread: false }], 1000);
    assert.equal(t.lastActive(1, 5), 0);
    assert.equal(t.lastActive(2, 5), 1000, 'active on first sight by its CPU percent');
    t.observe([{ pid: 1, startTime: 5, cpuTicks: 12, kernelThread: false }, { pid: 2, startTime: 5, cpuTicks: 10, kernelThread: false }], 2000);
    assert.equal(t.lastActive(1, 5), 2000);
    assert.equal(t.lastActive(2, 5), 1000);
    assert.equal(t.lastActive(1, 6), 0, 'another start time is another process');
    t.observe([{ pid: 1, startTime: 6, cpuTicks: 0, kernelThread: false }], 3000);
    assert.equal(t.lastActive(1, 6), 0);
    assert.equal(t.lastActive(2, 5), 0, 'forgotten once gone');
  });
});

describe('proposal ids', () => {
  const t = (pid: number, startTime: number): ProcessTarget => ({ kind: 'process', pid, startTime, name: 'x', rssBytes: pid });

  it('depend on kind and exact targets, not on their order or sizes', () => {
    const a = proposalId('process.stop-excess', [t(1, 10), t(2, 20)]);
    assert.match(a, /^fx-[0-9a-f]{10}$/);
    assert.equal(proposalId('process.stop-excess', [{ ...t(2, 20), rssBytes: 999 }, t(1, 10)]), a);
    assert.notEqual(proposalId('process.stop-excess', [t(1, 10), t(2, 21)]), a, 'a reused PID changes the id');
    assert.notEqual(proposalId('process.stop-tree', [t(1, 10), t(2, 20)]), a);
    assert.notEqual(proposalId('process.stop-excess', [t(1, 10)]), a);
    assert.notEqual(proposalId('process.stop-excess', [t(1, 10), t(2, 20)], 'limit=512m'), a);
  });
});

describe('alert links and display names', () => {
  const alert = (id: string, rule: string, culprit: string | null, state: Alert['state'] = 'firing'): Alert => ({
    id,
    rule,
    severity: 'warning',
    state,
    title: id,
    detail: '',
    culprit,
    since: 0,
    resolvedAt: null,
    fixIds: [],
  });
  const alerts = [
    alert('leak:process.group.claude.rss', 'leak', 'claude'),
    alert('instances:claude', 'instances', 'claude'),
    alert('zombies', 'zombies', null),
    alert('orphans:mcp:x', 'orphans', 'mcp:x'),
    alert('mem.used', 'mem.used', null),
    alert('leak:system.mem.used', 'leak', null),
    alert('old', 'leak', 'claude', 'resolved'),
    // Groups whose names contain the words the links used to match on.
    alert('orphans:server-memory', 'orphans', 'server-memory'),
    alert('leak:process.group.zombie-hunter.rss', 'leak', 'zombie-hunter'),
    alert('instances:swap-tool', 'group.instances', 'swap-tool'),
  ];

  it('links fixes to the firing alerts they address', () => {
    assert.deepEqual(alertsAboutGroup(alerts, 'claude'), ['leak:process.group.claude.rss', 'instances:claude']);
    assert.deepEqual(alertsOfKind(alerts, 'zombies'), ['zombies']);
    assert.deepEqual(alertsOfKind(alerts, 'orphans', ['mcp:x']), ['orphans:mcp:x']);
    assert.deepEqual(alertsOfKind(alerts, 'orphans', ['mcp:y']), []);
    assert.deepEqual(machineMemoryAlerts(alerts), ['mem.used', 'leak:system.mem.used'], 'group names that contain "memory" or "swap" are not machine alerts');
  });

  it('makes process names safe to show: no control characters, bounded length', () => {
    assert.equal(displayName('claude\nkill -9 1'), 'claude?kill -9 1');
    const long = displayName('🦀'.repeat(4000));
    assert.equal(Array.from(long).length, 64);
    assert.ok(long.endsWith('…'));
  });
});
