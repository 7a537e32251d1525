/** Leak trends as drawn on the memory chart: the fitted segment, the projection to the limit, and the label. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isBytesSeries, seriesLabel, trendLabel, trendLine, trendStartMs } from '../../src/renderer/charts/trend-line.ts';
import type { LeakTrend } from '../../src/shared/model.ts';

const HOUR = 3_600_000;
const GiB = 1024 ** 3;
const NOW = 1_750_000_000_000;

const trend = (over: Partial<LeakTrend> = {}): LeakTrend => ({
  series: 'process.group.claude.rss',
  leaking: true,
  slopePerHour: 1 * GiB,
  slopeLowPerHour: 0.8 * GiB,
  slopeHighPerHour: 1.2 * GiB,
  strength: 0.9,
  level: 4 * GiB,
  limit: 16 * GiB,
  etaSeconds: 12 * 3600,
  segmentStart: NOW - 2 * HOUR,
  ...over,
});

describe('series names', () => {
  test('readable names for the chart and the trend list', () => {
    assert.equal(seriesLabel('system.mem.used'), 'memory');
    assert.equal(seriesLabel('system.swap.used'), 'swap');
    assert.equal(seriesLabel('process.group.claude.rss'), 'claude');
    assert.equal(seriesLabel('process.group.npm exec.threads'), 'npm exec threads');
    assert.equal(seriesLabel('container.db.mem'), 'container db');
    assert.equal(seriesLabel('system.load1'), 'system.load1');
  });
  test('only byte series share the memory chart', () => {
    for (const s of ['system.mem.used', 'system.swap.used', 'process.group.x.rss', 'container.db.mem']) assert.equal(isBytesSeries(s), true, s);
    for (const s of ['system.cpu', 'process.group.x.cpu', 'container.db.restarts', 'self.rss']) assert.equal(isBytesSeries(s), false, s);
  });
});

describe('trendLabel', () => {
  test('rate and time to the limit; no ETA when it never gets there', () => {
    assert.equal(trendLabel(trend()), 'claude +1.0 GB/h, limit in ~12 h');
    assert.equal(trendLabel(trend({ etaSeconds: null, slopePerHour: -300 * 1024 ** 2 })), 'claude −300 MB/h');
  });
});

describe('trendStartMs', () => {
  test('segment starts in epoch seconds (the detector) or ms are both read as ms', () => {
    assert.equal(trendStartMs(trend({ segmentStart: 1_750_000_000 })), 1_750_000_000_000);
    assert.equal(trendStartMs(trend({ segmentStart: NOW })), NOW);
  });
});

describe('trendLine', () => {
  test('solid from the segment start to now, then projected to the limit when the ETA is on the chart', () => {
    const line = trendLine(trend(), NOW, NOW + 24 * HOUR);
    assert.ok(line);
    assert.equal(line.reachesLimit, true);
    assert.deepEqual(line.points, [
      { x: NOW - 2 * HOUR, y: 2 * GiB },
      { x: NOW, y: 4 * GiB },
      { x: NOW + 12 * HOUR, y: 16 * GiB },
    ]);
    assert.equal(line.label, 'claude +1.0 GB/h, limit in ~12 h');
  });

  test('an ETA past the chart’s right edge: projected to the edge along the fitted slope', () => {
    const line = trendLine(trend(), NOW, NOW + 6 * HOUR);
    assert.ok(line);
    assert.equal(line.reachesLimit, false);
    assert.deepEqual(line.points.at(-1), { x: NOW + 6 * HOUR, y: 10 * GiB });
  });

  test('no room to the right: the fitted segment only', () => {
    const line = trendLine(trend({ etaSeconds: null }), NOW, NOW);
    assert.ok(line);
    assert.equal(line.points.length, 2);
  });

  test('a segment start in the future or missing starts at now; non-finite figures draw nothing', () => {
    assert.equal(trendLine(trend({ segmentStart: NOW + HOUR }), NOW, NOW + HOUR)?.points[0].x, NOW);
    assert.equal(trendLine(trend({ segmentStart: Number.NaN }), NOW, NOW + HOUR)?.points[0].x, NOW);
    assert.equal(trendLine(trend({ level: Number.NaN }), NOW, NOW + HOUR), null);
    assert.equal(trendLine(trend({ slopePerHour: Number.POSITIVE_INFINITY }), NOW, NOW + HOUR), null);
  });
});
