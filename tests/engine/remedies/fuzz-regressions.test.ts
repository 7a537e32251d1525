/**
 * Bugs the reliability fuzzing (reliability/guard/planner-guards.test.ts)
 * found in the process planner, each pinned here on a fixture world.
 */

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GuardContext } from '../../../src/main/engine/remedies/guards.ts';
import { displayName, PROCESS_FIX_KINDS, planProcessFixes, type PlannerProc } from '../../../src/main/engine/remedies/process-planner.ts';
import type { ProcessGroup, ProcessTarget, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

const guard: GuardContext = {
  selfPid: 5000,
  selfUid: 1000,
  selfSession: 4100,
  ancestors: new Set([4990, 1]),
  protectedNames: new Set(['dev-db']),
  userProtected: new Set(['dev-db']),
};

const proc = (pid: number, ppid: number, name: string): PlannerProc => ({
  pid,
  ppid,
  name,
  comm: name.slice(0, 15),
  uid: 1000,
  session: 6000,
  ttyNr: 0,
  kernelThread: false,
  state: 'S',
  startTime: pid * 10,
  rssBytes: 100 * 1024 * 1024,
});

const group = (name: string, kind: ProcessGroup['kind'], pids: number[]): ProcessGroup => ({ name, kind, count: pids.length, rssBytes: 0, cpuPercent: 0, threads: 0, fds: null, pids });

describe('process planner: fuzzing regressions', () => {
  test('a child in a protected group is left out of its parent’s tree fix', () => {
    // An orphaned MCP launcher whose child is the user's protected dev database (grouped by a rule as "dev-db").
    const procs = new Map([proc(7000, 1, 'npm exec @x/mcp'), proc(7001, 7000, 'postgres'), proc(7002, 7000, 'node')].map((p) => [p.pid, p]));
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.remedies.protectedNames = ['dev-db'];
    const snapshot = {
      t: Date.now(),
      groups: [group('mcp @x/mcp', 'mcp', [7000, 7002]), group('dev-db', 'other', [7001])],
      zombies: [],
      orphans: [{ pid: 7000, name: 'npm exec @x/mcp', cmdline: 'npm exec @x/mcp', group: 'mcp @x/mcp', rssBytes: 0, treePids: [7001, 7002], ppid: 1 }],
    } as unknown as Snapshot;
    const drafts = planProcessFixes({ snapshot, alerts: [], settings, procs, guard });
    const tree = drafts.find((d) => d.kind === PROCESS_FIX_KINDS.stopTree);
    assert.ok(tree);
    assert.deepEqual((tree.targets as ProcessTarget[]).map((t) => t.pid).sort(), [7000, 7002]);
    assert.match(tree.reason, /1 protected process is left alone/);
  });

  test('bidirectional-text controls in a process name cannot reorder a title', () => {
    assert.equal(displayName('\u202egnp.exe'), '?gnp.exe');
    assert.equal(displayName('a\u2066b\u2069c\u200f'), 'a?b?c?');
    assert.equal(displayName('claude'), 'claude');
    assert.equal(displayName('مرحبا'), 'مرحبا', 'right-to-left text itself is kept');
  });
});
