import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createSystemCollector } from '../../../src/main/engine/collectors/system.ts';

describe('system collector on this machine', () => {
  it('computes used memory as MemTotal − MemAvailable, matching /proc/meminfo within 1%', () => {
    const c = createSystemCollector();
    c.init({ now: Date.now(), log: () => {} });
    const r = c.collect({ now: Date.now(), log: () => {} });
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]) * 1024;
    const expected = kb('MemTotal') - kb('MemAvailable');
    assert.ok(Math.abs(r.memory.usedBytes - expected) <= expected * 0.01, `${r.memory.usedBytes} vs ${expected}`);
    assert.equal(r.memory.totalBytes, kb('MemTotal'));
    assert.equal(r.load.length, 3);
    assert.ok(r.cpuPercent >= 0 && r.cpuPercent <= 100);
  });

  it('reads PSI memory pressure where the kernel has it', () => {
    const c = createSystemCollector();
    const r = c.collect({ now: Date.now(), log: () => {} });
    let hasPsi = true;
    try {
      readFileSync('/proc/pressure/memory');
    } catch {
      hasPsi = false;
    }
    assert.equal(r.pressure !== null, hasPsi);
  });

  it('fails with a clear error when /proc is not there', () => {
    const c = createSystemCollector('/nonexistent-proc');
    assert.throws(() => c.collect({ now: Date.now(), log: () => {} }), /cannot read \/nonexistent-proc\/meminfo/);
  });
});
