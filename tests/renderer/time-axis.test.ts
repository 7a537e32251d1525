/**
 * Local-time ticks for the time axes, checked in a fixed time zone with a
 * daylight-saving change (Europe/Paris, 2025-03-30: 02:00 → 03:00), so the
 * results do not depend on the machine's zone.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

// Before the module makes its formatters: Intl captures the zone when they are created.
process.env.TZ = 'Europe/Paris';
const { formatTick, localTicks, tickStep } = await import('../../src/renderer/charts/time-axis.ts');

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const local = (y: number, mo: number, d: number, h = 0, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();

describe('tickStep', () => {
  test('the smallest round step giving at most maxTicks ticks', () => {
    assert.equal(tickStep(0, 15 * MIN, 10), 2 * MIN);
    assert.equal(tickStep(0, HOUR, 12), 5 * MIN);
    assert.equal(tickStep(0, DAY, 12), 2 * HOUR);
    assert.equal(tickStep(0, 7 * DAY, 12), DAY);
    assert.equal(tickStep(0, 1000 * DAY, 5), 7 * DAY, 'the largest step when nothing fits');
    assert.equal(tickStep(5, 5, 10), 10_000, 'an empty span');
  });
});

describe('localTicks', () => {
  test('ticks are on round local times, inside the span', () => {
    const min = local(2025, 6, 10, 9, 7);
    const ticks = localTicks(min, min + 6 * HOUR, 8);
    assert.ok(ticks.length > 0 && ticks.length <= 8);
    for (const t of ticks) {
      assert.ok(t >= min && t <= min + 6 * HOUR);
      assert.equal(new Date(t).getMinutes(), 0);
    }
    assert.deepEqual(new Date(ticks[0]).getHours(), 10);
  });

  test('day steps fall on local midnights across a daylight-saving change (23-hour day)', () => {
    const min = local(2025, 3, 28, 12);
    const ticks = localTicks(min, min + 5 * DAY, 6);
    assert.deepEqual(
      ticks.map((t) => new Date(t).getDate()),
      [29, 30, 31, 1, 2],
    );
    for (const t of ticks) assert.equal(new Date(t).getHours(), 0);
    assert.equal(ticks[2] - ticks[1], 23 * HOUR, 'the 30th is 23 hours long');
  });

  test('an empty, inverted or non-finite span has no ticks', () => {
    assert.deepEqual(localTicks(10, 10, 5), []);
    assert.deepEqual(localTicks(20, 10, 5), []);
    assert.deepEqual(localTicks(Number.NaN, 10, 5), []);
    assert.deepEqual(localTicks(0, Number.POSITIVE_INFINITY, 5), []);
  });
});

describe('formatTick', () => {
  // Labels are in the user's locale ("14:05" or "02:05 PM"): compared with that locale's own formats.
  const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const hms = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });

  test('clock time, with seconds for sub-minute steps', () => {
    const t = local(2025, 6, 10, 14, 5);
    assert.equal(formatTick(t, 5 * MIN), hm.format(t));
    assert.equal(formatTick(t + 30_000, 10_000), hms.format(t + 30_000));
    assert.match(formatTick(t, 5 * MIN), /05/);
  });

  test('the day ("Tue 10") at midnight on hour steps and for day steps; midnight on a minute axis is a time', () => {
    const midnight = local(2025, 6, 10);
    assert.equal(formatTick(midnight, 2 * HOUR), `${weekday.format(midnight)} 10`);
    assert.equal(formatTick(midnight + 3 * HOUR, DAY), `${weekday.format(midnight)} 10`);
    assert.equal(formatTick(midnight, 5 * MIN), hm.format(midnight));
  });
});
