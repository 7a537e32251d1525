/** The charts' value axis (round binary steps, room for limits and projections) and colour helpers. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { withAlpha } from '../../src/renderer/charts/colors.ts';
import { byteStep, byteTicks, yAxisTop } from '../../src/renderer/charts/y-axis.ts';

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

describe('byte axis', () => {
  test('steps are powers of two of a byte unit, at least the asked size', () => {
    assert.equal(byteStep(1), 1024);
    assert.equal(byteStep(300 * MiB), 512 * MiB);
    assert.equal(byteStep(GiB), GiB);
    assert.equal(byteStep(3 * GiB), 4 * GiB);
    assert.equal(byteStep(0), GiB, 'nothing to scale: 1 GB');
    assert.equal(byteStep(Number.NaN), GiB);
  });

  test('about five round ticks from 0, the top rounded up to a step', () => {
    // 16 GB of RAM: 16/5 = 3.2 GB → 4 GB steps, up to 16 GB.
    assert.deepEqual(byteTicks(16 * GiB), { max: 16 * GiB, ticks: [0, 4, 8, 12, 16].map((g) => g * GiB) });
    // 13 GB: 4 GB steps, top rounded up to 16 GB.
    assert.deepEqual(byteTicks(13 * GiB).max, 16 * GiB);
    const small = byteTicks(700 * MiB);
    assert.deepEqual(small.ticks, [0, 256, 512, 768].map((m) => m * MiB));
  });
});

describe('yAxisTop', () => {
  test('the highest of the RAM hint, limit lines and trend points', () => {
    assert.equal(yAxisTop(16 * GiB, [], []), 16 * GiB);
    assert.equal(yAxisTop(16 * GiB, [{ y: 20 * GiB }], []), 20 * GiB);
    assert.equal(yAxisTop(null, [], [{ points: [{ y: 1 }, { y: 30 * GiB }, { y: 2 }] }]), 30 * GiB);
  });
  test('undefined when nothing asks for room: the axis fits the data', () => {
    assert.equal(yAxisTop(null, [], []), undefined);
    assert.equal(yAxisTop(undefined, [{ y: 0 }], [{ points: [] }]), undefined);
  });
});

describe('withAlpha', () => {
  test('#rrggbb gets an alpha; anything else is left alone', () => {
    assert.equal(withAlpha('#3366cc', 0.5), 'rgba(51, 102, 204, 0.5)');
    assert.equal(withAlpha(' #FFFFFF ', 0.18), 'rgba(255, 255, 255, 0.18)');
    assert.equal(withAlpha('rgb(1, 2, 3)', 0.5), 'rgb(1, 2, 3)');
    assert.equal(withAlpha('#abc', 0.5), '#abc');
  });
});
