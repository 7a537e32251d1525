/**
 * The systeminformation fallback (macOS/Windows path), forced on Linux so it
 * runs for real here: same Snapshot shape, same grouping, real processes.
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createPlatform } from '../../../src/main/engine/platform/index.ts';
import { ProcessSwarm } from '../../helpers/procs.ts';

describe('systeminformation fallback platform', () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  it('produces memory and application groups like the /proc reader', async () => {
    const pids = await swarm.spawnNamed('claude', 4);
    const platform = createPlatform({ force: 'si' });
    assert.equal(platform.name, 'systeminformation');
    const engine = new Engine({ settings: () => DEFAULT_SETTINGS, log: () => {}, platform });
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    const usedNow = () => kb('MemTotal') - kb('MemAvailable');
    // systeminformation reads memory at some moment during ready() (seconds on a loaded machine, where other
    // test files move memory by hundreds of MB): compare with the range /proc/meminfo went through meanwhile.
    const seen = [usedNow()];
    const watch = setInterval(() => seen.push(usedNow()), 10);
    await engine.ready();
    const s = engine.sampleNow();
    clearInterval(watch);
    seen.push(usedNow());
    assert.equal(s.memory.totalBytes, kb('MemTotal'));
    const [lo, hi] = [Math.min(...seen), Math.max(...seen)];
    const slack = lo * 0.05 + 50e6;
    assert.ok(s.memory.usedBytes > lo - slack && s.memory.usedBytes < hi + slack, `used ${s.memory.usedBytes} vs ${lo}…${hi}`);
    const g = s.groups.find((x) => x.name === 'claude');
    assert.ok(g, `no claude group: ${s.groups.map((x) => x.name).join(', ')}`);
    for (const pid of pids) assert.ok(g.pids.includes(pid));
    assert.equal(s.pressure, null);
  });
});
