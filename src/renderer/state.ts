/**
 * The page's copy of the engine's latest state, kept current by the push
 * channels. Views read it and re-render the part that changed; none of them
 * talks to the pushes directly.
 */

import type { HeadroomApi } from '../shared/contract.ts';
import type { Alert, FixProposal, LeakTrend, Snapshot } from '../shared/model.ts';
import type { Settings } from '../shared/settings.ts';

export type StateKey = 'snapshot' | 'alerts' | 'fixes' | 'trends' | 'settings';

export interface AppState {
  snapshot: Snapshot | null;
  alerts: Alert[];
  fixes: FixProposal[];
  trends: LeakTrend[];
  settings: Settings | null;
}

/** Trends are not pushed; they change slowly, so they are re-read at most this often. */
const TRENDS_EVERY_MS = 5000;

export class Store {
  readonly state: AppState = { snapshot: null, alerts: [], fixes: [], trends: [], settings: null };
  private readonly listeners = new Set<(key: StateKey) => void>();
  private trendsAt = 0;

  constructor(private readonly api: HeadroomApi) {
    api.on('snapshot:push', (s) => this.set('snapshot', s));
    api.on('alerts:push', (a) => {
      this.set('alerts', a);
      if (Date.now() - this.trendsAt >= TRENDS_EVERY_MS) void this.refreshTrends();
    });
    api.on('fixes:push', (f) => this.set('fixes', f));
  }

  /** Reads everything once (at start and after a reconnect). Failures leave the previous state. */
  async refresh(): Promise<void> {
    const [snapshot, alerts, fixes, settings] = await Promise.allSettled([
      this.api.invoke('snapshot:get', undefined),
      this.api.invoke('alerts:list', undefined),
      this.api.invoke('fixes:list', undefined),
      this.api.invoke('settings:get', undefined),
    ]);
    if (snapshot.status === 'fulfilled' && snapshot.value) this.set('snapshot', snapshot.value);
    if (alerts.status === 'fulfilled') this.set('alerts', alerts.value);
    if (fixes.status === 'fulfilled') this.set('fixes', fixes.value);
    if (settings.status === 'fulfilled') this.set('settings', settings.value);
    await this.refreshTrends();
  }

  async refreshTrends(): Promise<void> {
    this.trendsAt = Date.now();
    try {
      this.set('trends', await this.api.invoke('trends:list', undefined));
    } catch {
      /* keep the previous trends; the next alerts push retries */
    }
  }

  set<K extends StateKey>(key: K, value: AppState[K]): void {
    this.state[key] = value;
    for (const l of this.listeners) {
      try {
        l(key);
      } catch (err) {
        // One broken view must not stop the others from updating.
        console.error(`view update for ${key} failed`, err);
      }
    }
  }

  /** Calls `fn` with the key of every change. Returns unsubscribe. */
  subscribe(fn: (key: StateKey) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
