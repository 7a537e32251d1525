/** The window's routes: which view a location hash opens, and its parameter. */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VIEW_IDS, parseRoute } from '../../src/renderer/routes.ts';

describe('parseRoute', () => {
  test('each view by its hash, the overview by default', () => {
    for (const id of VIEW_IDS) assert.deepEqual(parseRoute(`#/${id}`), { view: id, param: null });
    assert.deepEqual(parseRoute(''), { view: 'overview', param: null });
    assert.deepEqual(parseRoute('#'), { view: 'overview', param: null });
    assert.deepEqual(parseRoute('#/'), { view: 'overview', param: null });
    assert.deepEqual(parseRoute('#/nope'), { view: 'overview', param: null });
    assert.deepEqual(parseRoute('#/Overview'), { view: 'overview', param: null }, 'case matters: an unknown view');
  });

  test('the rest of the route is the decoded parameter (alert ids from the tray)', () => {
    assert.deepEqual(parseRoute('#/alerts/mem-crit'), { view: 'alerts', param: 'mem-crit' });
    assert.deepEqual(parseRoute('#/alerts/group%3Aclaude%20%C3%9716'), { view: 'alerts', param: 'group:claude ×16' });
    assert.deepEqual(parseRoute('#/alerts/a/b'), { view: 'alerts', param: 'a/b' });
    assert.deepEqual(parseRoute('#/alerts/'), { view: 'alerts', param: null });
  });

  test('a malformed escape is kept as typed instead of breaking the page', () => {
    assert.deepEqual(parseRoute('#/alerts/100%'), { view: 'alerts', param: '100%' });
  });

  test('an unknown view opens the overview without a parameter meant for another view', () => {
    assert.deepEqual(parseRoute('#/nope/x'), { view: 'overview', param: null });
  });
});
