/**
 * Bugs the reliability fuzzing (reliability/fuzz/settings-file.test.ts and
 * api-handlers.test.ts) found in the settings store, each pinned here on real
 * files.
 */

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, test } from 'node:test';
import { MAX_SETTINGS_FILE_BYTES, readSettingsFile, SettingsStore } from '../../../src/main/engine/settings/store.ts';
import { applyPatch, SettingsError, withDefaults } from '../../../src/main/engine/settings/validate.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

const root = mkdtempSync(join(tmpdir(), 'headroom-settings-regress-'));
let dir: string;
let n = 0;
beforeEach(() => {
  dir = join(root, String(n++));
  mkdirSync(dir);
});
after(() => rmSync(root, { recursive: true, force: true }));

const path = () => join(dir, 'settings.json');
const backups = () => readdirSync(dir).filter((f) => f.startsWith('settings.json.bad-'));

describe('settings: fuzzing regressions', () => {
  test('a patch cannot change "version" (a saved version 2 would make the next start discard the file)', () => {
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { version: 2 }), (e: Error) => e instanceof SettingsError && /version/.test(e.message));
    assert.equal(applyPatch(DEFAULT_SETTINGS, { version: 1 }).version, 1);
    const store = new SettingsStore(dir);
    assert.throws(() => store.set({ version: 7 }));
    assert.equal(readSettingsFile(path()).notice, null);
  });

  test('inherited names ("toString", "valueOf") are unknown settings, in a patch and in a file', () => {
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { toString: 1 }), /unknown setting "toString"/);
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { alerts: { valueOf: 1 } }), /unknown setting "alerts\.valueOf"/);
    // In a file they are ignored like any unknown key, instead of costing the user every other setting.
    assert.deepEqual(withDefaults({ toString: 1, alerts: { hasOwnProperty: 2, cooldownSeconds: 7 } }).alerts.cooldownSeconds, 7);
    writeFileSync(path(), JSON.stringify({ version: 1, valueOf: 1, alerts: { toString: 2, cooldownSeconds: 7 } }));
    const r = readSettingsFile(path());
    assert.equal(r.notice, null);
    assert.equal(r.settings.alerts.cooldownSeconds, 7);
  });

  test('a byte-order mark does not cost the user their settings', () => {
    writeFileSync(path(), `\uFEFF${JSON.stringify({ version: 1, alerts: { cooldownSeconds: 42 } })}`);
    const store = new SettingsStore(dir);
    assert.equal(store.notice, null);
    assert.equal(store.get().alerts.cooldownSeconds, 42);
    assert.notEqual(readFileSync(path(), 'utf8').charCodeAt(0), 0xfeff, 'the file is rewritten without it');
    assert.deepEqual(backups(), []);
  });

  test('bad files within the same millisecond each keep their own backup', () => {
    for (let i = 0; i < 50; i++) {
      writeFileSync(path(), `{ broken ${i}`);
      assert.notEqual(readSettingsFile(path()).notice, null);
    }
    const kept = backups().map((f) => readFileSync(join(dir, f), 'utf8')).sort();
    assert.deepEqual(kept, Array.from({ length: 50 }, (_, i) => `{ broken ${i}`).sort());
  });

  test('a directory or an oversized file is refused without being read, and kept', () => {
    mkdirSync(path());
    let r = readSettingsFile(path());
    assert.match(r.notice ?? '', /not a regular file/);
    assert.equal(backups().length, 1);

    writeFileSync(path(), Buffer.alloc(MAX_SETTINGS_FILE_BYTES + 1, 0x20));
    r = readSettingsFile(path());
    assert.match(r.notice ?? '', /larger than any settings file/);
    assert.deepEqual(r.settings, DEFAULT_SETTINGS);
    assert.equal(backups().length, 2);
  });
});
