/** The Overview's answer: status line, worst severity, top consumers with trend and ETA, load per core. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadLevel, statusLine, topConsumers, worstSeverity } from '../../src/renderer/views/overview-model.ts';
import type { Alert, ContainerStats, LeakTrend, ProcessGroup } from '../../src/shared/model.ts';

const alert = (over: Partial<Alert> & Pick<Alert, 'id' | 'severity'>): Alert => ({ rule: 'x', state: 'firing', title: over.id, detail: '', culprit: null, since: 0, resolvedAt: null, fixIds: [], ...over });
const trend = (series: string, over: Partial<LeakTrend> = {}): LeakTrend => ({
  series,
  leaking: true,
  slopePerHour: 1024 ** 3,
  slopeLowPerHour: 0,
  slopeHighPerHour: 0,
  strength: 1,
  level: 0,
  limit: null,
  etaSeconds: 360,
  segmentStart: 0,
  ...over,
});
const group = (name: string, rssBytes: number): ProcessGroup => ({ name, kind: 'other', count: 1, rssBytes, cpuPercent: 0, threads: 1, fds: 1, pids: [1] });

describe('statusLine', () => {
  test('all clear without a firing alert', () => {
    assert.deepEqual(statusLine([alert({ id: 'a', severity: 'critical', state: 'resolved' })], []), { level: 'ok', text: 'All clear' });
  });
  test('the worst alert first; a leak said as "<what> full in ~N", with the others counted', () => {
    const alerts = [alert({ id: 'mem.used', severity: 'warning' }), alert({ id: 'leak:container.ux-leaky.mem', severity: 'critical' })];
    assert.deepEqual(statusLine(alerts, [trend('container.ux-leaky.mem')]), { level: 'critical', text: 'critical: container ux-leaky full in ~6 min · 1 more alert' });
  });
  test('other alerts by their title', () => {
    assert.equal(statusLine([alert({ id: 'zombies', severity: 'warning', title: '3 zombies' })], []).text, 'warning: 3 zombies');
  });
});

test('worstSeverity ignores resolved alerts', () => {
  assert.equal(worstSeverity([alert({ id: 'a', severity: 'warning' }), alert({ id: 'b', severity: 'critical', state: 'resolved' })]), 'warning');
  assert.equal(worstSeverity([]), null);
});

test('topConsumers: applications then containers, with trend and ETA, linked to their details', () => {
  const c = { name: 'db', memUsageBytes: 200, memLimitBytes: 400 } as ContainerStats;
  const rows = topConsumers({ groups: [group('claude', 1000), group('node', 500)], containers: [c] }, [trend('process.group.claude.rss'), trend('container.db.mem', { leaking: false })]);
  assert.deepEqual(
    rows.map((r) => [r.kind, r.name, r.trend, r.eta, r.href]),
    [
      ['application', 'claude', '+1.0 GB/h', '~6 min', '#/applications/claude'],
      ['application', 'node', '–', '–', '#/applications/node'],
      ['container', 'db', 'steady', '–', '#/containers/db'],
    ],
  );
});

test('loadLevel: 4.7 on 2 cores is overloaded', () => {
  assert.deepEqual(loadLevel(4.7, 2), { level: 'crit', perCore: 2.35 });
  assert.equal(loadLevel(1.2, 1).level, 'warn');
  assert.equal(loadLevel(0.5, 2).level, 'ok');
});
