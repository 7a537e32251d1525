/**
 * How far one process's RSS in /proc/PID/stat (which Headroom's scan reads)
 * may trail the exact sum ps shows from statm: since Linux 6.2 the kernel keeps
 * RSS in per-CPU counters (file, anon, shmem), and stat reads them without
 * summing the per-CPU parts, each off by up to its batch (max(32, 2 × CPUs))
 * pages per CPU. Measured here: 43 pages on a 1.7 MB sleep. Irrelevant for
 * leaks (groups are watched from 32 MB), but more than 2% of a tiny process.
 */

import { availableParallelism } from 'node:os';

export const STAT_RSS_SLACK_BYTES = 3 * Math.max(32, 2 * availableParallelism()) * availableParallelism() * 4096;
