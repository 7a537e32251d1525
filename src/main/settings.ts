/**
 * Settings in the desktop app. The store itself is the engine's SettingsStore
 * (conf underneath — electron-store is conf with Electron's default folder),
 * pointed at the same data directory as `headroom serve` and `headroom watch`,
 * so the app and the headless modes share one settings.json and one history.
 *
 * This module adds what only the app needs: the tray's pause and resume, and
 * pushing every change into the running engine.
 */

import type { Headroom } from './engine/create.ts';

export interface SettingsControls {
  /** Pauses alert notifications for `forMs` from now ("Pause alerts for 1 hour"). */
  pauseAlerts(forMs: number): void;
  resumeAlerts(): void;
  /** A settings problem found at start (a reset file), to surface in the tray; null when none. */
  notice(): string | null;
  /** Stops listening. */
  dispose(): void;
}

/** Wires the Headroom's settings into the app. Call once after createHeadroom(). */
export function setupSettings(headroom: Headroom): SettingsControls {
  let notice = headroom.settings.notice;
  const set = (patch: Parameters<Headroom['settings']['set']>[0]) => {
    try {
      headroom.settings.set(patch);
      headroom.engine.settingsChanged();
    } catch (err) {
      headroom.log(`settings: could not save: ${(err as Error).message}`);
    }
  };
  const unsubscribe = headroom.settings.onChange(() => {
    // Once the user has saved settings, the reset notice is old news.
    notice = null;
  });
  return {
    pauseAlerts: (forMs) => set({ alerts: { pausedUntil: Date.now() + forMs } }),
    resumeAlerts: () => set({ alerts: { pausedUntil: 0 } }),
    notice: () => notice,
    dispose: unsubscribe,
  };
}
