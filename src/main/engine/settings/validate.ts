/**
 * Validates settings and settings patches against the one schema in
 * src/shared/settings.ts. A patch is merged onto a copy and the *whole* result
 * is validated before anything is applied, so a bad patch is never half-applied.
 */

import { Ajv } from 'ajv';
import { DEFAULT_SETTINGS, SETTINGS_SCHEMA, type Settings } from '../../../shared/settings.ts';
import { userPatternProblem } from '../grouping/safe-pattern.ts';
import { machinesProblem } from '../remote/machine-input.ts';

const ajv = new Ajv({ allErrors: false, strict: false });
const check = ajv.compile<Settings>(SETTINGS_SCHEMA);

/** Keys that must never be merged into an object (prototype pollution). */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export class SettingsError extends Error {}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Throws SettingsError with one clear sentence if `s` is not valid Settings. */
export function assertSettings(s: unknown): asserts s is Settings {
  // Machines first: the schema's pattern errors would not say what is wrong with a destination.
  const machines = isPlainObject(s) ? s.machines : undefined;
  const machineProblem = machines === undefined ? null : machinesProblem(machines);
  if (machineProblem) throw new SettingsError(`invalid setting ${machineProblem}`);
  if (!check(s)) {
    const e = check.errors?.[0];
    const where = e?.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'settings';
    throw new SettingsError(`invalid setting ${where}: ${e?.message ?? 'does not match the schema'}`);
  }
  if (s.alerts.memCritPercent < s.alerts.memWarnPercent) {
    throw new SettingsError('invalid setting alerts.memCritPercent: must be at least alerts.memWarnPercent');
  }
  // A grouping pattern runs on every new process inside the engine's tick: one that does not compile, or
  // that could backtrack catastrophically on a hostile process name, is refused here (on save and on load).
  s.groups.rules.forEach((rule, i) => {
    const problem = rule.cmdline ? userPatternProblem(rule.name, rule.cmdline) : null;
    if (problem) throw new SettingsError(`invalid setting groups.rules.${i}.cmdline: ${problem}`);
  });
}

/**
 * Returns `current` with `patch` merged in (objects merged one level deep per
 * section, arrays and scalars replaced), validated. Never mutates `current`.
 */
export function applyPatch(current: Settings, patch: unknown): Settings {
  if (!isPlainObject(patch)) throw new SettingsError('a settings patch must be an object');
  const next = structuredClone(current) as unknown as Record<string, unknown>;
  for (const [section, value] of Object.entries(patch)) {
    if (FORBIDDEN.has(section)) throw new SettingsError(`invalid setting key "${section}"`);
    // The schema version says which migrations a file needs, so only Headroom writes it: a patched
    // "version": 2 would be saved, and the next start would discard the file as "from a newer Headroom".
    if (section === 'version') {
      if (value !== next.version) throw new SettingsError(`setting "version" is Headroom's own (${String(next.version)}) and cannot be changed`);
      continue;
    }
    // Own keys only: `in` would take inherited names ("toString", "valueOf") for settings.
    if (!Object.hasOwn(next, section)) throw new SettingsError(`unknown setting "${section}"`);
    const cur = next[section];
    if (isPlainObject(cur) && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) {
        if (FORBIDDEN.has(k)) throw new SettingsError(`invalid setting key "${section}.${k}"`);
        if (!Object.hasOwn(cur, k)) throw new SettingsError(`unknown setting "${section}.${k}"`);
        cur[k] = v;
      }
    } else {
      next[section] = value;
    }
  }
  assertSettings(next);
  return next;
}

/** Fills missing sections/keys from the defaults (older files, new settings). */
export function withDefaults(partial: unknown): Settings {
  const base = structuredClone(DEFAULT_SETTINGS) as unknown as Record<string, unknown>;
  if (!isPlainObject(partial)) return base as unknown as Settings;
  for (const [section, value] of Object.entries(partial)) {
    if (FORBIDDEN.has(section) || !Object.hasOwn(base, section)) continue;
    const cur = base[section];
    if (isPlainObject(cur) && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) if (!FORBIDDEN.has(k) && Object.hasOwn(cur, k)) cur[k] = v;
    } else base[section] = value;
  }
  return base as unknown as Settings;
}
