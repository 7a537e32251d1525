/**
 * Settings generators read from the one schema (src/shared/settings.ts), so
 * they follow it when it changes: valid values for every setting, and values
 * that break exactly one of its rules.
 */

import fc from 'fast-check';
import { SETTINGS_SCHEMA } from '../../src/shared/settings.ts';

export interface SchemaNode {
  type?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  enum?: string[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  items?: SchemaNode;
  additionalProperties?: SchemaNode | boolean;
  propertyNames?: SchemaNode;
}

/** The schema's sections (intervals, alerts, …), each an object node. */
export const SECTIONS = SETTINGS_SCHEMA.properties as unknown as Record<string, SchemaNode>;

/** Every (section, key) pair of the schema. */
export const SETTING_PATHS: readonly (readonly [string, string])[] = Object.entries(SECTIONS).flatMap(([s, node]) =>
  Object.keys(node.properties ?? {}).map((k) => [s, k] as const),
);

const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A group rule's cmdline is a regular expression: the schema says only "text",
 * but settings validation also refuses one that does not compile or could
 * backtrack catastrophically. Valid ones are generated here, as escaped
 * literals and a few simple shapes; refusing broken ones is tested in
 * tests/engine/grouping/ (grouper.test.ts, redos.test.ts).
 */
const cmdlinePattern: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }).map((s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')),
  fc.constantFrom('', '^node .*mcp', '(claude|codex)', '\\bserver-[a-z]+\\b', 'npm exec (\\S+)', '[0-9]{2,4}$'),
);

/** Generates values the schema accepts for `node` (string lengths kept short: the cases are about shape, not size). */
export function arbFromSchema(node: SchemaNode, key = ''): fc.Arbitrary<unknown> {
  if (node.enum) return fc.constantFrom(...node.enum);
  if (key === 'cmdline' && node.type === 'string') return cmdlinePattern;
  switch (node.type) {
    case 'number':
      return fc.double({ min: node.minimum ?? -1e9, max: node.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case 'integer':
      return fc.integer({ min: node.minimum ?? -1e9, max: node.maximum ?? 1e9 });
    case 'boolean':
      return fc.boolean();
    case 'string':
      // A pattern (machine names, SSH destinations, remote socket paths) is met by generating from the pattern itself
      // (a fixed alphabet would never match, say, a socket's leading "/", and the filter would then loop forever);
      // blank text is left out, which the settings validation refuses whatever the pattern says.
      if (node.pattern) {
        const re = new RegExp(node.pattern, 'u');
        return fc.stringMatching(re, { size: 'xsmall' }).filter((s) => s.trim() !== '' && s.length >= (node.minLength ?? 0) && s.length <= (node.maxLength ?? Infinity));
      }
      return fc.string({ unit: 'grapheme', minLength: node.minLength ?? 0, maxLength: Math.min(node.maxLength ?? 40, 40) }).filter((s) => s.length >= (node.minLength ?? 0) && s.length <= (node.maxLength ?? Infinity));
    case 'array':
      return fc.array(arbFromSchema(node.items ?? {}, key), { maxLength: Math.min(node.maxItems ?? 5, 5) });
    case 'object': {
      if (node.properties) {
        const required = new Set(node.required ?? []);
        const shape = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, arbFromSchema(v, k)]));
        return fc.record(shape, { requiredKeys: Object.keys(shape).filter((k) => required.has(k)) });
      }
      const valueArb = typeof node.additionalProperties === 'object' ? arbFromSchema(node.additionalProperties) : fc.constant(1);
      const maxKey = node.propertyNames?.maxLength ?? 60;
      const key = fc.string({ minLength: 1, maxLength: Math.min(maxKey, 60) }).filter((k) => k.length <= maxKey && !FORBIDDEN.has(k));
      return fc.dictionary(key, valueArb, { maxKeys: 4 });
    }
    default:
      return fc.constant(null);
  }
}

/** Values outside what the schema accepts for `node` (its bounds, its type, its lengths and counts). */
export function badValuesFor(node: SchemaNode): unknown[] {
  if (node.enum) return ['', node.enum[0].toUpperCase(), `${node.enum[0]} `, 5, null, [node.enum[0]]];
  switch (node.type) {
    case 'number':
    case 'integer': {
      const out: unknown[] = [String(node.minimum), null, true, [node.minimum], { value: node.minimum }];
      if (node.minimum !== undefined) out.push(node.minimum - 1, node.minimum - 1e-6);
      if (node.maximum !== undefined) out.push(node.maximum + 1, node.maximum * 10 + 1);
      if (node.type === 'integer' && node.minimum !== undefined) out.push(node.minimum + 0.5);
      return out;
    }
    case 'boolean':
      return [0, 1, 'true', null, [], {}];
    case 'string':
      return [5, null, [], {}, 'x'.repeat((node.maxLength ?? 1000) + 1)];
    case 'array':
      return ['x', 5, {}, [''], ['x'.repeat(201)], [1], [null], Array.from({ length: (node.maxItems ?? 500) + 1 }, (_, i) => `n${i}`)];
    case 'object':
      return [
        [],
        'x',
        5,
        null,
        { a: -1 },
        { a: 'x' },
        { a: null },
        { ['k'.repeat(301)]: 1 },
        Object.fromEntries(Array.from({ length: (node.maxProperties ?? 500) + 1 }, (_, i) => [`k${i}`, 1])),
      ];
    default:
      return [null];
  }
}

/** Group rules that break one rule of the rule schema each. */
export const BAD_RULES: readonly unknown[] = [
  [{ name: 'x' }],
  [{ name: '', kind: 'agent', exe: ['x'] }],
  [{ name: 'x', kind: 'bogus', exe: ['x'] }],
  [{ name: 'x', kind: 'agent', exe: ['x'], extra: 1 }],
  [{ name: 'x', kind: 'agent', exe: [''] }],
  [{ name: 'x', kind: 'agent', cmdline: 'x'.repeat(1001) }],
  [{ name: 'x', kind: 'agent', absorbChildren: 'yes' }],
  [null],
  ['rule'],
  Array.from({ length: 501 }, (_, i) => ({ name: `r${i}`, kind: 'other', exe: [`r${i}`] })),
];

/** The schema node of one setting. */
export function nodeOf(section: string, key: string): SchemaNode {
  return (SECTIONS[section].properties as Record<string, SchemaNode>)[key];
}

/** Invalid values for one setting, group rules included. */
export function badValuesOf(section: string, key: string): unknown[] {
  const bad = badValuesFor(nodeOf(section, key));
  return section === 'groups' && key === 'rules' ? [...bad, ...BAD_RULES] : bad;
}
