/**
 * Starts following the boxes in `settings.machines` for an engine that has
 * surfaces (the desktop app, `serve`), and keeps following what the settings
 * say as they change; box alerts become notifications naming the box. One
 * call, so every such engine follows machines the same way.
 */

import type { Settings } from '../../../shared/settings.ts';
import { attachRemoteNotifications } from '../notify/remote.ts';
import type { Notifier } from '../notify/notifier.ts';
import { RemoteMachines } from './manager.ts';

export interface FollowingHeadroom {
  dataDir: string;
  settings: { get(): Settings; onChange(fn: (s: Settings) => void): () => void };
  log: (line: string) => void;
}

export interface FollowedMachines {
  machines: RemoteMachines;
  close(): Promise<void>;
}

export function followMachines(h: FollowingHeadroom, notifier: Notifier | null): FollowedMachines {
  const machines = new RemoteMachines({ dataDir: h.dataDir, log: h.log });
  const stopNotify = notifier ? attachRemoteNotifications(machines, notifier, { settings: () => h.settings.get(), log: h.log }) : () => {};
  const apply = (s: Settings) => void machines.update(s.machines).catch((err: Error) => h.log(`remote: ${err.message}`));
  apply(h.settings.get());
  const unsubscribe = h.settings.onChange(apply);
  return {
    machines,
    async close() {
      unsubscribe();
      stopNotify();
      await machines.close();
    },
  };
}
