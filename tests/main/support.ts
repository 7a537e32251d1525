/**
 * What the glue tests share: a data folder whose settings group a swarm of
 * uniquely named processes on its own (so a fix can only ever touch the test's
 * processes, never a real program's), waiting on what the double recorded,
 * and a Lifecycle for runs that do not go through lifecycle.ts.
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lifecycle } from '../../src/main/lifecycle.ts';
import type { FixProposal, ProcessTarget } from '../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../src/shared/settings.ts';
import { PROCESS_FIX_KINDS } from '../../src/main/engine/remedies/process-planner.ts';

/** Instances allowed per swarm before its alert fires, and how many its fix keeps. */
export const SWARM_MAX = 2;
export const SWARM_KEEP = 1;

/**
 * A data folder for an app run. Each name in `swarms` gets its own grouping
 * rule (matching only that argv[0]), an instance maximum of SWARM_MAX and an
 * alert that fires at once; samples come quickly and Docker is off.
 */
export function appHome(swarms: string[]): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-glue-'));
  const s = structuredClone(DEFAULT_SETTINGS);
  s.intervals.systemMs = 500;
  s.intervals.processesMs = 500;
  s.alerts.sustainSeconds = 0;
  s.alerts.cooldownSeconds = 0;
  s.alerts.maxInstances = Object.fromEntries(swarms.map((n) => [n, SWARM_MAX]));
  // The user's own agents (this machine runs real ones) raise no alert and get no fix offered in these runs.
  s.alerts.defaultMaxInstances = 10_000;
  s.groups.rules = swarms.map((name) => ({ name, kind: 'other' as const, exe: [name] }));
  s.remedies.keepInstances = SWARM_KEEP;
  s.remedies.graceSeconds = 1;
  s.docker.enabled = false;
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(s));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A unique process name no real program has. */
export function uniqueName(role: string): string {
  return `hr-double-${role}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Resolves with `probe()`'s first truthy value, checked every 50 ms; rejects naming `what` after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | null | undefined | false | Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Lets every promise callback already queued run (a declined dialog's continuation), without waiting on a clock. */
export function settle(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** The planner's "stop the excess instances" fix for one swarm, once proposed. */
export function stopExcessFix(fixes: readonly FixProposal[], name: string): FixProposal | undefined {
  return fixes.find((f) => f.kind === PROCESS_FIX_KINDS.stopExcess && f.title.includes(name));
}

export const targetPids = (f: { targets: readonly unknown[] }): number[] => (f.targets as ProcessTarget[]).map((t) => t.pid).sort((a, b) => a - b);

/** A Lifecycle for startApp() without lifecycle.ts: started at login (no window), hooks run by `shutdown()`. */
export function testLifecycle(): Lifecycle & { shutdown(): Promise<void>; quitRequested: boolean } {
  const hooks: (() => void | Promise<void>)[] = [];
  return {
    quitRequested: false,
    startHidden: () => true,
    getAutostart: () => false,
    setAutostart() {},
    quit() {
      this.quitRequested = true;
    },
    onShutdown(hook) {
      hooks.push(hook);
    },
    async shutdown() {
      for (const h of hooks) await h();
    },
  };
}
