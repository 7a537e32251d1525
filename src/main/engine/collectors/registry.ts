/**
 * The one list of collectors. Each entry names its collector, the setting for
 * its interval, how its reading merges into the Snapshot, and the series it
 * declares for history and the detector. The engine loops over this list:
 * `init`, `collect` and `dispose` run for every entry, and nothing else names a
 * collector or one of its series.
 *
 * Adding a collector is one file (its collector and entry) plus one line below.
 */

import { dockerEntry } from './docker/entry.ts';
import type { CollectorEntry } from './entry.ts';
import { fdsEntry, processesEntry } from './processes.ts';
import { selfEntry } from './self.ts';
import { systemEntry } from './system.ts';

/**
 * In run order within a tick: the fd pass counts before the process scan that
 * reports the counts; Headroom's own cost is taken last, after this tick's work.
 */
export const COLLECTORS: readonly CollectorEntry[] = [systemEntry, fdsEntry, processesEntry, dockerEntry, selfEntry];

/** Every series name the collectors declare (`<name>` for a group or container). */
export function declaredSeriesNames(): string[] {
  return COLLECTORS.flatMap((e) => e.series?.names ?? []);
}
