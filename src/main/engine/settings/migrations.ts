/**
 * Settings migrations, keyed on the `version` field of the settings file (not
 * on the app version, as conf's own migrations are): a file says which schema
 * it was written for, so a migration runs exactly when that schema changes,
 * however many app releases a user skipped.
 *
 * To change the schema: bump SETTINGS_VERSION in src/shared/settings.ts, and
 * append one step here `{ from: <old version>, up }` that rewrites a raw object
 * of the old shape into the new one. Steps must be pure and must not assume the
 * file is valid: the result is validated against the schema afterwards, and an
 * invalid result is backed up and reset like any other corrupt file.
 */

import { SETTINGS_VERSION } from '../../../shared/settings.ts';

export interface SettingsMigration {
  /** The version this step reads; it produces version `from + 1`. */
  from: number;
  /** One line for the log: what changed and why. */
  describe: string;
  up(raw: Record<string, unknown>): Record<string, unknown>;
}

/** Every migration step, oldest first. Version 1 is the first schema, so there are none yet. */
export const SETTINGS_MIGRATIONS: readonly SettingsMigration[] = [];

export interface MigrationOutcome {
  value: Record<string, unknown>;
  /** The `describe` line of each step that ran, in order. */
  applied: string[];
}

/**
 * Brings a raw settings object up to `target` by running each step in turn.
 * A file without a version is taken as version 1 (the first schema).
 * Throws with one clear sentence when the input is not an object, was written
 * by a newer Headroom, or a step is missing.
 */
export function migrateSettings(
  raw: unknown,
  migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS,
  target: number = SETTINGS_VERSION,
): MigrationOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not a JSON object');
  const declared = (raw as { version?: unknown }).version;
  const from = declared === undefined ? 1 : declared;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    throw new Error(`version must be a positive integer, got ${JSON.stringify(from)?.slice(0, 40)}`);
  }
  if (from > target) throw new Error(`written by a newer Headroom (settings version ${from}, this one reads up to ${target})`);
  let value: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  const applied: string[] = [];
  for (let v = from; v < target; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) throw new Error(`no migration from settings version ${v}`);
    const next = step.up(structuredClone(value));
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      throw new Error(`migration from version ${v} did not return an object`);
    }
    value = next;
    applied.push(`settings: migrated from version ${v} to ${v + 1}: ${step.describe}`);
  }
  value.version = target;
  return { value, applied };
}
