/** Small pure pieces of the issue-17 window: the RAM-ended byte axis, container colours by ETA, settings in human units, search, sparklines. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteTicksTo } from '../../src/renderer/charts/y-axis.ts';
import { matchesQuery } from '../../src/renderer/search.ts';
import { memoryLevel, stateText } from '../../src/renderer/views/container-figures.ts';
import { fromShown, labelFor, toShown } from '../../src/renderer/views/settings-fields.ts';
import { sparkPoints } from '../../src/renderer/views/spark-points.ts';

const GiB = 1024 ** 3;

test('byteTicksTo ends at RAM (23.5 GB), not at 32 GB, without a crowded step below it', () => {
  const ram = 23.5 * GiB;
  const ticks = byteTicksTo(ram);
  assert.equal(ticks[ticks.length - 1], ram);
  assert.deepEqual(ticks.slice(0, -1), [0, 8, 16].map((g) => g * GiB));
});

test('memoryLevel: a leak close to its limit is red at 71 %, a flat container keeps its level', () => {
  assert.equal(memoryLevel({ level: 'ok' }, { leaking: true, etaSeconds: 600 }), 'crit');
  assert.equal(memoryLevel({ level: 'ok' }, { leaking: true, etaSeconds: 3 * 3600 }), 'warn');
  assert.equal(memoryLevel({ level: 'warn' }, { leaking: false, etaSeconds: null }), 'warn');
  assert.equal(memoryLevel({ level: 'ok' }, { leaking: true, etaSeconds: 600, growthStopped: true }), 'ok');
  assert.equal(memoryLevel({ level: 'crit' }, { leaking: true, etaSeconds: 99 * 3600 }), 'crit');
});

test('container state text carries the exit code and the OOM kill', () => {
  assert.equal(stateText({ state: 'exited', exitCode: 137, oomKilled: true }), 'exited (137) · OOM-killed');
  assert.equal(stateText({ state: 'running', exitCode: null, oomKilled: false }), 'running');
});

test('settings in human units, stored in machine units', () => {
  assert.equal(toShown('alerts.unboundedContainerBytes', 2147483648), 2);
  assert.equal(fromShown('alerts.unboundedContainerBytes', 1.5, false), 1.5 * GiB);
  assert.equal(toShown('alerts.leakHorizonSeconds', 21600), 6);
  assert.equal(toShown('intervals.systemMs', 2000), 2);
  assert.equal(fromShown('intervals.systemMs', 0.25, true), 250);
  assert.equal(toShown('intervals.pressureFactor', 0.5), 50);
  assert.equal(toShown('alerts.memWarnPercent', 70), 70);
  assert.match(labelFor('intervals.systemMs'), /seconds/);
  assert.doesNotMatch(labelFor('intervals.pressureFactor'), /Factor/);
});

test('search: every word, case-insensitive, in any field', () => {
  assert.equal(matchesQuery('', ['x']), true);
  assert.equal(matchesQuery('Report gen', ['report-generator-x', 'sleep']), true);
  assert.equal(matchesQuery('report db', ['report-generator', null, 42]), false);
  assert.equal(matchesQuery('42', ['report', 42]), true);
});

test('sparkPoints scale to the limit when one is given', () => {
  assert.equal(sparkPoints([0, 50], 80, 20, 100), '0.0,19.0 80.0,10.0');
  assert.equal(sparkPoints([], 80, 20), '');
});
