/**
 * Issue #9, part 2: settings files on disk, fuzzed. A user edits settings.json
 * by hand, a disk fills mid-write, a sync tool leaves garbage, an older or newer
 * Headroom wrote it: whatever the file holds, opening it
 * - never throws and never hangs;
 * - either uses it — every setting in the file applied, every missing one at
 *   its default, no notice, nothing moved — or refuses it as a whole: a notice
 *   naming the file, the defaults in full (no setting half-applied), and the
 *   file itself moved aside byte for byte (`settings.json.bad-<ms>`), never
 *   overwritten, even when bad files come faster than once a millisecond;
 * - leaves a settings.json that the next start opens without a notice.
 *
 * readSettingsFile (where the checking, migration and backup happen) takes
 * FUZZ_RUNS cases; the whole SettingsStore with conf — 30-40 ms an open, for
 * its schema compile — takes a smaller share of the same generator.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';

import { MAX_SETTINGS_FILE_BYTES, readSettingsFile, SettingsStore } from '../../src/main/engine/settings/store.ts';
import { assertSettings } from '../../src/main/engine/settings/validate.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings.ts';
import { sized } from '../support/profile.ts';
import { assertUnpolluted, fuzz, prototypeFingerprint, recordWallTime } from './fuzz-support.ts';
import { arbFromSchema, badValuesOf, SECTIONS, SETTING_PATHS } from './settings-arbs.ts';

const started = performance.now();
const MB = 1024 * 1024;

type Expect = 'use' | 'refuse' | 'any';
interface FileCase {
  bytes: Buffer;
  expect: Expect;
  what: string;
}

let root: string;
let dir: string;
let path: string;
let proto: string;

before(() => {
  proto = prototypeFingerprint();
  root = mkdtempSync(join(tmpdir(), 'headroom-fuzz-settings-'));
  dir = join(root, 'data');
  path = join(dir, 'settings.json');
  mkdirSync(dir);
});
after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  recordWallTime('fuzz', 'settings files', started);
});

/** One directory, emptied between cases: cheaper than a new one each time, and no backup is left to confuse the next. */
function resetDir(): void {
  for (const f of readdirSync(dir)) rmSync(join(dir, f), { recursive: true, force: true });
}

const backups = () => readdirSync(dir).filter((f) => f.startsWith('settings.json.bad-'));

// ── the oracle: what "used" means, restated without the store's code ─────

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The settings a usable file stands for: each known setting from the file, the rest from the defaults. */
function expectedFrom(parsed: Record<string, unknown>): Settings {
  const out = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, Record<string, unknown>>;
  for (const section of Object.keys(SECTIONS)) {
    if (section === 'version') continue;
    const fromFile = Object.hasOwn(parsed, section) ? parsed[section] : undefined;
    // A list section (machines) is taken whole; an object section key by key.
    if (Array.isArray(out[section])) {
      if (Array.isArray(fromFile)) out[section] = fromFile as never;
      continue;
    }
    if (!isPlainObject(fromFile)) continue;
    for (const key of Object.keys(out[section])) if (Object.hasOwn(fromFile, key)) out[section][key] = fromFile[key];
  }
  return out as unknown as Settings;
}

/** Text of the file without a byte-order mark. */
const textOf = (bytes: Buffer) => {
  const t = bytes.toString('utf8');
  return t.charCodeAt(0) === 0xfeff ? t.slice(1) : t;
};

/** Checks one open against the file it read. `loaded`/`notice` come from readSettingsFile or a SettingsStore. */
function checkOpen(c: FileCase, loaded: Settings, notice: string | null, viaStore: boolean): void {
  const where = () => `${c.what} (${c.bytes.length} bytes: ${JSON.stringify(c.bytes.subarray(0, 160).toString('utf8'))})`;
  assertUnpolluted(proto);
  if (c.expect === 'use') assert.equal(notice, null, `${where()}: refused a usable file: ${notice}`);
  if (c.expect === 'refuse') assert.notEqual(notice, null, `${where()}: used an unusable file`);
  const moved = backups();
  if (notice === null) {
    assert.deepEqual(moved, [], `${where()}: a usable file was moved aside`);
    assertSettings(loaded);
    const parsed = JSON.parse(textOf(c.bytes)) as Record<string, unknown>;
    assert.deepEqual(loaded, expectedFrom(parsed), `${where()}: not every setting of the file was applied`);
  } else {
    assert.ok(notice.includes(path), `${where()}: the notice does not name the file: ${notice}`);
    assert.match(notice, /reset to defaults/);
    assert.deepEqual(loaded, DEFAULT_SETTINGS, `${where()}: refused, but not all defaults (a setting half-applied)`);
    assert.equal(moved.length, 1, `${where()}: ${moved.length} backups`);
    assert.ok(readFileSync(join(dir, moved[0])).equals(c.bytes), `${where()}: the backup is not the original file`);
    assert.ok(notice.includes(moved[0]), `${where()}: the notice does not say where the file went`);
  }
  if (viaStore) {
    // What the next start reads is what this one uses, and it opens cleanly.
    const again = readSettingsFile(path);
    assert.equal(again.notice, null, `${where()}: the file left behind does not open cleanly: ${again.notice}`);
    assert.deepEqual(again.settings, loaded);
  }
}

// ── generators ─────────────────────────────────────────────────────────────

/** A schema-valid settings object, whole or with sections and keys left out (an older file). */
const validSettings: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    Object.fromEntries(Object.entries(SECTIONS).filter(([s]) => s !== 'version').map(([s, node]) => [s, arbFromSchema({ ...node, required: [] })])),
    { requiredKeys: [] },
  )
  .chain((sections) => fc.constantFrom<unknown>(1, undefined).map((version) => (version === undefined ? sections : { version, ...sections })));

/**
 * The rules that span fields, restated: critical memory at or above the warning
 * level, and no two machines with one name (trimmed, any case).
 */
function crossFieldOk(s: Record<string, unknown>): boolean {
  const expected = expectedFrom(s);
  const names = expected.machines.map((m) => m.name.trim().toLowerCase());
  return expected.alerts.memCritPercent >= expected.alerts.memWarnPercent && new Set(names).size === names.length;
}

const enc = (text: string) => Buffer.from(text, 'utf8');
const asFile = (v: unknown, style: number) => (style === 0 ? JSON.stringify(v) : style === 1 ? JSON.stringify(v, null, '\t') : JSON.stringify(v, null, 2).replace(/\n/g, '\r\n'));

const fileCases: fc.Arbitrary<FileCase> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.tuple(validSettings, fc.nat({ max: 2 })).map(([s, style]) => ({ bytes: enc(asFile(s, style)), expect: (crossFieldOk(s) ? 'use' : 'refuse') as Expect, what: 'valid settings' })),
  },
  {
    weight: 1,
    // Keys this build does not know (a newer Headroom's, a typo) are dropped, not fatal — inherited names included.
    arbitrary: fc
      .tuple(validSettings, fc.constantFrom('toString', 'valueOf', 'hasOwnProperty', 'futureSetting', 'memWarnPercent'))
      .map(([s, extra]) => {
        const file = { ...s, [extra]: 1, alerts: { ...(s.alerts as object), [extra]: 2 } };
        return { bytes: enc(JSON.stringify(file)), expect: (crossFieldOk(file) ? 'use' : 'refuse') as Expect, what: `unknown key ${extra}` };
      }),
  },
  {
    weight: 1,
    arbitrary: validSettings.map((s) => ({ bytes: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), enc(JSON.stringify(s))]), expect: (crossFieldOk(s) ? 'use' : 'refuse') as Expect, what: 'a byte-order mark' })),
  },
  {
    weight: 4,
    arbitrary: fc
      .tuple(validSettings, fc.constantFrom(...SETTING_PATHS))
      .chain(([s, [section, key]]) => fc.constantFrom(...badValuesOf(section, key)).map((bad) => ({ s, section, key, bad })))
      .map(({ s, section, key, bad }) => ({
        bytes: enc(JSON.stringify({ ...s, [section]: { ...((s[section] as object) ?? {}), [key]: bad } })),
        expect: 'refuse' as Expect,
        what: `${section}.${key} wrong`,
      })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validSettings, fc.constantFrom(...Object.keys(SECTIONS).filter((k) => k !== 'version')), fc.constantFrom<unknown>([], {}, 5, 'x', null, true)).filter(([, section, bad]) => (SECTIONS[section].type === 'array' ? !Array.isArray(bad) : !isPlainObject(bad))).map(([s, section, bad]) => ({
      bytes: enc(JSON.stringify({ ...s, [section]: bad })),
      expect: 'refuse' as Expect,
      what: `section ${section} of the wrong type`,
    })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(validSettings, fc.nat({ max: 2 }))
      .map(([s, style]) => asFile({ version: 1, ...s }, style))
      .chain((text) => fc.nat({ max: text.length - 1 }).map((n) => ({ bytes: enc(text.slice(0, n)), expect: 'refuse' as Expect, what: 'truncated' }))),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(validSettings, fc.constantFrom<unknown>(0, -1, 2, 1000, 1.5, '1', null, true, [], {}, 1e308))
      .map(([s, version]) => ({ bytes: enc(JSON.stringify({ ...s, version })), expect: 'refuse' as Expect, what: `version ${JSON.stringify(version)}` })),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('[]', 'null', '5', '"settings"', 'true', '', ' ', '\n', '{', '}', '{}}', '{"version":1,}', "{'version':1}", '{"version":1}\u0000', 'NaN', '{"alerts":{"memWarnPercent":NaN}}')
      .map((t) => ({ bytes: enc(t), expect: 'refuse' as Expect, what: 'not a settings object' })),
  },
  { weight: 1, arbitrary: fc.constant({ bytes: enc('{}'), expect: 'use' as Expect, what: 'empty object' }) },
  { weight: 3, arbitrary: fc.uint8Array({ maxLength: 2000 }).map((b) => ({ bytes: Buffer.from(b), expect: 'any' as Expect, what: 'garbage bytes' })) },
  {
    weight: 1,
    // Valid JSON whose bytes are then damaged in a few places: a flipped bit, a NUL, a cut multi-byte character.
    arbitrary: fc
      .tuple(validSettings, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 255 })), { minLength: 1, maxLength: 4 }))
      .map(([s, hits]) => {
        const b = enc(JSON.stringify(s));
        for (const [at, byte] of hits) b[at % b.length] = byte;
        return { bytes: b, expect: 'any' as Expect, what: 'damaged bytes' };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":"yes"},"version":1}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"alerts":{"__proto__":{"polluted":"yes"},"memWarnPercent":60}}',
      '{"alerts":{"constructor":{"prototype":{"polluted":"yes"}}}}',
      '{"alerts":{"maxInstances":{"__proto__":{"polluted":"yes"}}}}',
      '{"alerts":{"snoozed":{"constructor":{"prototype":{"polluted":1}}}}}',
      '{"groups":{"rules":[{"name":"x","kind":"agent","exe":["x"],"__proto__":{"polluted":"yes"}}]}}',
    ).map((t) => ({ bytes: enc(t), expect: 'any' as Expect, what: 'pollution attempt' })),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(validSettings, validSettings).map(([a, b]) => ({
      // Duplicate keys: JSON.parse keeps the last, and so must the check (the oracle parses the same way).
      bytes: enc(`${JSON.stringify(a).slice(0, -1)}${Object.keys(a).length > 0 ? ',' : ''}${JSON.stringify(b).slice(1)}`),
      expect: 'any' as Expect,
      what: 'duplicate keys',
    })),
  },
  {
    weight: 1,
    arbitrary: validSettings.map((s) => ({ bytes: Buffer.from(JSON.stringify(s), 'utf16le'), expect: 'refuse' as Expect, what: 'UTF-16' })),
  },
);

// ── the properties ─────────────────────────────────────────────────────────

describe('settings files under fuzzing', () => {
  test('reading: every file is used whole or refused whole, and a refused file is kept byte for byte', async () => {
    await fuzz('fuzz', 'settings files (read and checked)', fileCases, (c) => {
      resetDir();
      writeFileSync(path, c.bytes);
      const r = readSettingsFile(path);
      checkOpen(c, r.settings, r.notice, false);
    });
  });

  test('opening with the store (conf): same verdicts, and the file left behind opens cleanly', async () => {
    await fuzz(
      'fuzz',
      'settings files (opened by SettingsStore on conf)',
      fileCases,
      (c) => {
        resetDir();
        writeFileSync(path, c.bytes);
        const store = new SettingsStore(dir);
        checkOpen(c, store.get(), store.notice, true);
        // conf saves on the next change: a valid change is kept, a refused one changes nothing.
        const before = readFileSync(path);
        assert.throws(() => store.set({ alerts: { memWarnPercent: 101 } }));
        assert.ok(readFileSync(path).equals(before));
        store.set({ alerts: { cooldownSeconds: 123 } });
        assert.equal(readSettingsFile(path).settings.alerts.cooldownSeconds, 123);
      },
      { runs: sized(300, 2000) },
    );
  });

  test('bad files in quick succession: each one is kept, none overwrites an earlier backup', () => {
    resetDir();
    const n = 200;
    const written: Buffer[] = [];
    for (let i = 0; i < n; i++) {
      const b = enc(`{"version":1,"alerts": broken ${i}`);
      written.push(b);
      writeFileSync(path, b);
      assert.notEqual(readSettingsFile(path).notice, null);
    }
    const kept = backups().map((f) => readFileSync(join(dir, f)).toString());
    assert.equal(kept.length, n, `${n} bad files, ${kept.length} backups`);
    assert.deepEqual(kept.sort(), written.map((b) => b.toString()).sort());
  });

  test('huge files: refused above the size bound, used below it, never read whole when too large', () => {
    const cases: [string, () => void, Expect][] = [
      ['20 MB of garbage', () => writeFileSync(path, Buffer.alloc(20 * MB, 0x41)), 'refuse'],
      ['valid settings padded past the bound', () => writeFileSync(path, `{"version":1}${' '.repeat(MAX_SETTINGS_FILE_BYTES)}`), 'refuse'],
      ['valid settings padded to 8 MB', () => writeFileSync(path, `${' '.repeat(8 * MB)}{"version":1,"alerts":{"cooldownSeconds":42}}`), 'use'],
      ['a 5 MB string setting', () => writeFileSync(path, JSON.stringify({ version: 1, docker: { host: 'h'.repeat(5 * MB) } })), 'refuse'],
      ['a million protected names', () => writeFileSync(path, JSON.stringify({ version: 1, remedies: { protectedNames: Array.from({ length: 1_000_000 }, (_, i) => `p${i}`) } })), 'refuse'],
      ['100,000 levels of nesting', () => writeFileSync(path, `{"alerts":${'['.repeat(100_000)}${']'.repeat(100_000)}}`), 'refuse'],
    ];
    let n = 0;
    for (const [what, write, expect] of cases) {
      resetDir();
      write();
      const bytes = readFileSync(path);
      const r = readSettingsFile(path);
      checkOpen({ bytes, expect, what }, r.settings, r.notice, false);
      n++;
    }
    assert.equal(n, cases.length);
  });

  test('not a regular file: a directory, a dangling link, a link to a directory, a FIFO — never a hang', () => {
    resetDir();
    mkdirSync(path);
    writeFileSync(join(path, 'inside'), 'kept');
    let store = new SettingsStore(dir);
    assert.match(store.notice ?? '', /not a regular file/);
    assert.deepEqual(store.get(), DEFAULT_SETTINGS);
    const moved = backups();
    assert.equal(moved.length, 1);
    assert.equal(readFileSync(join(dir, moved[0], 'inside'), 'utf8'), 'kept', 'the directory was not kept');

    resetDir();
    symlinkSync(join(root, 'nowhere.json'), path);
    store = new SettingsStore(dir);
    assert.equal(store.notice, null, 'a dangling link is a missing file: defaults, no notice');
    assert.deepEqual(store.get(), DEFAULT_SETTINGS);
    assert.ok(lstatSync(path).isFile(), 'the defaults are saved as a real file');

    resetDir();
    mkdirSync(join(root, 'elsewhere'), { recursive: true });
    symlinkSync(join(root, 'elsewhere'), path);
    store = new SettingsStore(dir);
    assert.match(store.notice ?? '', /not a regular file/);
    assert.ok(existsSync(join(root, 'elsewhere')), 'the link target was touched');

    // A FIFO blocks a plain read until someone writes to it; opened in a child so a regression fails instead of hanging.
    resetDir();
    const mk = spawnSync('mkfifo', [path]);
    assert.equal(mk.status, 0, mk.stderr?.toString());
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `import { SettingsStore } from ${JSON.stringify(new URL('../../src/main/engine/settings/store.ts', import.meta.url).href)}; const s = new SettingsStore(${JSON.stringify(dir)}); console.log(JSON.stringify({ notice: s.notice }));`],
      { timeout: 20_000, encoding: 'utf8' },
    );
    assert.equal(child.signal, null, `opening a FIFO as settings hung (${child.signal})`);
    assert.equal(child.status, 0, child.stderr);
    assert.match(JSON.parse(child.stdout.trim().split('\n').at(-1) as string).notice, /not a regular file/);
  });

  test('no built-in prototype was polluted by any file', () => {
    assertUnpolluted(proto);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
