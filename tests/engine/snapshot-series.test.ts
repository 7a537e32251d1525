/**
 * What one Snapshot records in history (snapshot-series.ts): here, that a
 * container's restart count is recorded whether or not it has memory figures,
 * so the report's "restarts in period" and the window's count agree.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seriesFromSnapshot } from '../../src/main/engine/snapshot-series.ts';
import { container, snapshot } from './detect/snapshot-fixture.ts';

test('issue 13 #2 (report says 0 restarts): a restart-looping container with no memory stats still records its restarts', () => {
  const t = 1_750_000_000_000;
  const down = container('crashy', { state: 'restarting', restartCount: 27, recentRestarts: 10, memUsageBytes: null, memLimitBytes: null, memPercent: null, cpuPercent: null });
  const s = snapshot(t, 40, { containers: [down], sampledAt: { system: t, processes: t, containers: t } });
  const rows = seriesFromSnapshot(s, { topN: 5, withGroups: false });
  assert.deepEqual(rows.filter((r) => r.series.startsWith('container.crashy.')), [{ series: 'container.crashy.restarts', value: 27, limit: null }]);
});
