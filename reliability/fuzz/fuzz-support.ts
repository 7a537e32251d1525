/**
 * What the fuzz and guard files share: hostile values built once (MB strings
 * and thousands of nesting levels cost too much to generate per case), a
 * JSON-like tree generator that puts `__proto__` / `constructor` / `prototype`
 * in as *own* keys (as JSON.parse does), and `fuzz()`, which runs one
 * fast-check property, counts the cases it ran and records the figure.
 */

import fc from 'fast-check';
import { FUZZ_RUNS, PROFILE, recordFigure } from '../support/profile.ts';

const MB = 1024 * 1024;

/**
 * Replays a failure: HEADROOM_FUZZ_SEED=<the seed fast-check printed>. The
 * quick profile (CI) uses one fixed seed, so a submission's CI result does not
 * depend on the draw; the full profile draws a new seed every run, to keep
 * finding new cases (each failure prints its seed).
 */
const SEED = process.env.HEADROOM_FUZZ_SEED ? Number(process.env.HEADROOM_FUZZ_SEED) : PROFILE === 'quick' ? 20261123 : undefined;

/** Strings of megabytes: plain, astral Unicode, NULs, and one that starts like a real fix id or series. */
export const HUGE_STRINGS: readonly string[] = [
  'x'.repeat(4 * MB),
  '\u{1F600}'.repeat(MB / 2),
  '\u0000'.repeat(MB),
  `fx-${'0'.repeat(2 * MB)}`,
  `system.mem.used${' '.repeat(MB)}`,
  `${'9'.repeat(MB)}`,
];

/** An object with `key` as an own data property, whatever the key ("__proto__" included), as JSON.parse makes it. */
export function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

/** `depth` levels of nesting, built iteratively (a recursive builder would overflow first). */
export function nested(depth: number, wrap: (inner: unknown) => unknown, leaf: unknown = 1): unknown {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = wrap(v);
  return v;
}

function cyclic(): unknown {
  const a: Record<string, unknown> = { series: 'system.mem.used', sinceMs: 0 };
  a.self = a;
  return a;
}

/** Thousands of nesting levels, of every shape a payload can take. */
export const DEEP_VALUES: readonly unknown[] = [
  nested(5_000, (v) => ({ a: v })),
  nested(5_000, (v) => [v]),
  nested(3_000, (v) => ownObject([['__proto__', v]])),
  nested(3_000, (v) => ({ alerts: v })),
  nested(2_000, (v) => ({ id: v })),
  JSON.parse(`${'['.repeat(4_000)}${']'.repeat(4_000)}`),
  JSON.parse(`${'{"x":'.repeat(4_000)}1${'}'.repeat(4_000)}`),
  cyclic(),
];

/** Keys a prototype-pollution attempt uses. */
export const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Whole payloads whose only purpose is to reach Object.prototype through a careless merge. */
export const POLLUTERS: readonly unknown[] = [
  '{"__proto__":{"polluted":"yes"}}',
  '{"constructor":{"prototype":{"polluted":"yes"}}}',
  '{"prototype":{"polluted":"yes"}}',
  '{"alerts":{"__proto__":{"polluted":"yes"}}}',
  '{"alerts":{"constructor":{"prototype":{"polluted":"yes"}}}}',
  '{"__proto__":{"alerts":{"memWarnPercent":99}}}',
  '{"alerts":{"maxInstances":{"__proto__":{"polluted":"yes"}}}}',
  '{"alerts":{"maxInstances":{"__proto__":3}}}',
  '{"alerts":{"snoozed":{"constructor":{"prototype":{"polluted":1}}}}}',
  '{"groups":{"rules":[{"name":"x","kind":"agent","exe":["x"],"__proto__":{"polluted":"yes"}}]}}',
  '{"series":"system.mem.used","sinceMs":0,"__proto__":{"maxPoints":1e9,"polluted":"yes"}}',
  '{"id":"fx-0123456789","__proto__":{"polluted":"yes"}}',
  '{"sinceMs":0,"format":"md","constructor":{"prototype":{"polluted":"yes"}}}',
  '[{"__proto__":{"polluted":"yes"}}]',
].map((s) => JSON.parse(s) as unknown);

/** Numbers that break careless arithmetic and comparisons. */
export const ODD_NUMBERS: readonly number[] = [
  NaN, Infinity, -Infinity, -0, 0, -1, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2, -(2 ** 53), 0.1 + 0.2, 1e-7, 2 ** 31, 2 ** 32 + 1,
];

/** A JSON-like scalar, odd numbers and odd strings included (no BigInt: JSON cannot carry one). */
export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom<unknown>(...ODD_NUMBERS),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
);

/**
 * A JSON-like tree whose keys are drawn from `keys` (the channel's real keys),
 * the pollution keys, and random text; objects carry them as own properties.
 */
export function treeArb(keys: readonly string[], maxDepth = 4): fc.Arbitrary<unknown> {
  const keyArb = fc.oneof(
    { weight: 4, arbitrary: keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('k') },
    { weight: 2, arbitrary: fc.constantFrom(...FORBIDDEN_KEYS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom('toString', 'hasOwnProperty', 'valueOf', 'x'.repeat(300), '') },
  );
  const { node } = fc.letrec<{ node: unknown; arr: unknown[]; obj: Record<string, unknown> }>((tie) => ({
    node: fc.oneof({ maxDepth, depthIdentifier: 'tree' }, scalarArb, tie('arr'), tie('obj')),
    arr: fc.array(tie('node'), { maxLength: 4, depthIdentifier: 'tree' }),
    obj: fc.array(fc.tuple(keyArb, tie('node')), { maxLength: 5, depthIdentifier: 'tree' }).map(ownObject),
  }));
  return node;
}

/** Values only a structured-clone transport (Electron IPC) could deliver. */
export const exoticArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withSparseArray: true, maxDepth: 3 }),
  fc.constantFrom<unknown>(new Date(NaN), new Map([['id', 'fx-0123456789']]), new Uint8Array(16), Object.create(null), 10n, Symbol('s'), () => 1),
);

/**
 * A property every channel's arguments are also fed: anything a careless or
 * hostile page could send, with the channel's own keys mixed in.
 */
export function hostileArb(keys: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: treeArb(keys) },
    { weight: 2, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.constantFrom(...HUGE_STRINGS) },
    { weight: 1, arbitrary: fc.constantFrom(...DEEP_VALUES) },
    { weight: 2, arbitrary: fc.constantFrom(...POLLUTERS) },
    { weight: 1, arbitrary: exoticArb },
    // The channel's own keys with a huge or deep value: the validator must look no further than it needs.
    {
      weight: 2,
      arbitrary: fc
        .tuple(keys.length > 0 ? fc.constantFrom(...keys) : fc.constant('k'), fc.constantFrom<unknown>(...HUGE_STRINGS, ...DEEP_VALUES))
        .map(([k, v]) => ownObject([[k, v]])),
    },
  );
}

/** Own property names of the prototypes a pollution would reach, to compare before and after. */
export function prototypeFingerprint(): string {
  const names = (o: object) => Reflect.ownKeys(o).map(String).sort().join(',');
  return [names(Object.prototype), names(Array.prototype), names(Function.prototype), names(String.prototype)].join('|');
}

/** Throws if anything reached Object.prototype (or the other built-in prototypes). */
export function assertUnpolluted(before: string): void {
  const now = prototypeFingerprint();
  if (now !== before) throw new Error(`a built-in prototype was polluted: ${now}`);
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'memWarnPercent', 'maxPoints', 'alerts', 'id']) {
    if (probe[k] !== undefined) throw new Error(`Object.prototype.${k} is set`);
  }
}

export interface FuzzOutcome {
  cases: number;
  failures: number;
  seconds: number;
}

/**
 * Runs one property with fast-check for `runs` cases (FUZZ_RUNS by default),
 * counts the cases actually run, and records the figure — cases, failures (0
 * unless fast-check found a counterexample), wall time — before asserting.
 */
export async function fuzz<T>(
  area: 'fuzz' | 'guard',
  name: string,
  arb: fc.Arbitrary<T>,
  check: (value: T) => void | Promise<void>,
  opts: { runs?: number; minCases?: number } = {},
): Promise<FuzzOutcome> {
  // HEADROOM_FUZZ_RUNS shrinks a run while debugging; the runner never sets it.
  const runs = process.env.HEADROOM_FUZZ_RUNS ? Number(process.env.HEADROOM_FUZZ_RUNS) : (opts.runs ?? FUZZ_RUNS);
  const minCases = opts.minCases ?? runs;
  let cases = 0;
  const started = performance.now();
  let failure: unknown = null;
  try {
    await fc.assert(
      fc.asyncProperty(arb, async (v) => {
        cases++;
        await check(v);
      }),
      { numRuns: runs, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    failure = err;
  }
  const seconds = (performance.now() - started) / 1000;
  const failures = failure === null ? 0 : 1;
  recordFigure({
    area,
    name: `${name}: generated cases (${failures} failing, ${seconds.toFixed(1)} s)`,
    value: cases,
    unit: 'cases',
    bound: `≥ ${minCases}, 0 failing`,
    ok: failure === null && cases >= minCases,
  });
  if (failure !== null) throw failure;
  if (cases < minCases) throw new Error(`${name}: only ${cases} cases ran, expected at least ${minCases}`);
  return { cases, failures, seconds };
}

/**
 * Reports a file's wall time (only reported, not bounded: the suite asserts
 * behaviour, and a loaded CI machine must not turn a timing into a failure).
 */
export function recordWallTime(area: 'fuzz' | 'guard', name: string, startedMs: number): void {
  const seconds = (performance.now() - startedMs) / 1000;
  recordFigure({ area, name: `${name}: wall time`, value: Number(seconds.toFixed(1)), unit: 's', ok: true });
}
