/**
 * Memory and CPU figures, computed as `docker stats` does, on stats replies of
 * both cgroup versions: v1 replies captured from this machine's engine, and a
 * v2 reply in the shape moby emits on cgroup v2 hosts (see fixtures/README.md).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ApiContainerStats } from '../../../src/main/engine/collectors/docker/client.ts';
import { cgroupVersionOf, cpuPercent, figuresFromStats, memLimitBytes, memUsageBytes } from '../../../src/main/engine/collectors/docker/stats-math.ts';

const fixture = (name: string): ApiContainerStats => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as ApiContainerStats;
const MiB = 1024 * 1024;

test('cgroup v1: usage minus total_inactive_file (captured from this engine, 24 MiB of written-once file cache)', () => {
  const s = fixture('stats-cgroup-v1.json');
  assert.equal(cgroupVersionOf(s.memory_stats), 1);
  const m = s.memory_stats!;
  assert.equal(m.stats!.total_inactive_file, 24 * MiB);
  assert.equal(memUsageBytes(m), m.usage! - 24 * MiB);
  // `docker stats` showed 9.19 MiB for this container a moment later; raw usage was 33 MiB.
  assert.ok(memUsageBytes(m)! < 10 * MiB && memUsageBytes(m)! > 8 * MiB);
});

test('cgroup v2: usage minus inactive_file (no total_* keys on v2)', () => {
  const s = fixture('stats-cgroup-v2.json');
  assert.equal(cgroupVersionOf(s.memory_stats), 2);
  const m = s.memory_stats!;
  assert.equal(m.stats!.total_inactive_file, undefined);
  assert.equal(memUsageBytes(m), m.usage! - m.stats!.inactive_file);
  assert.equal(memUsageBytes(m), 336 * MiB);
});

test('the cache is subtracted only when smaller than usage, as the docker CLI does', () => {
  assert.equal(memUsageBytes({ usage: 100, stats: { total_inactive_file: 150 } }), 100);
  assert.equal(memUsageBytes({ usage: 100, stats: { inactive_file: 100 } }), 100);
  assert.equal(memUsageBytes({ usage: 100, stats: {} }), 100);
  assert.equal(memUsageBytes({ usage: 100 }), 100);
});

test('no usage (stopped container, empty reply) gives null, not 0', () => {
  assert.equal(memUsageBytes({}), null);
  assert.equal(memUsageBytes(undefined), null);
  assert.equal(memUsageBytes({ usage: Number.NaN }), null);
});

test('limit: HostConfig.Memory decides; stats report host RAM when there is no limit (captured, v1)', () => {
  const unlimited = fixture('stats-cgroup-v1-nolimit.json');
  // The engine reports the machine's RAM as "limit" for an unlimited container…
  assert.ok(unlimited.memory_stats!.limit! > 1024 * MiB);
  // …which must not be mistaken for a limit.
  assert.equal(memLimitBytes(0, unlimited.memory_stats), null);
  const limited = fixture('stats-cgroup-v1.json');
  assert.equal(memLimitBytes(256 * MiB, limited.memory_stats), 256 * MiB);
  // No stats yet: the setting itself.
  assert.equal(memLimitBytes(64 * MiB, null), 64 * MiB);
});

test('CPU percent as docker stats: cpu delta / system delta × online CPUs × 100', () => {
  const v1 = fixture('stats-cgroup-v1.json');
  const c = v1.cpu_stats!;
  const p = v1.precpu_stats!;
  const expected = ((c.cpu_usage!.total_usage! - p.cpu_usage!.total_usage!) / (c.system_cpu_usage! - p.system_cpu_usage!)) * c.online_cpus! * 100;
  assert.equal(cpuPercent(c, p), expected);
  const v2 = fixture('stats-cgroup-v2.json');
  // 0.4 s of CPU time during 1 s of wall time (system time 8 s = 8 CPUs × 1 s): 40% of one core.
  assert.equal(Math.round(cpuPercent(v2.cpu_stats, v2.precpu_stats)! * 100) / 100, 40);
});

test('CPU percent is null without a previous sample, 0 when nothing moved', () => {
  const v1 = fixture('stats-cgroup-v1.json');
  assert.equal(cpuPercent(v1.cpu_stats, { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 }), null);
  assert.equal(cpuPercent(v1.cpu_stats, undefined), null);
  assert.equal(cpuPercent(v1.cpu_stats, v1.cpu_stats), 0);
});

test('figuresFromStats puts it together: percent of the limit, or null without a limit', () => {
  const limited = figuresFromStats(fixture('stats-cgroup-v2.json'), 512 * MiB);
  assert.equal(limited.memLimitBytes, 512 * MiB);
  assert.equal(limited.memPercent, Math.round((336 / 512) * 100 * 100) / 100);
  const unlimited = figuresFromStats(fixture('stats-cgroup-v1-nolimit.json'), 0);
  assert.equal(unlimited.memLimitBytes, null);
  assert.equal(unlimited.memPercent, null);
  assert.ok(unlimited.memUsageBytes! > 0);
  const none = figuresFromStats(null, 64 * MiB);
  assert.deepEqual(none, { memUsageBytes: null, memLimitBytes: 64 * MiB, memPercent: null, cpuPercent: null });
});

test('one-shot replies (empty precpu): CPU from our previous reading of the container, null after a restart', () => {
  const v2 = fixture('stats-cgroup-v2.json');
  const oneShot: ApiContainerStats = { ...v2, precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 } };
  assert.equal(figuresFromStats(oneShot, 0).cpuPercent, null, 'first reading: no interval yet');
  const previous = v2.precpu_stats!;
  assert.equal(figuresFromStats(oneShot, 0, previous).cpuPercent, 40);
  // The engine's own precpu wins when it sent one.
  assert.equal(figuresFromStats(v2, 0, { cpu_usage: { total_usage: 1 }, system_cpu_usage: 1 }).cpuPercent, 40);
  // Counter went backwards: restarted in between.
  const later = { cpu_usage: { total_usage: previous.cpu_usage!.total_usage! + 10 }, system_cpu_usage: previous.system_cpu_usage! - 1 };
  assert.equal(cpuPercent({ cpu_usage: { total_usage: 5 }, system_cpu_usage: 2e15, online_cpus: 8 }, later), null);
});
