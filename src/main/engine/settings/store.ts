/**
 * Settings persisted as JSON in the data directory (headless mode; the desktop
 * app uses electron-store, which is conf underneath, with the same schema).
 *
 * A corrupt or invalid settings file is never a crash: it is backed up next to
 * itself, the defaults are used, and the returned `notice` says so, so the UI
 * and the log can show it.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, SETTINGS_VERSION, type Settings } from '../../../shared/settings.ts';
import { applyPatch, assertSettings, withDefaults } from './validate.ts';

export interface LoadedSettings {
  settings: Settings;
  /** Set when the file was unusable and has been backed up and reset. */
  notice: string | null;
}

export class SettingsStore {
  readonly path: string;
  private current: Settings;
  readonly notice: string | null;

  constructor(dir: string, fileName = 'settings.json') {
    mkdirSync(dir, { recursive: true });
    this.path = join(dir, fileName);
    const loaded = loadSettingsFile(this.path);
    this.current = loaded.settings;
    this.notice = loaded.notice;
  }

  get(): Settings {
    return this.current;
  }

  /** Validates the whole result before saving; throws SettingsError and changes nothing on a bad patch. */
  set(patch: unknown): Settings {
    const next = applyPatch(this.current, patch);
    writeAtomically(this.path, JSON.stringify(next, null, 2));
    this.current = next;
    return next;
  }
}

/** Reads, migrates and validates a settings file; backs up and resets an unusable one. */
export function loadSettingsFile(path: string): LoadedSettings {
  if (!existsSync(path)) return { settings: structuredClone(DEFAULT_SETTINGS), notice: null };
  let reason: string;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    const migrated = migrate(parsed);
    const settings = withDefaults(migrated);
    assertSettings(settings);
    return { settings, notice: null };
  } catch (err) {
    reason = (err as Error).message;
  }
  const backup = `${path}.bad-${Date.now()}`;
  try {
    renameSync(path, backup);
  } catch {
    /* keep going with defaults even if the backup cannot be made */
  }
  return {
    settings: structuredClone(DEFAULT_SETTINGS),
    notice: `settings: ${path} was unusable (${reason.slice(0, 200)}); backed it up to ${backup} and reset to defaults`,
  };
}

/** Migrations by version; version 1 is the first, so there is nothing to migrate yet. */
function migrate(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const v = (raw as { version?: unknown }).version;
  if (v !== undefined && typeof v === 'number' && v > SETTINGS_VERSION) {
    throw new Error(`written by a newer Headroom (version ${v})`);
  }
  return { ...(raw as object), version: SETTINGS_VERSION };
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
