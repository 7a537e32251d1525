/** The report's pure parts on fixtures: measurements, gaps, the SVG chart, the renderers, the command guard. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistorySeries } from '../../../src/shared/contract.ts';
import { createReportClock } from '../../../src/main/engine/report/clock.ts';
import { isSafeCommand } from '../../../src/main/engine/report/findings.ts';
import { renderHtml } from '../../../src/main/engine/report/html.ts';
import { renderMarkdown } from '../../../src/main/engine/report/markdown.ts';
import { replayEvents, replayThroughDetector } from '../../../src/main/engine/report/replay.ts';
import { bucketize, counterIncrease, findGaps, increaseSince, maxIncreaseWithin, medianSpacingMs, peakPoint, tableStepMs } from '../../../src/main/engine/report/series-stats.ts';
import { niceByteStep, niceStep, renderLineChart } from '../../../src/main/engine/report/svg-chart.ts';
import type { LeakTrend } from '../../../src/shared/model.ts';

const series = (t: number[], v: number[]): HistorySeries => ({ series: 'x', t, v, limit: null, tier: 'raw' });

describe('report measurements', () => {
  it('finds gaps between samples and at both ends of the period', () => {
    const t = [1000, 3000, 5000, 60000, 62000];
    assert.deepEqual(findGaps(t, 0, 62000, 10000), [{ startMs: 5000, endMs: 60000 }]);
    assert.deepEqual(findGaps(t, -20000, 100000, 10000), [
      { startMs: -20000, endMs: 1000 },
      { startMs: 5000, endMs: 60000 },
      { startMs: 62000, endMs: 100000 },
    ]);
    assert.deepEqual(findGaps([], 0, 5000, 1000), [{ startMs: 0, endMs: 5000 }], 'no samples is one gap, not a flat line');
    assert.equal(medianSpacingMs(t), 2000);
    assert.equal(medianSpacingMs([5]), null);
  });

  it('buckets at even, epoch-aligned intervals and keeps empty buckets empty', () => {
    const s = series([0, 1000, 2000, 9000], [10, 20, 30, 50]);
    const b = bucketize(s, 0, 10000, 5000);
    assert.equal(b.length, 2);
    assert.deepEqual([b[0].count, b[0].mean, b[0].max], [3, 20, 30]);
    assert.deepEqual([b[1].count, b[1].mean, b[1].max], [1, 50, 50]);
    const empty = bucketize(s, 20000, 30000, 5000);
    assert.ok(empty.every((x) => x.count === 0 && Number.isNaN(x.mean)));
    assert.equal(tableStepMs(3 * 3600_000), 15 * 60000);
    assert.equal(tableStepMs(3600_000), 5 * 60000);
  });

  it('takes the earliest sample of a tie as the peak, and counts restarts across a counter reset', () => {
    assert.deepEqual(peakPoint(series([1, 2, 3], [5, 9, 9])), { t: 2, v: 9 });
    assert.equal(counterIncrease(series([1, 2, 3, 4, 5], [3, 3, 5, 0, 2])), 4, '3→5 is 2, the re-created container restarted 0 then 2 more');
  });

  it('finds the most restarts within any window, and the restarts of the latest window', () => {
    // Restarts at 0-10 s: 1; 100-130 s: a burst of 4; then quiet.
    const s = series([0, 10_000, 100_000, 110_000, 120_000, 130_000, 400_000, 700_000], [0, 1, 1, 2, 4, 5, 5, 5]);
    assert.equal(maxIncreaseWithin(s, 60_000), 4);
    assert.equal(maxIncreaseWithin(s, 1_000_000), 5);
    assert.equal(increaseSince(s, 700_000 - 600_000), 4, 'based on the sample before 100 s: 1 → 2 → 4 → 5');
    assert.equal(increaseSince(s, 500_000), 0);
  });

  it('prints times in the given zone, whatever the process locale', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5);
    assert.equal(createReportClock('UTC').dateTime(t), '2026-01-02 03:04:05');
    assert.equal(createReportClock('Asia/Kolkata').hm(t), '08:34');
    assert.throws(() => createReportClock('Mars/Olympus'), /unknown time zone/);
  });
});

describe('report replay', () => {
  const MB = 1024 * 1024;
  const hs = (series: string, t: number[], v: number[], limit: number | null = null): HistorySeries => ({ series, t, v, limit, tier: 'raw' });

  it('feeds the detector what the live analyzer watches', () => {
    const events = replayEvents({
      'system.mem.used': hs('system.mem.used', [0, 2000], [5e9, 5e9], 16e9),
      'system.swap.used': hs('system.swap.used', [0, 2000], [0, 0], null),
      'process.group.big.rss': hs('process.group.big.rss', [0, 5000], [200 * MB, 20 * MB], 8e9),
      'process.group.big.threads': hs('process.group.big.threads', [0, 5000], [12, 12]),
      'process.group.big.fds': hs('process.group.big.fds', [5000], [30]),
      'process.group.tiny.rss': hs('process.group.tiny.rss', [0, 5000], [4 * MB, 40 * MB], 8e9),
      'process.group.tiny.cpu': hs('process.group.tiny.cpu', [0, 5000], [1, 1]),
      'container.db.mem': hs('container.db.mem', [0, 15000, 30000], [1e8, 1e8, 5e7], 1e9),
      'container.db.restarts': hs('container.db.restarts', [0, 15000, 30000], [2, 2, 3]),
    });
    const pushes = events.filter((e) => e.kind === 'push').map((e) => `${e.t} ${e.kind === 'push' ? e.series : ''}`);
    assert.deepEqual(pushes, [
      '0 container.db.mem',
      '0 process.group.big.rss',
      '0 process.group.big.threads',
      '0 system.mem.used',
      '2000 system.mem.used',
      '5000 process.group.tiny.rss',
      '15000 container.db.mem',
      '30000 container.db.mem',
    ], 'no swap without a swap limit, groups only while 32 MB or more, no cpu series');
    assert.deepEqual(events.filter((e) => e.kind === 'segment'), [{ kind: 'segment', series: 'container.db.mem', t: 30000 }], 'a restart starts a new segment');
  });

  it('pushes seconds, forgets series not fed for ten minutes, and converts segment starts back to ms', () => {
    const calls: string[] = [];
    const detector = {
      push(s: string, t: number) {
        calls.push(`push ${s} ${t}`);
      },
      forget(s: string, t?: number) {
        calls.push(`forget ${s} ${t}`);
      },
      newSegment(s: string, t: number) {
        calls.push(`segment ${s} ${t}`);
      },
      trends(): LeakTrend[] {
        return [{ series: 'system.mem.used', leaking: false, slopePerHour: 1, slopeLowPerHour: 0, slopeHighPerHour: 2, strength: 0.5, level: 1, limit: null, etaSeconds: null, segmentStart: 7 }];
      },
    };
    const out = replayThroughDetector(
      [
        { kind: 'push', series: 'a', t: 1000, value: 1, limit: null },
        { kind: 'push', series: 'system.mem.used', t: 1000, value: 1, limit: null },
        { kind: 'tick', t: 1000 },
        { kind: 'segment', series: 'system.mem.used', t: 700_000 },
        { kind: 'push', series: 'system.mem.used', t: 700_000, value: 1, limit: null },
        { kind: 'tick', t: 700_000 },
      ],
      detector,
    );
    assert.deepEqual(calls, ['push a 1', 'push system.mem.used 1', 'segment system.mem.used 700', 'push system.mem.used 700', 'forget a 700']);
    assert.equal(out.trends['system.mem.used'].segmentStart, 7000);
    assert.deepEqual(out.replayed, ['a', 'system.mem.used']);
    assert.deepEqual(out.forgotten, ['a']);
  });
});

describe('report SVG chart', () => {
  const opts = {
    title: 'Used <memory>',
    lines: [{ name: 'used', t: [0, 1000, 2000, 60000, 61000], v: [1, 2, 3, 4, 5], color: '#123456' }],
    thresholds: [{ label: 'limit', value: 10, color: 'red' }],
    gaps: [{ startMs: 2000, endMs: 60000 }],
    formatX: (t: number) => String(t),
    formatY: (v: number) => `${v} B`,
    maxStepMs: 10000,
  };

  it('is deterministic, escapes text, shades gaps and does not draw across them', () => {
    const a = renderLineChart(opts);
    assert.equal(a, renderLineChart(opts));
    assert.match(a, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(a.includes('Used &lt;memory&gt;'));
    assert.equal((a.match(/<polyline/g) ?? []).length, 2, 'the line breaks at the sampling gap');
    assert.match(a, /<rect [^>]*fill="#f3e3c0"/, 'the gap is shaded');
    assert.ok(a.includes('>limit</text>'));
  });

  it('says "no samples" instead of drawing empty axes', () => {
    const svg = renderLineChart({ ...opts, lines: [{ name: 'x', t: [], v: [], color: '#000' }] });
    assert.ok(svg.includes('no samples in this period'));
    assert.ok(!svg.includes('<polyline'));
  });

  it('picks round axis steps, in binary units for bytes', () => {
    assert.equal(niceByteStep(24 * 1024 ** 3, 4), 10 * 1024 ** 3);
    assert.equal(niceByteStep(300 * 1024 ** 2, 4), 100 * 1024 ** 2);
    assert.equal(niceStep(100, 4), 50);
    assert.equal(niceStep(7, 4), 2);
    assert.equal(niceStep(0, 4), 1);
  });
});

describe('report rendering', () => {
  const doc = {
    title: 'T',
    subtitle: 'S',
    sections: [
      {
        id: 's1',
        title: 'One',
        blocks: [
          { kind: 'table' as const, head: ['a|b', 'n'], rows: [['x|y', '1']], align: ['l' as const, 'r' as const] },
          { kind: 'p' as const, text: 'use `rm <x>` **now**' },
          { kind: 'code' as const, text: 'kill -TERM 12 13' },
        ],
      },
    ],
  };

  it('escapes table pipes in Markdown', () => {
    const md = renderMarkdown(doc);
    assert.ok(md.includes('| a\\|b | n |'));
    assert.ok(md.includes('| --- | ---: |'));
    assert.ok(md.includes('```sh\nkill -TERM 12 13\n```'));
  });

  it('escapes HTML and turns only code and bold marks into tags', () => {
    const html = renderHtml(doc);
    assert.ok(html.includes('use <code>rm &lt;x&gt;</code> <strong>now</strong>'));
    assert.ok(html.includes('<td class="r">1</td>'));
  });
});

describe('report command guard', () => {
  it('withholds pattern kills and accepts commands that name their targets', () => {
    for (const bad of ['pkill -9 -f "uv"', 'killall node', 'pgrep claude | tail -n +5 | xargs kill', 'kill -9 -1']) assert.equal(isSafeCommand(bad), false, bad);
    for (const good of ['kill -TERM 1234 1235', 'docker update --memory 1g --memory-swap 1g db', 'docker restart -t 10 web']) assert.equal(isSafeCommand(good), true, good);
  });
});
