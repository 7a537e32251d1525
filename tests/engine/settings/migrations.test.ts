import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { migrateSettings, SETTINGS_MIGRATIONS, type SettingsMigration } from '../../../src/main/engine/settings/migrations.ts';
import { SETTINGS_VERSION } from '../../../src/shared/settings.ts';

const addField = (from: number, key: string): SettingsMigration => ({
  from,
  describe: `adds ${key}`,
  up: (raw) => ({ ...raw, [key]: from }),
});

describe('migrateSettings', () => {
  test('the real chain covers every version up to the current one', () => {
    for (let v = 1; v < SETTINGS_VERSION; v++) {
      assert.ok(SETTINGS_MIGRATIONS.some((m) => m.from === v), `a step from version ${v}`);
    }
    assert.deepEqual(migrateSettings({ version: SETTINGS_VERSION }).applied, []);
  });

  test('runs each step from the file version to the target, in order', () => {
    const out = migrateSettings({ version: 2, keep: true }, [addField(3, 'c'), addField(1, 'a'), addField(2, 'b')], 4);
    assert.deepEqual(out.value, { version: 4, keep: true, b: 2, c: 3 });
    assert.deepEqual(out.applied, [
      'settings: migrated from version 2 to 3: adds b',
      'settings: migrated from version 3 to 4: adds c',
    ]);
  });

  test('a file without a version is version 1', () => {
    assert.deepEqual(migrateSettings({}, [addField(1, 'a')], 2).value, { a: 1, version: 2 });
  });

  test('does not mutate its input', () => {
    const raw = { version: 1, nested: { x: 1 } };
    migrateSettings(raw, [{ from: 1, describe: 'mutates', up: (r) => ((r.nested as { x: number }).x = 2, r) }], 2);
    assert.deepEqual(raw, { version: 1, nested: { x: 1 } });
  });

  const bad: [string, unknown, RegExp][] = [
    ['null', null, /not a JSON object/],
    ['an array', [], /not a JSON object/],
    ['a string', 'x', /not a JSON object/],
    ['a fractional version', { version: 1.5 }, /positive integer/],
    ['a string version', { version: '1' }, /positive integer/],
    ['version 0', { version: 0 }, /positive integer/],
    ['a newer version', { version: 9 }, /newer Headroom/],
  ];
  for (const [name, raw, why] of bad) {
    test(`refuses ${name} with a clear reason`, () => {
      assert.throws(() => migrateSettings(raw, [], 3), why);
    });
  }

  test('a gap in the chain is an error, not a silent skip', () => {
    assert.throws(() => migrateSettings({ version: 1 }, [addField(2, 'b')], 3), /no migration from settings version 1/);
  });

  test('a step that returns a non-object is an error', () => {
    assert.throws(
      () => migrateSettings({ version: 1 }, [{ from: 1, describe: 'bad', up: () => null as unknown as Record<string, unknown> }], 2),
      /did not return an object/,
    );
  });
});
