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
    await engine.ready();
    const s = engine.sampleNow();
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    assert.equal(s.memory.totalBytes, kb('MemTotal'));
    const used = kb('MemTotal') - kb('MemAvailable');
    assert.ok(Math.abs(s.memory.usedBytes - used) < used * 0.05 + 50e6, `used ${s.memory.usedBytes} vs ${used}`);
    const g = s.groups.find((x) => x.name === 'claude');
    assert.ok(g, `no claude group: ${s.groups.map((x) => x.name).join(', ')}`);
    for (const pid of pids) assert.ok(g.pids.includes(pid));
    assert.equal(s.pressure, null);
  });
});
