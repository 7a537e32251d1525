/**
 * Chooses how the machine is read: /proc directly on Linux (synchronous, cheap),
 * systeminformation elsewhere. HEADROOM_PLATFORM=si forces the fallback, so it
 * is tested on Linux too.
 */

import { createSystemCollector, type SystemReading } from '../collectors/system.ts';
import type { SyncCollector } from '../collectors/collector.ts';
import { ProcessTable, type ProcessSource } from './linux/process-table.ts';
import { SiProcessSource, SiSystemSource } from './fallback/si-platform.ts';

export interface Platform {
  name: 'linux-proc' | 'systeminformation';
  system: SyncCollector<SystemReading>;
  processes: ProcessSource;
  /** Resolves when the first readings exist (immediately for /proc). */
  ready(): Promise<void>;
}

export function createPlatform(opts: { procRoot?: string; force?: string } = {}): Platform {
  const force = opts.force ?? process.env.HEADROOM_PLATFORM;
  if (process.platform === 'linux' && force !== 'si') {
    const procRoot = opts.procRoot ?? '/proc';
    return { name: 'linux-proc', system: createSystemCollector(procRoot), processes: new ProcessTable({ procRoot }), ready: () => Promise.resolve() };
  }
  const system = new SiSystemSource();
  const processes = new SiProcessSource();
  return {
    name: 'systeminformation',
    system,
    processes,
    ready: async () => {
      await Promise.all([system.ready(), processes.ready()]);
    },
  };
}
