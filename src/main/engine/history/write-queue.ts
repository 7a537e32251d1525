/**
 * Samples and events that could not be written yet (disk full, read-only
 * file, database being replaced), kept in order until the next write works.
 * Bounded: past the cap the oldest batches go first, because the newest
 * samples matter most to a monitor that is still running.
 */

import type { HistoryEvent, HistorySample } from './types.ts';

export interface QueuedBatch {
  t: number;
  samples: HistorySample[];
}

export class WriteQueue {
  private readonly batchList: QueuedBatch[] = [];
  private readonly eventList: HistoryEvent[] = [];
  private sampleCount = 0;

  /**
   * @param maxSamples most samples held; a single batch larger than this is
   *   still kept whole (it is the newest data).
   * @param maxEvents most lifecycle events held.
   */
  constructor(
    readonly maxSamples: number,
    readonly maxEvents = 1000,
  ) {}

  /** Samples waiting. */
  get samples(): number {
    return this.sampleCount;
  }

  get batches(): readonly QueuedBatch[] {
    return this.batchList;
  }

  get events(): readonly HistoryEvent[] {
    return this.eventList;
  }

  get empty(): boolean {
    return this.batchList.length === 0 && this.eventList.length === 0;
  }

  /**
   * Queues a copy of one `record()` call. Returns how many older samples were
   * dropped to make room (0 while the queue is not full).
   */
  pushBatch(t: number, samples: readonly HistorySample[]): number {
    if (samples.length === 0) return 0;
    // A copy: the caller owns its array and may reuse it after record() returns.
    const copy = samples.map((s) => ({ series: s.series, value: s.value, limit: s.limit }));
    this.batchList.push({ t, samples: copy });
    this.sampleCount += copy.length;
    let dropped = 0;
    while (this.sampleCount > this.maxSamples && this.batchList.length > 1) {
      const old = this.batchList.shift() as QueuedBatch;
      this.sampleCount -= old.samples.length;
      dropped += old.samples.length;
    }
    return dropped;
  }

  /** Queues a lifecycle event. Returns 1 if an older event was dropped, else 0. */
  pushEvent(e: HistoryEvent): number {
    this.eventList.push(e);
    if (this.eventList.length > this.maxEvents) {
      this.eventList.shift();
      return 1;
    }
    return 0;
  }

  clear(): void {
    this.batchList.length = 0;
    this.eventList.length = 0;
    this.sampleCount = 0;
  }
}
