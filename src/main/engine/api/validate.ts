/**
 * Run-time checks for what crosses a process boundary into the handler table.
 * Types are erased at run time, so a renderer (or any page that found the web
 * mode's port) can send anything: these checks turn every bad shape into one
 * clear BadRequest sentence before a handler sees it.
 *
 * Hand-written on purpose: the argument shapes are few and small, and each
 * check says exactly what it refused.
 */

/** A malformed request; the handler table answers it with ApiError code 'bad-request'. */
export class BadRequest extends Error {}

/** Limits for any payload: generous for real use, small enough that a hostile one costs nothing. */
export const PAYLOAD_LIMITS = {
  /** Longest string anywhere in a payload (the longest real one is a 1000-char group rule regex). */
  maxString: 4096,
  /** Deepest nesting (a settings patch is 4 levels deep at most: patch → section → rules → rule → exe). */
  maxDepth: 6,
  /** Values in one payload, counting every object, array and scalar. */
  maxNodes: 20000,
} as const;

/** Keys that would reach an object's prototype when merged. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Checks that `value` is plain JSON-like data (null, booleans, finite numbers,
 * strings, arrays, plain objects) within PAYLOAD_LIMITS and without
 * prototype-pollution keys. Throws BadRequest naming the offending path.
 */
export function assertPlainData(value: unknown, what = 'argument'): void {
  let nodes = 0;
  const walk = (v: unknown, path: string, depth: number): void => {
    if (++nodes > PAYLOAD_LIMITS.maxNodes) throw new BadRequest(`${what} is too large`);
    if (v === null || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new BadRequest(`${path} must be a finite number`);
      return;
    }
    if (typeof v === 'string') {
      if (v.length > PAYLOAD_LIMITS.maxString) throw new BadRequest(`${path} is longer than ${PAYLOAD_LIMITS.maxString} characters`);
      return;
    }
    if (typeof v !== 'object') throw new BadRequest(`${path} has an unsupported type (${typeof v})`);
    if (depth >= PAYLOAD_LIMITS.maxDepth) throw new BadRequest(`${path} is nested too deeply`);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`, depth + 1);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new BadRequest(`${path} must be a plain object`);
    // Reflect.ownKeys also sees symbol keys and non-enumerable "__proto__" own properties.
    for (const key of Reflect.ownKeys(v)) {
      if (typeof key !== 'string') throw new BadRequest(`${path} has a symbol key`);
      if (FORBIDDEN_KEYS.has(key)) throw new BadRequest(`${path} has a forbidden key "${key}"`);
      if (key.length > 200) throw new BadRequest(`${path} has a key longer than 200 characters`);
      const desc = Object.getOwnPropertyDescriptor(v, key);
      if (!desc || !('value' in desc)) throw new BadRequest(`${path}.${key} must be a data property`);
      walk(desc.value, `${path}.${key}`, depth + 1);
    }
  };
  walk(value, what, 0);
}

/** A channel that takes no argument: undefined, or null (JSON has no undefined). */
export function expectNothing(arg: unknown): void {
  if (arg !== undefined && arg !== null) throw new BadRequest('this channel takes no argument');
}

/**
 * Checks that `arg` is a plain object whose keys are all in `allowed` and that
 * every key in `required` is present; returns it typed as a record.
 */
export function expectObject(arg: unknown, allowed: readonly string[], required: readonly string[] = allowed): Record<string, unknown> {
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) throw new BadRequest('argument must be an object');
  assertPlainData(arg);
  const rec = arg as Record<string, unknown>;
  for (const key of Object.keys(rec)) {
    if (!allowed.includes(key)) throw new BadRequest(`unknown key "${key.slice(0, 60)}" (expected: ${allowed.join(', ')})`);
  }
  for (const key of required) {
    if (!Object.hasOwn(rec, key)) throw new BadRequest(`missing key "${key}"`);
  }
  return rec;
}

export function expectString(v: unknown, name: string, maxLength: number, pattern?: RegExp): string {
  if (typeof v !== 'string') throw new BadRequest(`${name} must be a string`);
  if (v.length === 0 || v.length > maxLength) throw new BadRequest(`${name} must be 1 to ${maxLength} characters`);
  if (pattern && !pattern.test(v)) throw new BadRequest(`${name} has an invalid format`);
  return v;
}

export function expectNumber(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BadRequest(`${name} must be a finite number`);
  if (v < min || v > max) {
    if (max < Number.MAX_SAFE_INTEGER) throw new BadRequest(`${name} must be between ${min} and ${max}`);
    // An open-ended range: say which end was crossed (1e300 is not "less than 2").
    throw new BadRequest(v < min ? `${name} must be at least ${min}` : `${name} must be at most ${max}`);
  }
  return v;
}

export function expectInteger(v: unknown, name: string, min: number, max: number): number {
  if (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) throw new BadRequest(`${name} must be an integer`);
  return expectNumber(v, name, min, max);
}
