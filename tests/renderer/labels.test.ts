/** The words of the window's frame, and moments in local time. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { alertsLinkText, overheadText, statusText } from '../../src/renderer/labels.ts';

process.env.TZ = 'Europe/Paris';
const { formatWhen, sameLocalDay } = await import('../../src/renderer/when.ts');

describe('frame labels', () => {
  test('connection status per transport', () => {
    assert.equal(statusText('open', 'web'), 'live · web');
    assert.equal(statusText('open', 'ipc'), 'live');
    assert.equal(statusText('connecting', 'web'), 'connecting…');
    assert.equal(statusText('closed', 'web'), 'disconnected — retrying');
  });
  test('the Alerts link counts firing alerts only', () => {
    assert.equal(alertsLinkText([]), 'Alerts & fixes');
    assert.equal(alertsLinkText([{ state: 'firing' }, { state: 'resolved' }, { state: 'firing' }]), 'Alerts & fixes (2)');
    assert.equal(alertsLinkText([{ state: 'resolved' }]), 'Alerts & fixes');
  });
  test("Headroom's own CPU and memory", () => {
    assert.equal(overheadText({ self: { cpuPercent: 1.234, rssBytes: 85 * 1024 ** 2 } as never }), 'Headroom: 1.2% CPU · 85.0 MB');
  });
});

describe('formatWhen', () => {
  const local = (d: number, h: number, m = 0) => new Date(2025, 5, d, h, m).getTime(); // June 2025
  const hm = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
  const dayMonth = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });

  test('today: the time; earlier this week: weekday and time; before: date and time', () => {
    const now = local(10, 9);
    assert.equal(formatWhen(local(10, 0, 5), now), hm.format(local(10, 0, 5)));
    assert.equal(formatWhen(local(9, 23, 50), now), `${weekday.format(local(9, 23, 50))} ${hm.format(local(9, 23, 50))}`, 'yesterday, though less than a day ago');
    assert.equal(formatWhen(local(5, 12), now), `${weekday.format(local(5, 12))} ${hm.format(local(5, 12))}`);
    assert.equal(formatWhen(local(1, 12), now), `${dayMonth.format(local(1, 12))} ${hm.format(local(1, 12))}`);
    assert.equal(formatWhen(local(10, 20), now), hm.format(local(10, 20)), 'later today (a zoomed window’s end)');
  });

  test('same local day, across the year and month', () => {
    assert.equal(sameLocalDay(local(10, 0), local(10, 23, 59)), true);
    assert.equal(sameLocalDay(local(10, 0), local(9, 23, 59)), false);
    assert.equal(sameLocalDay(new Date(2024, 5, 10).getTime(), local(10, 1)), false);
  });
});
