/**
 * Settings persisted with `conf` (the headless mode; electron-store is conf with
 * Electron's default folder, so the desktop app reads the very same file through
 * this class and both modes share one settings.json in the data directory).
 *
 * conf brings the JSON-schema check on every write, atomic writes and the file
 * layout. What it does not do is forgive: a corrupt file makes it throw, or with
 * `clearInvalidConfig` silently lose the user's settings. So the file is checked
 * here first: migrated by its `version`, missing keys filled from the defaults,
 * validated; an unusable file is backed up next to itself, the defaults are used,
 * and `notice` says so, so the log, the tray and the window can show it. Never a
 * crash: if even conf cannot open the folder, the settings live in memory and the
 * notice says they will not be saved.
 *
 * `get()` is on the engine's hot path (every tick), so it returns the cached
 * object; conf's `store` getter would read and re-validate the file each time.
 */

import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Conf, { type Options as ConfOptions, type Schema } from 'conf';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, SETTINGS_VERSION, type Settings } from '../../../shared/settings.ts';
import { ensurePrivateDir, PRIVATE_FILE_MODE, restrictFile } from '../paths.ts';
import { migrateSettings, SETTINGS_MIGRATIONS, type SettingsMigration } from './migrations.ts';
import { applyPatch, assertSettings, withDefaults } from './validate.ts';

/** The stored object as conf types it (conf wants an index signature; Settings is checked by our own validator). */
type StoredSettings = Record<string, unknown>;

/** conf or a subclass of it (electron-store). */
export type ConfClass = new (options: Partial<ConfOptions<StoredSettings>>) => Conf<StoredSettings>;

export interface SettingsStoreOptions {
  /** Migration steps (default: the real ones). Tests pass their own. */
  migrations?: readonly SettingsMigration[];
  /** The schema version this build reads (default SETTINGS_VERSION). */
  version?: number;
  /** The conf class to persist with (default conf; electron-store fits too). */
  confClass?: ConfClass;
}

export interface LoadedSettings {
  settings: Settings;
  /** Set when the file was unusable and has been backed up and reset. */
  notice: string | null;
  /** One line per migration step that ran. */
  migrated: string[];
  /** True when the file on disk should be rewritten (migrated, keys filled in, or reset). */
  rewrite: boolean;
}

type Listener = (s: Settings) => void;

/**
 * Largest settings file read. The biggest valid one (500 group rules of 100
 * long executable names) is about 10 MB; anything larger is not settings, and
 * reading it whole could cost a machine that is short of memory hundreds of MB.
 */
export const MAX_SETTINGS_FILE_BYTES = 16 * 1024 * 1024;

export class SettingsStore {
  readonly path: string;
  /** A visible message when the file was reset or cannot be saved; null when all is well. */
  readonly notice: string | null;
  /** Log lines for the migrations that ran at load. */
  readonly migrated: readonly string[];
  private current: Settings;
  private readonly conf: Conf<StoredSettings> | null;
  private readonly listeners = new Set<Listener>();

  constructor(dir: string, fileName = 'settings.json', options: SettingsStoreOptions = {}) {
    this.path = join(dir, fileName);
    const loaded = readSettingsFile(this.path, options.migrations ?? SETTINGS_MIGRATIONS, options.version ?? SETTINGS_VERSION);
    this.current = loaded.settings;
    this.migrated = loaded.migrated;
    let notice = loaded.notice;
    let conf: Conf<StoredSettings> | null = null;
    try {
      // The settings store is the first to write into the data directory: it makes it 0700 (and an older, looser one too).
      ensurePrivateDir(dir);
      restrictFile(this.path);
      // conf validates the file as it opens it and throws on any gap, so a
      // migrated, filled-in or reset file is written before conf sees it.
      if (loaded.rewrite) writeAtomically(this.path, JSON.stringify(loaded.settings, null, '\t'));
      const ConfImpl = options.confClass ?? (Conf as unknown as ConfClass);
      conf = new ConfImpl({
        cwd: dir,
        configName: fileName.replace(/\.json$/, ''),
        fileExtension: 'json',
        // Our own migrations (by settings version) have already run; conf's are keyed on the app version.
        schema: SETTINGS_SCHEMA.properties as unknown as Schema<StoredSettings>,
        rootSchema: { additionalProperties: false, required: SETTINGS_SCHEMA.required },
        defaults: loaded.settings as unknown as StoredSettings,
        accessPropertiesByDotNotation: false,
        clearInvalidConfig: false,
        watch: false,
        // conf's default is 0666 minus the umask; settings name the user's processes and containers.
        configFileMode: PRIVATE_FILE_MODE,
      });
    } catch (err) {
      conf = null;
      const why = `settings: cannot save to ${this.path} (${(err as Error).message.slice(0, 200)}); changes will last until Headroom quits`;
      notice = notice ? `${notice}; ${why}` : why;
    }
    this.conf = conf;
    this.notice = notice;
  }

  get(): Settings {
    return this.current;
  }

  /**
   * Merges `patch`, validates the whole result, saves it, and tells listeners.
   * Throws SettingsError and changes nothing on a bad patch; throws the file
   * system's error (and keeps the old settings) when the file cannot be written.
   */
  set(patch: unknown): Settings {
    const next = applyPatch(this.current, patch);
    if (this.conf) this.conf.store = next as unknown as StoredSettings;
    this.current = next;
    for (const l of this.listeners) {
      try {
        l(next);
      } catch {
        /* one listener's bug must not stop the others or the save */
      }
    }
    return next;
  }

  /** Calls `listener` after every successful `set`. Returns the unsubscribe function. */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/**
 * Reads, migrates and validates a settings file. An unusable one (unreadable,
 * not a regular file, too large, not JSON, wrong types, from a newer Headroom)
 * is renamed to `<file>.bad-<epoch ms>` (never over an earlier backup) and the
 * defaults are returned with a notice.
 */
export function readSettingsFile(
  path: string,
  migrations: readonly SettingsMigration[] = SETTINGS_MIGRATIONS,
  version: number = SETTINGS_VERSION,
): LoadedSettings {
  if (!existsSync(path)) return { settings: structuredClone(DEFAULT_SETTINGS), notice: null, migrated: [], rewrite: false };
  let reason: string;
  try {
    // Checked before reading: a FIFO would block the read forever, a huge file would cost its size in memory.
    const st = statSync(path);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_SETTINGS_FILE_BYTES) throw new Error(`${st.size} bytes, larger than any settings file`);
    const raw = readFileSync(path, 'utf8');
    // A byte-order mark (some Windows editors add one) is not JSON, but it is no reason to lose the settings.
    const bom = raw.charCodeAt(0) === 0xfeff;
    const parsed = JSON.parse(bom ? raw.slice(1) : raw) as unknown;
    const { value, applied } = migrateSettings(parsed, migrations, version);
    const settings = withDefaults(value);
    assertSettings(settings);
    const rewrite = bom || applied.length > 0 || JSON.stringify(settings) !== JSON.stringify(parsed);
    return { settings, notice: null, migrated: applied, rewrite };
  } catch (err) {
    reason = (err as Error).message;
  }
  const backup = freeBackupName(path);
  let kept = `backed it up to ${basename(backup)}`;
  try {
    renameSync(path, backup);
    restrictFile(backup);
  } catch (err) {
    kept = `could not back it up (${(err as Error).message.slice(0, 100)})`;
  }
  return {
    settings: structuredClone(DEFAULT_SETTINGS),
    notice: `settings: ${path} was unusable (${reason.slice(0, 200)}); ${kept} and reset to defaults`,
    migrated: [],
    rewrite: true,
  };
}

/** `<file>.bad-<epoch ms>`, with a counter when that name is taken, so an earlier backup is never overwritten. */
function freeBackupName(path: string): string {
  const base = `${path}.bad-${Date.now()}`;
  let name = base;
  for (let i = 1; existsSync(name); i++) name = `${base}-${i}`;
  return name;
}

function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE });
  chmodSync(tmp, PRIVATE_FILE_MODE);
  renameSync(tmp, path);
}
