/**
 * Issue 13, problem 5: a stale ETA. A container leaking towards its limit
 * stops growing just short of it; the surfaces must stop counting down and say
 * growth stopped, while a steady leak keeps an ETA projected from its current
 * level. Snapshots go through the analyzer the engine runs, with the
 * detector's windows shortened through settings (minSpanSeconds 30 s).
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createAnalyzer } from '../../../src/main/engine/detect/analyzer.ts';
import { RecentGrowth, withRecentGrowth } from '../../../src/main/engine/detect/recent-growth.ts';
import type { LeakTrend } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { container, MB, snapshot } from './snapshot-fixture.ts';

function shortSettings(): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.detector = { minSpanSeconds: 30, slowSpanSeconds: 300, maxWindowSeconds: 1800, minSamples: 10 };
  s.alerts.sustainSeconds = 10;
  return s;
}

const DOCKER_STATS_MS = 15_000;
const LIMIT = 256 * MB;

describe('recent growth', () => {
  it('issue 13 #5 (stale ETA): once a leaking container stops growing, the trend and its alert stop counting down', () => {
    const analyzer = createAnalyzer(shortSettings());
    const t0 = Date.parse('2026-01-01T10:00:00Z');
    // 40 MB/min from 60 MB until 245 MB (about 4.6 min), then flat just under the 256 MB limit.
    const stopAt = t0 + ((245 - 60) / 40) * 60_000;
    const usage = (at: number) => Math.min(245, 60 + ((at - t0) / 60_000) * 40) * MB;
    let countdownSeen: number | null = null;
    let last = analyzer.observe(snapshot(t0, 40));
    for (let t = t0; t <= stopAt + 150_000; t += 2000) {
      const statsAt = t - (t % DOCKER_STATS_MS);
      const c = container('ux-leaky', { memUsageBytes: usage(statsAt), memLimitBytes: LIMIT, memPercent: (usage(statsAt) / LIMIT) * 100 });
      last = analyzer.observe(snapshot(t, 40, { containers: [c], sampledAt: { system: t, processes: t0, containers: statsAt } }));
      const tr = last.trends.find((x) => x.series === 'container.ux-leaky.mem');
      if (t < stopAt && tr?.leaking && tr.etaSeconds !== null) countdownSeen = tr.etaSeconds;
    }
    assert.ok(countdownSeen !== null, 'while it grew, the leak was reported with a time to its limit');
    const tr = last.trends.find((x) => x.series === 'container.ux-leaky.mem') as LeakTrend;
    assert.equal(tr.leaking, true, 'the detector still calls it a leak (its own hysteresis decides when that ends)');
    assert.equal(tr.etaSeconds, null, '2.5 minutes after growth stopped there is no countdown');
    assert.equal(tr.growthStopped, true);
    const alert = last.alerts.find((a) => a.id === 'leak:container.ux-leaky.mem');
    assert.ok(alert, 'the alert is still listed');
    assert.match(alert.title, /growth stopped/);
    assert.doesNotMatch(alert.title, /reaches its limit in/);
  });

  it('a steady leak keeps its ETA, projected from the newest sample at the recent slope', () => {
    const recent = new RecentGrowth(90);
    // 1 MB/s, sampled every 5 s.
    for (let t = 0; t <= 300; t += 5) recent.push('s', t, 100 * MB + t * MB);
    const trend: LeakTrend = { series: 's', leaking: true, slopePerHour: 3600 * MB, slopeLowPerHour: 3000 * MB, slopeHighPerHour: 4000 * MB, strength: 0.9, level: 390 * MB, limit: 1000 * MB, etaSeconds: 600, segmentStart: 0 };
    const shown = withRecentGrowth(trend, recent);
    assert.equal(shown.growthStopped, undefined);
    assert.ok(Math.abs((shown.etaSeconds as number) - 600) < 1, `ETA ${shown.etaSeconds}: (1000 − 400) MB at 1 MB/s`);
    assert.equal(withRecentGrowth({ ...trend, leaking: false }, recent).etaSeconds, 600, 'trends that do not leak pass through');
  });

  it('with too few recent samples the detector\'s own figures stand', () => {
    const recent = new RecentGrowth(90);
    recent.push('s', 0, 1);
    recent.push('s', 5, 2);
    const trend: LeakTrend = { series: 's', leaking: true, slopePerHour: 10, slopeLowPerHour: 5, slopeHighPerHour: 15, strength: 0.9, level: 2, limit: 100, etaSeconds: 123, segmentStart: 0 };
    assert.equal(withRecentGrowth(trend, recent), trend);
  });
});
