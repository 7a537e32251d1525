/**
 * What a collector registry entry holds (registry.ts): the collector, the
 * setting for its interval, how its reading merges into the Snapshot, and the
 * series it declares.
 */

import type { Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { ContainerSource } from '../engine.ts';
import type { Platform } from '../platform/index.ts';
import type { Collector } from './collector.ts';
import type { SeriesDecl } from './series.ts';

/** What entries build their collectors from (the engine's own dependencies). */
export interface CollectorDeps {
  settings: Settings;
  platform: Platform;
  /** The container source, or null when Docker monitoring is off. */
  containers: ContainerSource | null;
}

/**
 * When an entry's collector runs:
 *  - `every`: on its interval setting (shortened under memory pressure);
 *  - `with`: only on ticks where that other entry runs, and no more often than its own interval;
 *  - `own`: it keeps its own asynchronous schedule (Docker), and every tick reads its latest figures.
 */
export type Schedule =
  | { kind: 'every'; interval: keyof Settings['intervals'] | null }
  | { kind: 'with'; entry: string; interval: keyof Settings['intervals'] }
  | { kind: 'own'; interval: keyof Settings['intervals'] };

export interface CollectorEntry<R = unknown> {
  id: string;
  schedule: Schedule;
  /** Builds the collector (once per engine). */
  create(deps: CollectorDeps): Collector<R>;
  /** Writes the latest reading into the Snapshot being assembled; `at` is the wall time it was taken. */
  merge(snap: Snapshot, reading: R, at: number): void;
  series?: SeriesDecl;
}

/** Keeps each entry's reading type checked inside it while the registry holds them as one list. */
export function defineCollector<R>(entry: CollectorEntry<R>): CollectorEntry {
  return entry as unknown as CollectorEntry;
}
