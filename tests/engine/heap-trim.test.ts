/**
 * The heap trimmer: V8's full collection is reachable without --expose-gc,
 * really collects, leaves no global `gc` behind, and runs on its timer.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEAP_TRIM_INTERVAL_MS, HeapTrimmer, fullGcFunction, heapTrimIntervalFromEnv } from '../../src/main/engine/heap-trim.ts';

describe('heap trimmer', () => {
  it('gets V8’s full collection without --expose-gc, and it frees unreachable objects', () => {
    assert.equal(process.execArgv.includes('--expose-gc'), false, 'this test runs without the flag');
    const gc = fullGcFunction();
    assert.equal(typeof gc, 'function');
    assert.equal((globalThis as { gc?: unknown }).gc, undefined, 'nothing is added to the global object');
    // A WeakRef's target is cleared only by a real collection once nothing else holds it.
    let junk: object | null = { payload: new Array(100_000).fill(1) };
    const ref = new WeakRef(junk);
    junk = null;
    return new Promise<void>((resolve) => {
      // WeakRef targets are kept alive until the end of the current job.
      setImmediate(() => {
        gc!();
        assert.equal(ref.deref(), undefined, 'the object was collected');
        resolve();
      });
    });
  });

  it('runs on its interval while started, and not after stop', async () => {
    const t = new HeapTrimmer(50);
    assert.equal(t.start(), true);
    // Runs again and again on its own (waited for: on a loaded machine the timer fires late, not never).
    const end = Date.now() + 30_000;
    while (t.runs < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    t.stop();
    const runs = t.runs;
    assert.ok(runs >= 2, `ran ${runs} times at a 50 ms interval`);
    // Four intervals after stop(): none of them runs.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(t.runs, runs, 'stopped');
  });

  it('HEADROOM_HEAP_TRIM_MS: 0 turns it off, ≥ 1000 ms sets the interval, anything else is the default', () => {
    assert.equal(heapTrimIntervalFromEnv({}), HEAP_TRIM_INTERVAL_MS);
    assert.equal(heapTrimIntervalFromEnv({ HEADROOM_HEAP_TRIM_MS: '0' }), 0);
    assert.equal(heapTrimIntervalFromEnv({ HEADROOM_HEAP_TRIM_MS: ' 5000 ' }), 5000);
    for (const bad of ['', '999', '-1', '1e4', 'off', '60s']) assert.equal(heapTrimIntervalFromEnv({ HEADROOM_HEAP_TRIM_MS: bad }), HEAP_TRIM_INTERVAL_MS, bad);
    const off = new HeapTrimmer(0);
    assert.equal(off.start(), false);
    off.stop();
    assert.equal(off.runs, 0);
  });
});
