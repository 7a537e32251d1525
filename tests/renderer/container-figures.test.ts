/** The Containers view's figures: memory against the limit, and Docker's state in words. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dockerStateText, memoryFigures, memoryText } from '../../src/renderer/views/container-figures.ts';

const MiB = 1024 ** 2;

describe('memoryFigures', () => {
  test('MB and % of the limit, with the bar level', () => {
    const f = memoryFigures({ memUsageBytes: 512 * MiB, memLimitBytes: 1024 * MiB, memPercent: null });
    assert.deepEqual(f, { used: '512 MB', limit: '1024 MB', percent: 50, level: 'ok' });
    assert.equal(memoryText(f!), '512 MB / 1024 MB · 50%');
    assert.equal(memoryFigures({ memUsageBytes: 780 * MiB, memLimitBytes: 1024 * MiB, memPercent: null })?.level, 'warn');
    assert.equal(memoryFigures({ memUsageBytes: 950 * MiB, memLimitBytes: 1024 * MiB, memPercent: null })?.level, 'crit');
  });

  test('Docker’s own percentage wins when it gave one (it leaves out the page cache)', () => {
    assert.equal(memoryFigures({ memUsageBytes: 950 * MiB, memLimitBytes: 1024 * MiB, memPercent: 60 })?.percent, 60);
  });

  test('no limit (or a zero one): MB only, and no percentage to divide by zero', () => {
    const f = memoryFigures({ memUsageBytes: 300 * MiB, memLimitBytes: null, memPercent: null });
    assert.deepEqual(f, { used: '300 MB', limit: null, percent: null, level: 'ok' });
    assert.equal(memoryText(f!), '300 MB');
    assert.equal(memoryFigures({ memUsageBytes: 300 * MiB, memLimitBytes: 0, memPercent: null })?.percent, null);
  });

  test('not measured yet: nothing', () => {
    assert.equal(memoryFigures({ memUsageBytes: null, memLimitBytes: 1024, memPercent: null }), null);
  });
});

describe('dockerStateText', () => {
  test('a sentence per state, with the engine’s reason unless it repeats the state', () => {
    assert.equal(dockerStateText({ status: 'ok', message: 'ignored' }), 'Docker is running.');
    assert.equal(dockerStateText({ status: 'not-running', message: 'connect ENOENT /var/run/docker.sock' }), 'Docker is not running. Start it to see your containers here. (connect ENOENT /var/run/docker.sock)');
    assert.equal(dockerStateText({ status: 'not-installed', message: 'not installed' }), 'Docker is not installed on this machine.');
    assert.equal(dockerStateText({ status: 'disabled', message: null }), 'Docker monitoring is off.');
  });
});
