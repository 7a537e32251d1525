/**
 * LeakDetector behaviour on constructed series: segments (gaps, clock jumps,
 * restarts), the end of a leak, bounded state, settings-shortened windows.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LeakDetector, type LeakEvent } from '../../../src/main/engine/detect/leak-detector.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { prng } from './synthetic.ts';

const MB = 1024 * 1024;
const GB = 1024 * MB;

/** Gaussian noise from a seeded PRNG. */
function noise(seed: number): (sd: number) => number {
  const r = prng(seed);
  return (sd) => sd * Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r());
}

function feed(det: LeakDetector, series: string, samples: Iterable<[number, number]>, limit: number | null = 16 * GB): LeakEvent[] {
  const out: LeakEvent[] = [];
  for (const [t, v] of samples) out.push(...det.push(series, t, v, limit));
  return out;
}

function* flat(from: number, to: number, dt: number, level: number, n: (sd: number) => number, sd = 5 * MB): Generator<[number, number]> {
  for (let t = from; t < to; t += dt) yield [t, level + n(sd)];
}

function* linear(from: number, to: number, dt: number, level: number, perHour: number, n: (sd: number) => number, sd = 5 * MB): Generator<[number, number]> {
  for (let t = from; t < to; t += dt) yield [t, level + ((t - from) * perHour) / 3600 + n(sd)];
}

const starts = (ev: LeakEvent[]) => ev.filter((e) => e.event === 'leak.start');

describe('LeakDetector', () => {
  it('reports a 50 MB/min leak within 3 minutes when the windows are shortened through settings, and not a sawtooth', () => {
    const short: Settings['detector'] = { minSpanSeconds: 30, slowSpanSeconds: 300, maxWindowSeconds: 1800, minSamples: 10 };
    const det = new LeakDetector(short);
    const n = noise(1);
    const leak = feed(det, 'process.group.leaky.rss', linear(0, 600, 5, 50 * MB, 50 * MB * 60, n, 2 * MB), 8 * GB);
    const first = starts(leak)[0];
    assert.ok(first, 'the leak was not reported');
    assert.ok(first.t <= 180, `reported after ${first.t} s`);
    assert.ok(Math.abs((first.slope_per_hour as number) / (3000 * MB) - 1) < 0.25, `slope ${first.slope_per_hour}`);

    const saw: [number, number][] = [];
    for (let t = 0; t < 600; t += 5) saw.push([t, 80 * MB + ((t % 40) / 40) * 60 * MB + n(2 * MB)]);
    assert.deepEqual(starts(feed(det, 'process.group.control.rss', saw, 8 * GB)), []);
  });

  it('invents no slope across a sampling gap, even when the level moved during it', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(2);
    const ev = [
      ...feed(det, 'system.mem.used', flat(0, 3600, 5, 2 * GB, n)),
      // Three hours of nothing (a laptop asleep), then a higher level.
      ...feed(det, 'system.mem.used', flat(3600 + 3 * 3600, 3600 + 5 * 3600, 5, 3 * GB, n)),
    ];
    assert.deepEqual(starts(ev), []);
    const trend = det.trend('system.mem.used');
    assert.ok(trend);
    assert.ok(trend.segmentStart >= 3600 + 3 * 3600, `segment started at ${trend.segmentStart}, before the gap ended`);
    assert.ok(Math.abs(trend.slopePerHour) < 50 * MB, `slope ${trend.slopePerHour} B/h after a gap`);
  });

  it('starts a new segment when the clock goes backwards, and invents no slope', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(3);
    const ev = [
      ...feed(det, 'system.mem.used', flat(10_000, 13_600, 5, 2 * GB, n)),
      ...feed(det, 'system.mem.used', flat(5_000, 12_200, 5, 2.5 * GB, n)),
    ];
    assert.deepEqual(starts(ev), []);
    const trend = det.trend('system.mem.used');
    assert.ok(trend && trend.segmentStart < 6000, `segment start ${trend?.segmentStart}`);
    assert.ok(Math.abs(trend.slopePerHour) < 50 * MB);
  });

  it('a restart (deep drop) ends a reported leak at once; a flat stretch ends it by hysteresis', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(4);
    const ev = feed(det, 'process.group.py.rss', linear(0, 5400, 10, 400 * MB, 1 * GB, n));
    assert.equal(starts(ev).length, 1);
    const reset = feed(det, 'process.group.py.rss', flat(5400, 7200, 10, 400 * MB, n));
    const end = reset.find((e) => e.event === 'leak.end');
    assert.ok(end, 'no leak.end after the drop');
    assert.equal(end.reason, 'reset');
    assert.ok(end.t - 5400 <= 120, `leak.end ${end.t - 5400} s after the drop`);
    assert.equal(det.isLeaking('process.group.py.rss'), false);

    // A leak that simply stops growing ends too, later (it must be clearly over).
    const det2 = new LeakDetector(DEFAULT_SETTINGS.detector);
    const grow = feed(det2, 'system.mem.used', linear(0, 3600, 10, 4 * GB, 2 * GB, n));
    assert.equal(starts(grow).length, 1);
    const stop = feed(det2, 'system.mem.used', flat(3600, 3 * 3600, 10, 6 * GB, n));
    const flatEnd = stop.find((e) => e.event === 'leak.end');
    assert.ok(flatEnd && flatEnd.reason === 'flat', JSON.stringify(stop));
    assert.ok(flatEnd.t - 3600 < 3600, `ended ${flatEnd.t - 3600} s after growth stopped`);
  });

  it('newSegment (an announced restart) ends the leak and forgets the high-water mark', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(5);
    assert.equal(starts(feed(det, 'container.api.mem', linear(0, 3600, 15, 500 * MB, 1.5 * GB, n), 4 * GB)).length, 1);
    const ended = det.newSegment('container.api.mem', 3600);
    assert.deepEqual(ended.map((e) => [e.event, e.reason]), [['leak.end', 'segment']]);
    // The same growth again from the bottom is reported again: the old high is forgotten.
    const again = feed(det, 'container.api.mem', linear(3615, 3615 + 3600, 15, 500 * MB, 1.5 * GB, n), 4 * GB);
    assert.equal(starts(again).length, 1);
  });

  it('does not report memory climbing back to where it was before a dip', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(6);
    const ev = [
      ...feed(det, 'system.mem.used', flat(0, 4 * 3600, 30, 28 * GB, n, 100 * MB), 32 * GB),
      // A job ends: 6 GB freed, then the machine fills back up over two hours.
      ...feed(det, 'system.mem.used', linear(4 * 3600, 6 * 3600, 30, 22 * GB, 3 * GB, n, 100 * MB), 32 * GB),
      ...feed(det, 'system.mem.used', flat(6 * 3600, 8 * 3600, 30, 28 * GB, n, 100 * MB), 32 * GB),
    ];
    assert.deepEqual(starts(ev), []);
  });

  it('keeps its state bounded: days of samples fit the fixed ring', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(7);
    feed(det, 'system.mem.used', flat(0, 3 * 86400, 2, 4 * GB, n));
    const s = det.storage('system.mem.used');
    assert.ok(s);
    assert.equal(s.capacity, Math.ceil(DEFAULT_SETTINGS.detector.maxWindowSeconds / s.bucketSeconds) + 2);
    assert.ok(s.buckets <= s.capacity, `${s.buckets} buckets for a capacity of ${s.capacity}`);
  });

  it('reports an fd leak in integer counts, with no limit, and not a flat count', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const r = prng(8);
    const fds: [number, number][] = [];
    const flatFds: [number, number][] = [];
    for (let t = 0; t < 3 * 3600; t += 30) {
      fds.push([t, Math.round(120 + (t / 3600) * 80 + (r() - 0.5) * 4)]);
      flatFds.push([t, 120 + Math.round((r() - 0.5) * 4)]);
    }
    const ev = feed(det, 'process.group.mcp.fds', fds, null);
    assert.equal(starts(ev).length, 1);
    assert.equal(starts(ev)[0].eta_s, null);
    assert.ok(Math.abs((starts(ev)[0].slope_per_hour as number) / 80 - 1) < 0.25);
    assert.deepEqual(starts(feed(det, 'process.group.other.fds', flatFds, null)), []);
  });

  it('ignores non-finite samples and forgets a vanished series with a leak.end', () => {
    const det = new LeakDetector(DEFAULT_SETTINGS.detector);
    const n = noise(9);
    assert.deepEqual(det.push('x.rss', NaN, 1, null), []);
    assert.deepEqual(det.push('x.rss', 1, Infinity, null), []);
    assert.equal(starts(feed(det, 'x.rss', linear(0, 3600, 10, 300 * MB, 1 * GB, n), 16 * GB)).length, 1);
    assert.deepEqual(det.forget('x.rss', 3600).map((e) => [e.event, e.reason]), [['leak.end', 'forget']]);
    assert.equal(det.trend('x.rss'), null);
    assert.ok(!det.seriesNames().includes('x.rss'));
  });
});
