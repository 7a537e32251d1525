/**
 * Restart-loop detection input: how much a container's RestartCount grew
 * within the recent window ("docker-plugin_daemon-1: 76 restarts" matters when
 * they are recent, not when they happened last month).
 */

interface Sample {
  t: number;
  count: number;
}

export class RestartTracker {
  private readonly samples = new Map<string, Sample[]>();

  /**
   * Records this reading and returns the increase of RestartCount within the
   * last `windowMs`. The baseline is the newest reading at or before the
   * window's start; with none, a container created inside the window counts
   * from 0 (all its restarts are recent), and an older one counts from the
   * first reading we have — a lower bound, never a guess.
   */
  observe(id: string, restartCount: number, createdAtMs: number | null, now: number, windowMs: number): number {
    let list = this.samples.get(id);
    if (!list) {
      list = [];
      this.samples.set(id, list);
    }
    const last = list[list.length - 1];
    // The engine resets RestartCount on a manual start/restart: a drop starts a new history.
    if (last && restartCount < last.count) list.length = 0;
    list.push({ t: now, count: restartCount });

    const windowStart = now - windowMs;
    // Keep one sample at or before the window start as the baseline, drop older ones.
    let firstInWindow = list.findIndex((s) => s.t > windowStart);
    if (firstInWindow === -1) firstInWindow = list.length;
    if (firstInWindow > 1) list.splice(0, firstInWindow - 1);

    const head = list[0];
    let baseline: number;
    if (head.t <= windowStart) baseline = head.count;
    else if (createdAtMs !== null && createdAtMs >= windowStart) baseline = 0;
    else baseline = head.count;
    return Math.max(0, restartCount - baseline);
  }

  /** Forgets containers that no longer exist. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.samples.keys()) if (!ids.has(id)) this.samples.delete(id);
  }

  clear(): void {
    this.samples.clear();
  }
}
