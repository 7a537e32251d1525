/**
 * Headroom's own cost: a monitor for runaway memory must never be a culprit,
 * so it is measured every tick and always shown.
 */

import type { SelfCost } from '../../../shared/model.ts';
import type { CollectorContext, SyncCollector } from './collector.ts';

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
