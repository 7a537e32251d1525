import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WriteQueue } from '../../../src/main/engine/history/write-queue.ts';

describe('WriteQueue', () => {
  test('keeps batches in order and copies them', () => {
    const q = new WriteQueue(100);
    const samples = [{ series: 'a', value: 1, limit: null }];
    assert.equal(q.pushBatch(1000, samples), 0);
    samples[0].value = 99; // the caller reuses its array
    q.pushBatch(2000, [{ series: 'a', value: 2, limit: 5 }]);
    assert.deepEqual(
      q.batches.map((b) => [b.t, b.samples[0].value]),
      [
        [1000, 1],
        [2000, 2],
      ],
    );
    assert.equal(q.samples, 2);
    assert.equal(q.pushBatch(3000, []), 0);
    assert.equal(q.batches.length, 2, 'empty batches are not queued');
  });

  test('drops the oldest batches past the cap and says how many', () => {
    const q = new WriteQueue(5);
    const batch = (n: number) => Array.from({ length: n }, (_, i) => ({ series: `s${i}`, value: i, limit: null }));
    q.pushBatch(1, batch(2));
    q.pushBatch(2, batch(2));
    assert.equal(q.pushBatch(3, batch(2)), 2);
    assert.deepEqual(
      q.batches.map((b) => b.t),
      [2, 3],
    );
    assert.equal(q.samples, 4);
    assert.equal(q.pushBatch(4, batch(9)), 4, 'an oversized newest batch is kept whole');
    assert.deepEqual(
      q.batches.map((b) => b.t),
      [4],
    );
  });

  test('events are bounded too, and clear() empties everything', () => {
    const q = new WriteQueue(10, 2);
    assert.equal(q.pushEvent({ t: 1, kind: 'a', detail: null }), 0);
    q.pushEvent({ t: 2, kind: 'b', detail: null });
    assert.equal(q.pushEvent({ t: 3, kind: 'c', detail: null }), 1);
    assert.deepEqual(
      q.events.map((e) => e.kind),
      ['b', 'c'],
    );
    q.pushBatch(1, [{ series: 'x', value: 1, limit: null }]);
    assert.equal(q.empty, false);
    q.clear();
    assert.equal(q.empty, true);
    assert.equal(q.samples, 0);
  });
});
