/**
 * The settings form's fields: the control each property of the real settings
 * schema gets, labels, and values written into controls and read back.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { controlKind, fieldOfError, formatValue, labelFor, parseValue, type ControlKind, type PropSchema } from '../../src/renderer/views/settings-fields.ts';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA } from '../../src/shared/settings.ts';

const sections = (SETTINGS_SCHEMA as unknown as { properties: Record<string, PropSchema> }).properties;

describe('controlKind', () => {
  test('the real schema: checkboxes, selects, numbers, lines, name = count maps, JSON', () => {
    const kind = (path: string) => {
      const [section, key] = path.split('.');
      return controlKind(sections[section].properties![key]);
    };
    assert.equal(kind('docker.enabled'), 'checkbox');
    assert.equal(kind('remedies.keepPolicy'), 'select');
    assert.equal(kind('alerts.memWarnPercent'), 'number');
    assert.equal(kind('history.rawHours'), 'number');
    assert.equal(kind('remedies.protectedNames'), 'lines');
    assert.equal(kind('alerts.maxInstances'), 'name-counts');
    assert.equal(kind('groups.rules'), 'json');
  });

  test('every default value survives the round trip through its control', () => {
    const defaults = DEFAULT_SETTINGS as unknown as Record<string, Record<string, unknown>>;
    for (const [section, s] of Object.entries(sections)) {
      for (const [key, prop] of Object.entries(s.properties ?? {})) {
        const v = defaults[section]?.[key];
        const kind = controlKind(prop);
        if (kind === 'text' && typeof v !== 'string') continue; // state kept as objects (snoozes): never shown
        assert.deepEqual(parseValue(kind, formatValue(kind, v)), v, `${section}.${key}`);
      }
    }
  });
});

describe('parseValue', () => {
  test('numbers: required and finite', () => {
    assert.equal(parseValue('number', ' 42.5 '), 42.5);
    assert.throws(() => parseValue('number', '  '), /a number is required/);
    assert.throws(() => parseValue('number', '12abc'), /not a number/);
    assert.throws(() => parseValue('number', 'Infinity'), /not a number/);
  });

  test('lines: trimmed, blank lines dropped', () => {
    assert.deepEqual(parseValue('lines', ' sshd \n\n  dockerd\n'), ['sshd', 'dockerd']);
    assert.deepEqual(parseValue('lines', ''), []);
  });

  test('name = count lines, with a message naming the bad line', () => {
    assert.deepEqual(parseValue('name-counts', 'claude = 4\n npm exec=2 \n'), { claude: 4, 'npm exec': 2 });
    assert.throws(() => parseValue('name-counts', 'claude: 4'), /"claude: 4" is not "name = number"/);
    assert.throws(() => parseValue('name-counts', 'claude = many'), /is not "name = number"/);
  });

  test('JSON, an empty box meaning an empty list', () => {
    assert.deepEqual(parseValue('json', '[{"name":"x","kind":"agent"}]'), [{ name: 'x', kind: 'agent' }]);
    assert.deepEqual(parseValue('json', ''), []);
    assert.throws(() => parseValue('json', '[{'), /^Error: not valid JSON/);
  });

  test('checkboxes and text as they are', () => {
    assert.equal(parseValue('checkbox', true), true);
    assert.equal(parseValue('checkbox', 'true' as unknown as boolean), false);
    assert.equal(parseValue('text', 'unix:///run/docker.sock'), 'unix:///run/docker.sock');
    assert.equal(parseValue('select' as ControlKind, 'newest'), 'newest');
  });
});

describe('formatValue', () => {
  test('what each control shows', () => {
    assert.equal(formatValue('checkbox', 'yes'), false);
    assert.equal(formatValue('lines', ['a', 'b']), 'a\nb');
    assert.equal(formatValue('lines', 'not a list'), '');
    assert.equal(formatValue('name-counts', { claude: 4, node: 10 }), 'claude = 4\nnode = 10');
    assert.equal(formatValue('name-counts', null), '');
    assert.equal(formatValue('json', undefined), '[]');
    assert.equal(formatValue('number', 85), '85');
    assert.equal(formatValue('text', null), '');
  });
});

describe('labels and errors', () => {
  test('written labels for known settings, words for the rest', () => {
    assert.equal(labelFor('history.rawHours'), 'Full resolution (hours)');
    assert.equal(labelFor('detector.maxWindowSeconds'), 'Look back at most (hours)');
    assert.equal(labelFor('intervals.systemMs'), 'Measure memory and load every (seconds)');
    assert.equal(labelFor('docker.unknownKey'), 'Unknown Key');
  });

  test('an error from main marks the field it names, or a part of it', () => {
    const paths = ['alerts.memWarnPercent', 'alerts.memCritPercent', 'groups.rules'];
    // The forms main's settings validation writes (src/main/engine/settings/validate.ts).
    assert.equal(fieldOfError('invalid setting alerts.memCritPercent: must be at least alerts.memWarnPercent', paths), 'alerts.memCritPercent');
    assert.equal(fieldOfError('invalid setting alerts.memWarnPercent: must be <= 100', paths), 'alerts.memWarnPercent');
    assert.equal(fieldOfError('invalid setting groups.rules.2.name: must NOT have fewer than 1 characters', paths), 'groups.rules');
    assert.equal(fieldOfError('unknown setting "alerts.memWarn"', paths), null, 'a prefix of a name is not that field');
    assert.equal(fieldOfError('settings file is read-only', paths), null);
  });
});
