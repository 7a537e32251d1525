/**
 * The analyzer the engine runs: snapshots in, trends and alerts out, through
 * the same LeakDetector as `replay`. Detector windows are shortened through
 * settings, as users (and the live-engine test) can.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnalyzer } from '../../../src/main/engine/detect/analyzer.ts';
import { isRestart, leakSeriesFromSnapshot, MIN_WATCHED_GROUP_BYTES, pidSetReplaced } from '../../../src/main/engine/detect/series.ts';
import type { Alert } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { container, GB, group, MB, snapshot } from './snapshot-fixture.ts';

function shortSettings(): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.detector = { minSpanSeconds: 30, slowSpanSeconds: 300, maxWindowSeconds: 1800, minSamples: 10 };
  return s;
}

const PROCESS_SCAN_MS = 5000;

describe('analyzer', () => {
  it('reports a growing group as a leak alert that names it, and a restart (all PIDs replaced) ends it', () => {
    const analyzer = createAnalyzer(shortSettings());
    const transitions: Alert[] = [];
    let reportedAt: number | null = null;
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    for (let k = 0; k <= 150; k++) {
      const t = t0 + k * 2000; // system ticks every 2 s, process scans every 5 s
      const scanAt = t - (t % PROCESS_SCAN_MS);
      const rss = 60 * MB + ((scanAt - t0) / 60000) * 50 * MB;
      const s = snapshot(t, 40, {
        groups: [group('leaky', { kind: 'runtime', rssBytes: rss, pids: [4000] }), group('code', { kind: 'editor', rssBytes: 1.5 * GB, pids: [500] })],
        sampledAt: { system: t, processes: scanAt, containers: null },
      });
      const out = analyzer.observe(s);
      transitions.push(...out.transitions);
      if (reportedAt === null && out.trends.some((x) => x.series === 'process.group.leaky.rss' && x.leaking)) reportedAt = t;
    }
    assert.ok(reportedAt !== null, 'the leak was never reported');
    assert.ok(reportedAt - t0 <= 180_000, `reported after ${(reportedAt - t0) / 1000} s`);
    const leak = transitions.find((a) => a.id === 'leak:process.group.leaky.rss');
    assert.ok(leak, `no leak alert; transitions: ${transitions.map((a) => a.id).join(', ')}`);
    assert.equal(leak.culprit, 'leaky');
    assert.match(leak.title, /^leaky ×1 — \d+ MB, \+\d\.\d GB\/h, memory full in ~\d+ h( \d+ min)?$/);
    assert.equal(analyzer.trends().find((x) => x.series === 'process.group.code.rss')?.leaking ?? false, false);

    // The app restarts: a new PID set. The leak's evidence no longer applies.
    const t = t0 + 151 * 2000;
    const out = analyzer.observe(snapshot(t, 40, { groups: [group('leaky', { rssBytes: 60 * MB, pids: [5000] })], sampledAt: { system: t, processes: t, containers: null } }));
    assert.equal(out.trends.find((x) => x.series === 'process.group.leaky.rss')?.leaking, false);
  });

  it('a new instance joining a group keeps its segment; replacing every PID is a restart', () => {
    assert.equal(pidSetReplaced([10, 11], [10, 11, 12]), false);
    assert.equal(pidSetReplaced([10, 11], [11]), false);
    assert.equal(pidSetReplaced([10, 11], [20, 21]), true);
    assert.equal(pidSetReplaced(undefined, [20]), false);
  });

  it('watches system memory and swap, groups from the size floor, and container memory with its limit (host RAM when unbounded)', () => {
    const t = 1_000_000;
    const s = snapshot(t, 50, {
      groups: [group('big', { rssBytes: 2 * GB, fds: null }), group('tiny', { rssBytes: MIN_WATCHED_GROUP_BYTES / 2 })],
      containers: [container('db'), container('api', { memLimitBytes: null, memPercent: null })],
      sampledAt: { system: t, processes: t, containers: t },
    });
    const w = new Map(leakSeriesFromSnapshot(s).map((x) => [x.series, x]));
    assert.deepEqual([...w.keys()].sort(), [
      'container.api.mem',
      'container.db.mem',
      'process.group.big.rss',
      'process.group.big.threads',
      'system.mem.used',
      'system.swap.used',
    ]);
    assert.equal(w.get('system.mem.used')!.limit, 20 * GB);
    assert.equal(w.get('container.db.mem')!.limit, 2 * GB);
    assert.equal(w.get('container.api.mem')!.limit, 16 * GB);
    // Stale parts are not samples: the same scan is not fed twice.
    const again = leakSeriesFromSnapshot({ ...s, t: t + 2000, sampledAt: { system: t + 2000, processes: t, containers: t } }, t, t).map((x) => x.series);
    assert.deepEqual(again.sort(), ['system.mem.used', 'system.swap.used']);
    // A container restart changes its segment key.
    const restarted = leakSeriesFromSnapshot({ ...s, containers: [container('db', { restartCount: 1, startedAt: '2026-01-02T00:00:00Z' })] }).find((x) => x.series === 'container.db.mem')!;
    assert.equal(isRestart(w.get('container.db.mem')!, restarted), true);
  });
});
