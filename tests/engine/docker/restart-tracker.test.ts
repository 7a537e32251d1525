import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RestartTracker } from '../../../src/main/engine/collectors/docker/restart-tracker.ts';

const MIN = 60_000;
const WINDOW = 10 * MIN;

test('restarts are counted within the window only', () => {
  const t = new RestartTracker();
  const created = 0; // long ago
  const base = 100 * MIN;
  assert.equal(t.observe('a', 76, created, base, WINDOW), 0, 'first sight of an old container: its 76 restarts are not recent');
  assert.equal(t.observe('a', 78, created, base + 2 * MIN, WINDOW), 2);
  assert.equal(t.observe('a', 80, created, base + 9 * MIN, WINDOW), 4);
  // 13 min in, the window starts at +3 min: the baseline is the newest reading before it (78 at +2 min).
  assert.equal(t.observe('a', 81, created, base + 13 * MIN, WINDOW), 3);
  // Quiet for a whole window: nothing recent.
  assert.equal(t.observe('a', 81, created, base + 30 * MIN, WINDOW), 0);
});

test('a container created inside the window counts all its restarts as recent', () => {
  const t = new RestartTracker();
  const now = 50 * MIN;
  assert.equal(t.observe('b', 5, now - 30_000, now, WINDOW), 5);
});

test('a manual restart resets RestartCount: the history starts again', () => {
  const t = new RestartTracker();
  const base = 100 * MIN;
  t.observe('c', 10, 0, base, WINDOW);
  assert.equal(t.observe('c', 12, 0, base + MIN, WINDOW), 2);
  assert.equal(t.observe('c', 1, 0, base + 2 * MIN, WINDOW), 0);
  assert.equal(t.observe('c', 3, 0, base + 3 * MIN, WINDOW), 2);
});

test('containers that are gone are forgotten', () => {
  const t = new RestartTracker();
  t.observe('x', 4, 0, 100 * MIN, WINDOW);
  t.retain(new Set(['y']));
  // Seen afresh: no history, old container → 0.
  assert.equal(t.observe('x', 9, 0, 101 * MIN, WINDOW), 0);
});
