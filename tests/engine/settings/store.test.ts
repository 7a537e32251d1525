import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsStore } from '../../../src/main/engine/settings/store.ts';
import { SettingsError } from '../../../src/main/engine/settings/validate.ts';
import type { SettingsMigration } from '../../../src/main/engine/settings/migrations.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-settings-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = () => join(dir, 'settings.json');
const backups = () => readdirSync(dir).filter((f) => f.startsWith('settings.json.bad-'));
const onDisk = () => JSON.parse(readFileSync(file(), 'utf8'));

describe('SettingsStore', () => {
  test('starts from the defaults and writes them when there is no file', () => {
    const s = new SettingsStore(dir);
    assert.deepEqual(s.get(), DEFAULT_SETTINGS);
    assert.equal(s.notice, null);
    assert.equal(s.path, file());
    assert.deepEqual(onDisk(), DEFAULT_SETTINGS);
  });

  test('set saves the merged, validated result and a new store reads it back', () => {
    const s = new SettingsStore(dir);
    const seen: number[] = [];
    s.onChange((next) => seen.push(next.alerts.memWarnPercent));
    s.set({ alerts: { memWarnPercent: 60, sustainSeconds: 5 } });
    assert.equal(s.get().alerts.memWarnPercent, 60);
    assert.equal(s.get().alerts.memCritPercent, DEFAULT_SETTINGS.alerts.memCritPercent);
    assert.deepEqual(seen, [60]);
    const again = new SettingsStore(dir);
    assert.equal(again.get().alerts.memWarnPercent, 60);
    assert.equal(again.get().alerts.sustainSeconds, 5);
    assert.equal(again.notice, null);
  });

  test('a bad patch throws and changes neither memory nor the file', () => {
    const s = new SettingsStore(dir);
    const before = readFileSync(file(), 'utf8');
    assert.throws(() => s.set({ alerts: { memWarnPercent: 'high' } }), SettingsError);
    assert.throws(() => s.set({ alerts: { memWarnPercent: 90, memCritPercent: 80 } }), /memCritPercent/);
    assert.throws(() => s.set({ nope: 1 }), /unknown setting/);
    assert.equal(s.get().alerts.memWarnPercent, DEFAULT_SETTINGS.alerts.memWarnPercent);
    assert.equal(readFileSync(file(), 'utf8'), before);
  });

  const corrupt: [string, string | Buffer, RegExp][] = [
    ['garbage bytes', randomBytes(512), /unusable/],
    ['truncated JSON', JSON.stringify(DEFAULT_SETTINGS).slice(0, 80), /unusable/],
    ['wrong types', JSON.stringify({ ...DEFAULT_SETTINGS, alerts: { ...DEFAULT_SETTINGS.alerts, memWarnPercent: 'high' } }), /alerts\.memWarnPercent/],
    ['a JSON array', '[1,2,3]', /not a JSON object/],
    ['a newer version', JSON.stringify({ ...DEFAULT_SETTINGS, version: 99 }), /newer Headroom/],
    ['an empty file', '', /unusable/],
  ];
  for (const [name, content, why] of corrupt) {
    test(`a corrupt file (${name}) is backed up, reset to defaults, and reported — never a crash`, () => {
      writeFileSync(file(), content);
      const s = new SettingsStore(dir);
      assert.deepEqual(s.get(), DEFAULT_SETTINGS);
      assert.ok(s.notice, 'a visible notice');
      assert.match(s.notice, why);
      assert.match(s.notice, /backed it up to settings\.json\.bad-\d+ and reset to defaults/);
      const [backup] = backups();
      assert.ok(backup, 'a backup file exists');
      assert.ok(s.notice.includes(backup), 'the notice names the backup');
      assert.deepEqual(readFileSync(join(dir, backup)), Buffer.from(content), 'the backup keeps the original bytes');
      assert.deepEqual(onDisk(), DEFAULT_SETTINGS, 'the file itself is valid again');
      // And the reset store works: a change is saved and read back without a new notice.
      s.set({ alerts: { memWarnPercent: 55 } });
      const again = new SettingsStore(dir);
      assert.equal(again.notice, null);
      assert.equal(again.get().alerts.memWarnPercent, 55);
    });
  }

  test('an older file with missing keys is filled from the defaults without a notice', () => {
    const partial = { version: 1, alerts: { memWarnPercent: 65 }, docker: { enabled: false } };
    writeFileSync(file(), JSON.stringify(partial));
    const s = new SettingsStore(dir);
    assert.equal(s.notice, null);
    assert.equal(s.get().alerts.memWarnPercent, 65);
    assert.equal(s.get().alerts.memCritPercent, DEFAULT_SETTINGS.alerts.memCritPercent);
    assert.equal(s.get().docker.enabled, false);
    assert.deepEqual(onDisk(), s.get(), 'the filled-in file is written back');
    assert.deepEqual(backups(), []);
  });

  test('a folder that cannot be written keeps working in memory and says so', () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, 'x');
    const s = new SettingsStore(join(blocker, 'inner'));
    assert.deepEqual(s.get(), DEFAULT_SETTINGS);
    assert.match(s.notice ?? '', /cannot save/);
    s.set({ alerts: { memWarnPercent: 50 } });
    assert.equal(s.get().alerts.memWarnPercent, 50);
  });

  test('migrations run by settings version, in order, and the migrated file is saved', () => {
    // A hypothetical schema history: v1 stored the warning level as `alerts.warnAt`,
    // v2 renamed it, v3 moved `docker.on` to `docker.enabled`.
    const steps: SettingsMigration[] = [
      {
        from: 2,
        describe: 'docker.on is now docker.enabled',
        up: (raw) => {
          const docker = { ...(raw.docker as Record<string, unknown>) };
          docker.enabled = docker.on;
          delete docker.on;
          return { ...raw, docker };
        },
      },
      {
        from: 1,
        describe: 'alerts.warnAt is now alerts.memWarnPercent',
        up: (raw) => {
          const alerts = { ...(raw.alerts as Record<string, unknown>) };
          alerts.memWarnPercent = alerts.warnAt;
          delete alerts.warnAt;
          return { ...raw, alerts };
        },
      },
    ];
    writeFileSync(file(), JSON.stringify({ version: 1, alerts: { warnAt: 42 }, docker: { on: false } }));
    const s = new SettingsStore(dir, 'settings.json', { migrations: steps, version: 3 });
    assert.equal(s.notice, null);
    assert.equal(s.get().version, 3);
    assert.equal(s.get().alerts.memWarnPercent, 42);
    assert.equal(s.get().docker.enabled, false);
    assert.deepEqual(s.migrated, [
      'settings: migrated from version 1 to 2: alerts.warnAt is now alerts.memWarnPercent',
      'settings: migrated from version 2 to 3: docker.on is now docker.enabled',
    ]);
    assert.equal(onDisk().version, 3);
    assert.equal(onDisk().alerts.warnAt, undefined);
    // Opening it again runs nothing.
    const again = new SettingsStore(dir, 'settings.json', { migrations: steps, version: 3 });
    assert.deepEqual(again.migrated, []);
    assert.equal(again.get().alerts.memWarnPercent, 42);
  });

  test('a migration that produces invalid settings resets like a corrupt file', () => {
    const steps: SettingsMigration[] = [{ from: 1, describe: 'broken', up: (raw) => ({ ...raw, alerts: 'oops' }) }];
    writeFileSync(file(), JSON.stringify(DEFAULT_SETTINGS));
    const s = new SettingsStore(dir, 'settings.json', { migrations: steps, version: 2 });
    assert.match(s.notice ?? '', /invalid setting alerts/);
    assert.equal(backups().length, 1);
  });

  test('writes atomically: no temporary files are left behind', () => {
    const s = new SettingsStore(dir);
    s.set({ alerts: { pausedUntil: 123 } });
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
    assert.ok(existsSync(file()));
  });
});
