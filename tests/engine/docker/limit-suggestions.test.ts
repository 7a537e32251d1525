/**
 * The numbers a limit fix proposes, and the engine messages it explains.
 * Pure functions; the engine-side behaviour is in container-fixes.test.ts.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  dockerSize,
  explainEngineError,
  niceMemoryDown,
  niceMemoryUp,
  suggestFirstLimit,
  suggestRaisedLimit,
  swapForNewLimit,
} from '../../../src/main/engine/remedies/container-fixes.ts';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

test('nice sizes: 2^k and 1.5×2^k MiB', () => {
  assert.equal(niceMemoryUp(491 * MiB), 512 * MiB);
  assert.equal(niceMemoryUp(513 * MiB), 768 * MiB);
  assert.equal(niceMemoryUp(1.2 * GiB), 1.5 * GiB);
  assert.equal(niceMemoryUp(64 * MiB), 64 * MiB);
  assert.equal(niceMemoryDown(0.75 * 24 * GiB), 16 * GiB);
  assert.equal(niceMemoryDown(100 * MiB), 96 * MiB);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 45 }), (b) => {
      const up = niceMemoryUp(b);
      assert.ok(up >= b && up < Math.max(b * 1.5 + 1, 16 * MiB + 1));
      const down = niceMemoryDown(b);
      assert.ok(down <= Math.max(b, 16 * MiB));
    }),
  );
});

test('docker CLI sizes', () => {
  assert.equal(dockerSize(768 * MiB), '768m');
  assert.equal(dockerSize(2 * GiB), '2g');
  assert.equal(dockerSize(1.5 * GiB), '1536m');
  assert.equal(dockerSize(-1), '-1');
  assert.equal(dockerSize(1000), '1000');
});

test('raise: Neo4j at 491 MB of 512 MB → 768 MB, 1.5× its usage', () => {
  const s = suggestRaisedLimit({ usageBytes: 491 * MiB, limitBytes: 512 * MiB, oomKilled: false, hostTotalBytes: 16 * GiB });
  assert.equal(s?.limitBytes, 768 * MiB);
  assert.match(s!.why, /1\.5× its current usage/);
});

test('raise after an OOM kill doubles the limit; never above the machine; null when no raise fits', () => {
  const oom = suggestRaisedLimit({ usageBytes: 10 * MiB, limitBytes: 512 * MiB, oomKilled: true, hostTotalBytes: 16 * GiB });
  assert.equal(oom?.limitBytes, 1 * GiB);
  assert.match(oom!.why, /OOM-killed/);
  const capped = suggestRaisedLimit({ usageBytes: 10 * GiB, limitBytes: 10.5 * GiB, oomKilled: false, hostTotalBytes: 16 * GiB });
  assert.equal(capped?.limitBytes, 12 * GiB);
  assert.match(capped!.why, /kept under/);
  assert.equal(suggestRaisedLimit({ usageBytes: 15 * GiB, limitBytes: 15 * GiB, oomKilled: false, hostTotalBytes: 16 * GiB }), null);
  fc.assert(
    fc.property(fc.integer({ min: 16, max: 64 * 1024 }), fc.integer({ min: 0, max: 200 }), fc.boolean(), (limitMiB, pct, oom) => {
      const limit = limitMiB * MiB;
      const s = suggestRaisedLimit({ usageBytes: (limit * pct) / 100, limitBytes: limit, oomKilled: oom, hostTotalBytes: 32 * GiB });
      if (s) assert.ok(s.limitBytes > limit && s.limitBytes <= 32 * GiB * 0.9);
    }),
  );
});

test('first limit for an unbounded container: 1.5× usage, at least 256 MiB, at most ¾ of RAM, null without headroom', () => {
  assert.equal(suggestFirstLimit({ usageBytes: 2.1 * GiB, hostTotalBytes: 32 * GiB })?.limitBytes, 4 * GiB);
  assert.equal(suggestFirstLimit({ usageBytes: 20 * MiB, hostTotalBytes: 32 * GiB })?.limitBytes, 256 * MiB);
  // MetaMCP at 77.89 GB on a 96 GB machine: the cap (64 GiB) is below its usage — a limit would only kill it.
  assert.equal(suggestFirstLimit({ usageBytes: 77.89 * GiB, hostTotalBytes: 96 * GiB }), null);
});

test('swap goes with the memory limit: unlimited stays unlimited, a ratio is kept, none → 2×', () => {
  assert.equal(swapForNewLimit(128 * MiB, 64 * MiB, 128 * MiB), 256 * MiB);
  assert.equal(swapForNewLimit(768 * MiB, 512 * MiB, 512 * MiB), 768 * MiB);
  assert.equal(swapForNewLimit(1 * GiB, 512 * MiB, -1), -1);
  assert.equal(swapForNewLimit(256 * MiB, 0, 0), 512 * MiB);
});

test('engine refusals are explained (messages as this engine words them)', () => {
  const err = (statusCode: number, message: string) => Object.assign(new Error(message), { statusCode, json: { message } });
  const below = explainEngineError(
    err(500, 'Cannot update container 3f: runc did not terminate successfully: exit status 1: unable to set memory limit to 16777216 (current usage: 42573824, peak usage: 84639744)\n: unknown'),
  );
  assert.match(below, /below what the container uses now \(40\.6 MB\)/);
  assert.match(below, /cgroup v1/);
  const swap = explainEngineError(err(500, 'Cannot update container 73: Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time'));
  assert.match(swap, /memory\+swap limit must be raised together/);
  assert.match(explainEngineError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), /not running/);
});
