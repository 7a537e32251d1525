/** The pieces of `headroom watch`'s terminal view: fitting coloured lines, drawing only what changed, the top fix. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fit, painter, visibleLength } from '../../src/cli/tui/ansi.ts';
import { Screen } from '../../src/cli/tui/screen.ts';
import { topFix } from '../../src/cli/tui/watch-view.ts';
import { alert, fix } from '../engine/tray/fixtures.ts';

describe('watch view pieces', () => {
  const paint = painter(true);

  it('fits a coloured line to the width without counting colour codes, and resets a cut colour', () => {
    const line = `${paint('red', 'critical')}: ${'x'.repeat(100)}`;
    assert.equal(visibleLength(line), 110);
    const cut = fit(line, 20);
    assert.equal(visibleLength(cut), 20);
    assert.ok(cut.endsWith('…'));
    assert.equal(fit(`${paint('red', 'y'.repeat(30))}`, 10).endsWith('…\x1b[0m'), true, 'a cut inside a colour ends with a reset');
    assert.equal(fit('short', 20), 'short');
  });

  it('draws only the rows that changed, and everything again after a resize', () => {
    const writes: string[] = [];
    const screen = new Screen((s) => writes.push(s));
    assert.equal(screen.draw(['a', 'b', 'c'], 40, 10), 3);
    assert.equal(screen.draw(['a', 'B', 'c'], 40, 10), 1);
    assert.match(writes.at(-1) as string, /^\x1b\[2;1HB\x1b\[K$/);
    assert.equal(screen.draw(['a', 'B', 'c'], 40, 10), 0, 'nothing changed, nothing written');
    assert.equal(writes.length, 2);
    assert.equal(screen.draw(['a'], 40, 10), 2, 'rows that went away are cleared');
    assert.equal(screen.draw(['a'], 30, 10), 1, 'a resize redraws');
  });

  it('offers the top fix of the worst firing alert', () => {
    const warn = alert({ id: 'w', title: 'w', severity: 'warning', fixIds: ['fw'] });
    const crit = alert({ id: 'c', title: 'c', severity: 'critical', fixIds: ['missing', 'fc'] });
    const fixes = [fix({ id: 'fw', title: 'warning fix' }), fix({ id: 'fc', title: 'critical fix' })];
    assert.equal(topFix([warn, crit], fixes)?.fix.id, 'fc');
    assert.equal(topFix([warn, { ...crit, state: 'resolved' }], fixes)?.fix.id, 'fw');
    assert.equal(topFix([], fixes), null);
  });
});
