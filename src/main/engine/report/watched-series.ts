/**
 * Which recorded series are of the kinds the live leak detector watches
 * (detect/series.ts): the machine's used memory and swap, each application's
 * memory, open files and threads, each container's memory. The report lists
 * them as "watched" beside the engine's verdicts about them.
 */

const GROUP = /^process\.group\.(.+)\.(rss|fds|threads)$/;
const CONTAINER_MEM = /^container\.(.+)\.mem$/;

export function isWatchedSeries(name: string): boolean {
  return name === 'system.mem.used' || name === 'system.swap.used' || GROUP.test(name) || CONTAINER_MEM.test(name);
}
