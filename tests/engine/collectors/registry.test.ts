/**
 * The collector registry (collectors/registry.ts) is the one place collectors
 * and their series are named: the engine runs every entry's lifecycle, every
 * part of the Snapshot comes from an entry, and every series history records
 * or the detector watches is one an entry declared.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COLLECTORS } from '../../../src/main/engine/collectors/registry.ts';
import { Engine, type ContainerSource } from '../../../src/main/engine/engine.ts';
import { collectSeries, isKnownSeriesName, SYSTEM_SERIES } from '../../../src/main/engine/snapshot-series.ts';
import { dockerDisabled } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { container, group, GB, snapshot } from '../detect/snapshot-fixture.ts';

describe('collector registry', () => {
  it('lists each collector once, and declares each series name once', () => {
    const ids = COLLECTORS.map((e) => e.id);
    assert.deepEqual([...new Set(ids)], ids);
    assert.deepEqual(ids.sort(), ['docker', 'fds', 'processes', 'self', 'system']);
    const names = COLLECTORS.flatMap((e) => e.series?.names ?? []);
    assert.deepEqual([...new Set(names)], names);
    assert.equal(SYSTEM_SERIES[0], 'system.mem.used');
  });

  it('the engine runs init, collect and dispose of every entry, and the Snapshot is whole', async () => {
    const calls: string[] = [];
    const source: ContainerSource = {
      state: () => dockerDisabled('test'),
      containers: () => [],
      sampledAt: () => null,
      start: () => void calls.push('docker.start'),
      stop: () => void calls.push('docker.stop'),
    };
    const engine = new Engine({ settings: () => DEFAULT_SETTINGS, log: () => {}, containers: source });
    engine.start();
    const snap = await new Promise<NonNullable<ReturnType<Engine['latest']>>>((resolve) => engine.once('snapshot', resolve));
    await engine.stop();
    assert.deepEqual(calls, ['docker.start', 'docker.stop']);
    for (const key of ['memory', 'load', 'cpuPercent', 'pressure', 'swapInPerSec', 'processCount', 'threadCount', 'groups', 'zombies', 'orphans', 'self', 'containers', 'docker', 'sampledAt'] as const) {
      assert.notEqual(snap[key], undefined, `${key} is missing from the Snapshot`);
    }
    assert.ok(snap.processCount > 0 && snap.memory.totalBytes > 0 && snap.self.rssBytes > 0);
    assert.equal(snap.sampledAt.system, snap.t);
  });

  it('every series history records or the detector watches is a declared name', () => {
    const t = 1_750_000_000_000;
    const s = snapshot(t, 50, {
      groups: [group('big', { rssBytes: 2 * GB }), group('small', { rssBytes: 1024 })],
      containers: [container('db'), container('crashy', { memUsageBytes: null, cpuPercent: null })],
      sampledAt: { system: t, processes: t, containers: t },
    });
    const { recorded, watched } = collectSeries(s, { topN: 15, fresh: { processes: true, containers: true } });
    for (const x of [...recorded, ...watched]) assert.ok(isKnownSeriesName(x.series), `${x.series} is not declared`);
    assert.ok(recorded.some((x) => x.series === 'process.group.small.rss'), 'a top-N group is recorded');
    assert.ok(!watched.some((x) => x.series === 'process.group.small.rss'), 'a group under the watch floor is not watched');
    assert.deepEqual(watched.map((x) => x.series).sort(), ['container.db.mem', 'process.group.big.fds', 'process.group.big.rss', 'process.group.big.threads', 'system.mem.used', 'system.swap.used']);
    assert.equal(isKnownSeriesName('process.group.x\u0007.rss'), false);
    assert.equal(isKnownSeriesName('container.db.disk'), false);
  });
});
