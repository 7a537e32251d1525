/**
 * Property test: over random snapshots and process tables — with PID 1, our own
 * PID, our real ancestors, kernel threads, desktop processes, protected names,
 * other users, PID reuse between snapshot and table, and adversarial names
 * (`claude; rm -rf /`, newlines, long Unicode) — no proposal ever targets a
 * process the guards protect, and no process text reaches a command.
 *
 * The oracle below restates the must-never rules independently of guards.ts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createGuardContext } from '../../../src/main/engine/remedies/guards.ts';
import { planProcessFixes, type PlannerProc } from '../../../src/main/engine/remedies/process-planner.ts';
import { readAncestors } from '../../../src/main/engine/platform/linux/live-process.ts';
import type { Alert, GroupKind, ProcessGroup, ProcessTarget, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';

const SELF = process.pid;
const ANCESTORS = readAncestors(SELF);
const SELF_UID = process.getuid?.() ?? 0;
const PROTECTED = ['precious', 'Keep-Me'];
const DESKTOP = ['Xorg', 'Xwayland', 'gnome-shell', 'plasmashell', 'kwin_wayland', 'sway', 'weston', 'tmux', 'systemd', 'sshd'];

const adversarialName = fc.oneof(
  fc.constantFrom(
    'claude',
    'claude; rm -rf /',
    'claude\nkill -9 1',
    '$(reboot)',
    '`id`',
    'npx',
    'node',
    '-bash',
    'bash',
    ...PROTECTED,
    ...PROTECTED.map((p) => p.toUpperCase()),
    ...DESKTOP,
  ),
  fc.string({ unit: 'grapheme', maxLength: 1200 }),
  fc.string({ unit: 'binary', maxLength: 64 }),
);

interface World {
  procs: Map<number, PlannerProc>;
  snapshot: Snapshot;
  alerts: Alert[];
  settings: Settings;
}

const pidPool = [1, 2, SELF, ...ANCESTORS, ...Array.from({ length: 40 }, (_, i) => 3000 + i)];

const procArb = (pid: number) =>
  fc.record({
    pid: fc.constant(pid),
    ppid: fc.oneof(fc.constantFrom(...pidPool), fc.constant(0)),
    name: adversarialName,
    comm: adversarialName,
    uid: fc.constantFrom(SELF_UID, SELF_UID, SELF_UID, 1000, 0, -1),
    session: fc.oneof(fc.constant(pid), fc.constantFrom(...pidPool)),
    ttyNr: fc.constantFrom(0, 0, 34816),
    kernelThread: fc.constantFrom(false, false, false, true),
    state: fc.constantFrom('S', 'S', 'R', 'D', 'Z'),
    startTime: fc.integer({ min: 1, max: 1e9 }),
    rssBytes: fc.integer({ min: 0, max: 8 * 1024 ** 3 }),
  });

const worldArb: fc.Arbitrary<World> = fc
  .subarray(pidPool, { minLength: 1 })
  .chain((pids) => fc.tuple(fc.constant(pids), fc.tuple(...pids.map(procArb))))
  .chain(([pids, procList]) => {
    const names = [...new Set(procList.map((p) => p.name))];
    const groupArb = fc.record({
      name: fc.oneof(fc.constantFrom(...names), adversarialName),
      kind: fc.constantFrom<GroupKind>('agent', 'mcp', 'other', 'browser', 'editor', 'system', 'runtime'),
      pids: fc.subarray([...pids, 99999, 123456]),
    });
    return fc.record({
      procs: fc.constant(procList),
      groups: fc.array(groupArb, { maxLength: 6 }),
      zombies: fc.array(fc.record({ pid: fc.constantFrom(...pids, 77777), ppid: fc.constantFrom(...pidPool) }), { maxLength: 5 }),
      orphans: fc.array(fc.record({ pid: fc.constantFrom(...pids, 88888), group: fc.constantFrom(...names), treePids: fc.subarray(pids) }), { maxLength: 4 }),
      alertCulprits: fc.array(fc.oneof(fc.constantFrom(...names), fc.constant(null)), { maxLength: 4 }),
      alertRules: fc.array(fc.constantFrom('leak', 'instances', 'zombie', 'orphan', 'mem.used', 'swap'), { maxLength: 4 }),
      keepInstances: fc.integer({ min: 0, max: 5 }),
      keepPolicy: fc.constantFrom<Settings['remedies']['keepPolicy']>('newest', 'active', 'tty'),
      defaultMax: fc.integer({ min: 1, max: 4 }),
      explicitMax: fc.dictionary(fc.constantFrom(...names), fc.integer({ min: 1, max: 3 }), { maxKeys: 3 }),
      tableReused: fc.boolean(),
    });
  })
  .map((w) => {
    const procs = new Map<number, PlannerProc>();
    for (const p of w.procs) procs.set(p.pid, p);
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.remedies.keepInstances = w.keepInstances;
    settings.remedies.keepPolicy = w.keepPolicy;
    settings.remedies.protectedNames = PROTECTED;
    settings.alerts.defaultMaxInstances = w.defaultMax;
    // A dictionary from fast-check may carry a "__proto__" key; the planner must treat it as data.
    settings.alerts.maxInstances = { ...w.explicitMax };
    const groups: ProcessGroup[] = w.groups.map((g) => ({
      name: g.name,
      kind: g.kind,
      count: g.pids.length,
      rssBytes: 0,
      cpuPercent: 0,
      threads: 0,
      fds: null,
      pids: g.pids,
    }));
    const alerts: Alert[] = w.alertRules.map((rule, i) => ({
      id: `${rule}:${i}`,
      rule,
      severity: 'warning',
      state: 'firing',
      title: `alert ${i}`,
      detail: '',
      culprit: w.alertCulprits[i] ?? null,
      since: 0,
      resolvedAt: null,
      fixIds: [],
    }));
    const snapshot = {
      t: Date.now(),
      groups,
      zombies: w.zombies.map((z) => ({ ...z, parentName: 'p', name: 'z', sinceSeconds: 999 })),
      orphans: w.orphans.map((o) => ({ ...o, name: o.group, cmdline: o.group, rssBytes: 0, ppid: 1 })),
    } as unknown as Snapshot;
    return { procs, snapshot, alerts, settings };
  });

/** The must-never rules, restated without guards.ts. Returns why `p` must not be a target, or null. */
function forbidden(p: PlannerProc | undefined, selfUid: number, flaggedOtherUsers: boolean): string | null {
  if (p === undefined) return 'not in the table';
  if (p.pid <= 1) return 'PID 1';
  if (p.pid === SELF) return 'Headroom';
  if (ANCESTORS.includes(p.pid)) return 'an ancestor';
  if (p.kernelThread) return 'kernel thread';
  if (p.state === 'Z') return 'zombie';
  const names = [p.name, p.comm].map((n) => n.trim().toLowerCase());
  if (names.some((n) => PROTECTED.map((x) => x.toLowerCase()).includes(n))) return 'protected name';
  if (names.some((n) => DESKTOP.map((x) => x.toLowerCase()).includes(n))) return 'desktop process';
  if (names.some((n) => n.startsWith('-'))) return 'login shell';
  if (p.pid === p.session && p.ttyNr !== 0) return 'terminal session leader';
  if (p.uid < 0) return 'unknown owner';
  if (p.uid !== selfUid && !(selfUid === 0 && flaggedOtherUsers)) return 'another user';
  return null;
}

function checkWorld(w: World, selfUid: number): void {
  const guard = createGuardContext(w.settings, { selfUid });
  const drafts = planProcessFixes({
    ...w,
    guard,
    lastActive: (pid) => pid * 7,
    reapTried: (pid) => pid % 2 === 0,
  });
  for (const d of drafts) {
    const flagged = d.params?.otherUsers === true;
    if (flagged) assert.match(d.title, /other users/);
    // eslint-disable-next-line no-control-regex
    assert.doesNotMatch(d.title, /[\u0000-\u001f\u007f]/, 'a control character reached a title');
    assert.match(d.command, /^kill -(TERM|CHLD)( \d+)+$/, `command "${d.command}"`);
    assert.ok(d.targets.length > 0);
    const seen = new Set<number>();
    for (const t of d.targets as ProcessTarget[]) {
      assert.equal(t.kind, 'process');
      const p = w.procs.get(t.pid);
      const why = forbidden(p, selfUid, flagged);
      assert.equal(why, null, `${d.kind} targets PID ${t.pid} (${JSON.stringify(p?.name)}): ${why}`);
      assert.equal(t.startTime, p?.startTime, 'the target carries the start time of the process it was planned for');
      assert.ok(!seen.has(t.pid), `PID ${t.pid} twice in one proposal`);
      seen.add(t.pid);
    }
  }
}

describe('planner guards, property-based', () => {
  it('never targets PID 1, Headroom, its ancestors, kernel threads, protected or desktop names (running as us)', () => {
    fc.assert(
      fc.property(worldArb, (w) => checkWorld(w, SELF_UID)),
      { numRuns: 400 },
    );
  });

  it('never targets another user’s process when not running as root', () => {
    fc.assert(
      fc.property(worldArb, (w) => checkWorld(w, 1000)),
      { numRuns: 200 },
    );
  });

  it('still proposes fixes in ordinary worlds (the property is not vacuous)', () => {
    let proposals = 0;
    fc.assert(
      fc.property(worldArb, (w) => {
        proposals += planProcessFixes({ ...w, guard: createGuardContext(w.settings) }).length;
      }),
      { numRuns: 200 },
    );
    assert.ok(proposals > 50, `only ${proposals} proposals in 200 random worlds`);
  });
});
