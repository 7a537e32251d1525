/**
 * Headroom's own cost: a monitor for runaway memory must never be a culprit,
 * so it is measured every tick and always shown.
 */

import type { SelfCost } from '../../../shared/model.ts';
import type { CollectorContext, SyncCollector } from './collector.ts';
import { defineCollector } from './entry.ts';

export function createSelfCollector(): SyncCollector<SelfCost> {
  let prev = process.cpuUsage();
  let prevAt = 0;
  return {
    id: 'self',
    intervalMs: 2000,
    fields: [
      { name: 'self.rssBytes', unit: 'bytes', description: 'Resident memory of the Headroom engine process' },
      { name: 'self.cpuPercent', unit: 'percent', description: 'CPU of the engine process since the previous tick (100 = one core)' },
    ],
    init(ctx: CollectorContext) {
      prev = process.cpuUsage();
      prevAt = ctx.now;
    },
    collect(ctx: CollectorContext): SelfCost {
      const cur = process.cpuUsage();
      const usedUs = cur.user - prev.user + (cur.system - prev.system);
      const elapsedMs = ctx.now - prevAt;
      prev = cur;
      prevAt = ctx.now;
      const cpuPercent = elapsedMs > 0 ? Math.round((usedUs / 1000 / elapsedMs) * 1000) / 10 : 0;
      return { rssBytes: process.memoryUsage.rss(), cpuPercent };
    },
    dispose() {},
  };
}

/** Registry entry: every tick, last in it (so it counts this tick's work); recorded, never watched for leaks. */
export const selfEntry = defineCollector<SelfCost>({
  id: 'self',
  schedule: { kind: 'every', interval: null },
  create: () => createSelfCollector(),
  merge(snap, r) {
    snap.self = r;
  },
  series: {
    names: ['self.rss', 'self.cpu'],
    emit(s, _ctx, out) {
      out.add('self.rss', s.self.rssBytes, null, true, null);
      out.add('self.cpu', s.self.cpuPercent, null, true, null);
    },
  },
});
