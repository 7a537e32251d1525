/** The report's pure parts on fixtures: measurements, gaps, the SVG chart, the renderers, the command guard. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistorySeries } from '../../../src/shared/contract.ts';
import { createReportClock } from '../../../src/main/engine/report/clock.ts';
import { isSafeCommand } from '../../../src/main/engine/report/findings.ts';
import { renderHtml } from '../../../src/main/engine/report/html.ts';
import { renderMarkdown } from '../../../src/main/engine/report/markdown.ts';
import { DecisionRecorder, UPDATE_EVERY_MS } from '../../../src/main/engine/decisions/record.ts';
import { firingAtLastStop, readDecisions } from '../../../src/main/engine/decisions/read.ts';
import { bucketize, counterIncrease, findGaps, increaseSince, maxIncreaseWithin, medianSpacingMs, peakPoint, tableStepMs } from '../../../src/main/engine/report/series-stats.ts';
import { niceByteStep, niceStep, renderLineChart } from '../../../src/main/engine/report/svg-chart.ts';
import type { Alert, FixProposal, LeakTrend } from '../../../src/shared/model.ts';
import { fixesText } from '../../../src/main/engine/report/sections/alerts.ts';

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

describe('engine decisions in history', () => {
  const trend = (series: string, over: Partial<LeakTrend> = {}): LeakTrend => ({
    series, leaking: true, slopePerHour: 3.6e9, slopeLowPerHour: 3e9, slopeHighPerHour: Infinity, strength: 0.9, level: 1e9, limit: 4e9, etaSeconds: 3000, segmentStart: 1000, ...over,
  });
  const sink = () => {
    const events: { t: number; kind: string; detail: string | null }[] = [];
    return { events, recordEvent: (t: number, kind: string, detail?: string) => void events.push({ t, kind, detail: detail ?? null }) };
  };

  it('writes a leak when it starts, refreshes it while it lasts, and ends it; reads back the verdict standing at the end', () => {
    const s = sink();
    const r = new DecisionRecorder(s);
    r.trends(0, [trend('a')]);
    r.trends(2000, [trend('a')]);
    assert.deepEqual(s.events.map((e) => e.kind), ['leak.start'], 'no row per tick');
    r.trends(UPDATE_EVERY_MS, [trend('a', { slopePerHour: 4e9 })]);
    r.trends(UPDATE_EVERY_MS + 2000, [trend('a', { leaking: false }), trend('b')]);
    assert.deepEqual(s.events.map((e) => e.kind), ['leak.start', 'leak.update', 'leak.start', 'leak.end']);
    const read = readDecisions(s.events, 0, UPDATE_EVERY_MS + 5000);
    assert.deepEqual([...read.leaking.keys()], ['b']);
    assert.equal(read.leaking.get('b')?.slopeHighPerHour, Infinity, 'an unbounded interval survives JSON');
    assert.deepEqual([...read.ended.keys()], ['a']);
    // Standing verdicts at a moment before 'a' ended.
    assert.equal(readDecisions(s.events, 0, UPDATE_EVERY_MS).leaking.get('a')?.slopePerHour, 4e9);
    // An engine stopping writes the leaks' latest figures.
    r.flush(UPDATE_EVERY_MS + 3000, [trend('b', { slopePerHour: 5e9 })]);
    assert.equal(readDecisions(s.events, 0, UPDATE_EVERY_MS + 5000).leaking.get('b')?.slopePerHour, 5e9);
  });

  it('records alert transitions with their fix links, and passes over what it cannot read', () => {
    const s = sink();
    const r = new DecisionRecorder(s);
    const alert: Alert = { id: 'x', rule: 'leak', severity: 'warning', state: 'firing', title: 'x grows', detail: '', culprit: 'x', since: 5, resolvedAt: null, fixIds: ['f1'] };
    r.transitions(10, [alert]);
    r.transitions(20, [{ ...alert, severity: 'critical' }]);
    r.transitions(30, [{ ...alert, state: 'resolved', resolvedAt: 30, fixIds: [] }]);
    r.transitions(40, [{ ...alert, state: 'resolved', resolvedAt: 40, fixIds: [] }]);
    s.events.push({ t: 35, kind: 'alert.fired', detail: '{not json' }, { t: 36, kind: 'leak.start', detail: '{"series":1}' });
    const read = readDecisions(s.events, 0, 100);
    assert.deepEqual(read.alerts.map((e) => [e.t, e.kind, e.alert.severity, e.alert.fixIds]), [
      [10, 'alert.fired', 'warning', ['f1']],
      [20, 'alert.escalated', 'critical', ['f1']],
      [30, 'alert.resolved', 'warning', []],
    ]);
    assert.equal(read.leaking.size, 0);
  });

  it('records the linked fixes’ titles as offered, so a report made after the alert resolved still names them', () => {
    const s = sink();
    const r = new DecisionRecorder(s);
    const alert: Alert = { id: 'z', rule: 'zombies', severity: 'warning', state: 'firing', title: 'zombies of python3', detail: '', culprit: 'python3', since: 5, resolvedAt: null, fixIds: ['fx-a', 'fx-gone'] };
    const offered = [{ id: 'fx-a', title: 'Ask python3 (PID 41) to reap its 1 zombie' }] as FixProposal[];
    r.transitions(10, [alert], offered);
    r.transitions(20, [{ ...alert, state: 'resolved', resolvedAt: 20, fixIds: [] }], []);
    // An event written before titles were recorded (no fixTitles), and one whose titles do not line up with its ids.
    s.events.push({ t: 25, kind: 'alert.fired', detail: JSON.stringify({ ...alert, id: 'old' }) }, { t: 26, kind: 'alert.fired', detail: JSON.stringify({ ...alert, id: 'odd', fixTitles: ['one'] }) });
    const read = readDecisions(s.events, 0, 100);
    assert.deepEqual(read.alerts.map((e) => [e.alert.id, e.kind, e.alert.fixTitles]), [
      ['z', 'alert.fired', ['Ask python3 (PID 41) to reap its 1 zombie', '']],
      ['z', 'alert.resolved', undefined],
      ['old', 'alert.fired', undefined],
      ['odd', 'alert.fired', undefined],
    ]);
    const fired = read.alerts[0].alert;
    // Live proposals win (their figures are current); then the recorded title; then the id.
    assert.equal(fixesText(fired.fixIds, [], fired.fixTitles), 'Ask python3 (PID 41) to reap its 1 zombie; `fx-gone`');
    assert.equal(fixesText(fired.fixIds, [{ id: 'fx-a', title: 'Ask python3 (PID 41) to reap its 2 zombies' }] as FixProposal[], fired.fixTitles), 'Ask python3 (PID 41) to reap its 2 zombies; `fx-gone`');
    assert.equal(fixesText([], [], []), 'none');
  });

  it('finds the alerts the previous run left firing (since its engine.start)', () => {
    const ev = (t: number, kind: string, id: string) => ({ t, kind, detail: JSON.stringify({ id, rule: 'r', severity: 'warning', state: 'firing', title: id, culprit: null, since: t, resolvedAt: null, fixIds: [] }) });
    const events = [
      ev(1, 'alert.fired', 'from-an-older-run'),
      { t: 2, kind: 'engine.start', detail: null },
      ev(3, 'alert.fired', 'a'),
      ev(4, 'alert.fired', 'b'),
      ev(5, 'alert.resolved', 'b'),
      ev(6, 'alert.escalated', 'a'),
    ];
    assert.deepEqual(firingAtLastStop(events).map((a) => [a.id, a.state, a.since]), [['a', 'firing', 6]]);
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

  it('issue 13 #6 (projection drawn as two stubs): a continuous line is joined across any spacing', () => {
    const svg = renderLineChart({ ...opts, gaps: [], lines: [...opts.lines, { name: 'projection', t: [61000, 3_600_000], v: [5, 9], color: '#c00', dashed: true, continuous: true }] });
    const dashed = svg.match(/<polyline [^>]*stroke-dasharray="5 4" points="([^"]+)"/g) ?? [];
    assert.equal(dashed.length, 1, 'one dashed projection line');
    assert.equal(dashed[0].split(' points="')[1].trim().split(' ').length, 2, 'joining its two ends');
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
