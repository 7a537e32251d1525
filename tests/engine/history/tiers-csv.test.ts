import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TRACE_HEADER, csvField, formatTraceCsv } from '../../../src/main/engine/history/csv.ts';
import { MINUTE_MS, QUARTER_MS, bucketStart, pickTier, retentionProblem } from '../../../src/main/engine/history/tiers.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

const H = 3_600_000;
const D = 24 * H;
const r = DEFAULT_SETTINGS.history;

describe('tiers', () => {
  test('the range start picks the tier, at the exact retention edges', () => {
    const now = 1_750_000_000_000;
    assert.equal(pickTier(now - H, now, r), 'raw');
    assert.equal(pickTier(now - 24 * H, now, r), 'raw');
    assert.equal(pickTier(now - 24 * H - 1, now, r), 'm1');
    assert.equal(pickTier(now - 14 * D, now, r), 'm1');
    assert.equal(pickTier(now - 14 * D - 1, now, r), 'm15');
    assert.equal(pickTier(now - 400 * D, now, r), 'm15');
    assert.equal(pickTier(now - 2 * H, now, { rawHours: 1, minuteDays: 1, quarterDays: 2 }), 'm1');
  });

  test('buckets start on whole minutes and quarters, also before 1970', () => {
    const t = Date.UTC(2025, 0, 1, 10, 14, 59, 999);
    assert.equal(bucketStart(t, MINUTE_MS), Date.UTC(2025, 0, 1, 10, 14));
    assert.equal(bucketStart(t, QUARTER_MS), Date.UTC(2025, 0, 1, 10, 0));
    assert.equal(bucketStart(t + 1, QUARTER_MS), Date.UTC(2025, 0, 1, 10, 15));
    assert.equal(bucketStart(-1, MINUTE_MS), -MINUTE_MS);
  });

  test('retention settings are checked with a clear reason', () => {
    assert.equal(retentionProblem(r), null);
    assert.match(retentionProblem({ rawHours: 0, minuteDays: 1, quarterDays: 1 }) ?? '', /rawHours must be a positive number/);
    assert.match(retentionProblem({ rawHours: 1, minuteDays: Number.NaN, quarterDays: 1 }) ?? '', /minuteDays/);
    assert.match(retentionProblem(null) ?? '', /object/);
  });
});

describe('trace csv', () => {
  test('t in seconds from the first row, whole numbers plain, empty limit when unknown', () => {
    const t0 = 1_750_000_000_000;
    const csv = formatTraceCsv('system.mem.used', [
      { t: t0, value: 5260980022, limit: 16106127360 },
      { t: t0 + 1500, value: 5263645543.5, limit: null },
      { t: t0 + 10_000, value: 0, limit: 0 },
    ]);
    assert.equal(
      csv,
      `${TRACE_HEADER}\n0,system.mem.used,5260980022,16106127360\n1.5,system.mem.used,5263645543.5,\n10,system.mem.used,0,0\n`,
    );
    assert.equal(formatTraceCsv('x', []), `${TRACE_HEADER}\n`);
  });

  test('names with commas or quotes are quoted', () => {
    assert.equal(csvField('process.group.a,b.rss'), '"process.group.a,b.rss"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('plain.name'), 'plain.name');
  });
});
