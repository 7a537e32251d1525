/**
 * Issue #9, part 4: the guards hold under fuzzing.
 *
 * 1. The planner, fed FUZZ_RUNS random worlds — snapshots and live process
 *    tables that disagree (PID reuse: same PID, another start time and name),
 *    PID 1, this process, its real ancestors and session leader, kernel
 *    threads, zombies, other users, login shells, desktop processes, names on
 *    the protected list, their homoglyphs, and adversarial names (`claude;
 *    rm -rf /`, `$(reboot)`, backticks, newlines, control characters, 4 KB of
 *    Unicode) — never proposes a protected target, and no process text reaches
 *    a proposal's command or an unescaped title. The must-never rules are
 *    restated here, independently of guards.ts.
 * 2. The fix runner, on REAL processes: a proposal is planned, then some of
 *    its targets exit and their PIDs are handed to new processes (real PID
 *    reuse, via /proc/sys/kernel/ns_last_pid), some with adversarial or
 *    protected names; running the fix stops exactly the targets that are still
 *    the processes it was planned for, and touches none of the others.
 * 3. No shell: nothing in src/ runs a shell (static check, with the few
 *    justified child-process uses allow-listed), and the one shell a
 *    dependency runs — node-notifier's `notify-send` on Linux, which gets
 *    alert titles that carry process names — gets them as inert text.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { Engine } from '../../src/main/engine/engine.ts';
import { createGuardContext, SESSION_AND_DESKTOP_NAMES } from '../../src/main/engine/remedies/guards.ts';
import { createRemedies } from '../../src/main/engine/remedies/index.ts';
import { PROCESS_FIX_KINDS, planProcessFixes, type PlannerProc } from '../../src/main/engine/remedies/process-planner.ts';
import { createNodeNotifier } from '../../src/main/engine/notify/node-notifier.ts';
import type { Alert, GroupKind, ProcessGroup, ProcessTarget, Snapshot } from '../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src/shared/settings.ts';
import { repoRoot } from '../../tests/helpers/cli.ts';
import { isAlive, readCmdline, startTimeOf, waitUntil } from '../../tests/helpers/procs.ts';
import { FUZZ_RUNS, recordFigure, sized } from '../support/profile.ts';
import { fuzz, recordWallTime } from '../fuzz/fuzz-support.ts';

const started = performance.now();
const tag = randomBytes(3).toString('hex');
const SELF = process.pid;
const SELF_UID = process.getuid?.() ?? 0;

/** This process's parent chain, read here rather than through platform/linux/live-process.ts. */
function statFields(pid: number): string[] | null {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return s.slice(s.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
function ancestorsOf(pid: number): number[] {
  const out: number[] = [];
  for (let p = Number(statFields(pid)?.[1] ?? 0); p > 0 && !out.includes(p); p = Number(statFields(p)?.[1] ?? 0)) out.push(p);
  return out;
}
const ANCESTORS = ancestorsOf(SELF);
const SELF_SESSION = Number(statFields(SELF)?.[3] ?? -1);

after(() => recordWallTime('guard', 'planner and fix-runner guards', started));

// ── adversarial names ─────────────────────────────────────────────────────

const USER_PROTECTED = ['precious', 'Keep-Me', 'postgres'];
const DESKTOP = ['Xorg', 'gnome-shell', 'plasmashell', 'kwin_wayland', 'sway', 'tmux', 'systemd', 'sshd', 'dockerd', 'pipewire'];
/** Look-alikes of protected names: a different name, so a different process (the guards must decide on the real name). */
const HOMOGLYPHS = [
  '\u0455shd', // Cyrillic dze
  'ss\u04bbd', // Cyrillic shha
  '\u03a7org', // Greek Chi
  'Xorg\u200b', // zero-width space
  '\uff53\uff53\uff48\uff44', // fullwidth
  'pre\u0441ious', // Cyrillic es
  'tm\u0075\u0308x', // combining diaeresis
  'SSHD',
  ' sshd ',
  'sshd\t',
  'Keep-Me\u00a0',
];
const SHELLY = ['claude; rm -rf /', '$(reboot)', '`id`', 'claude\nkill -9 1', 'a && b', 'x|y', '"; touch /tmp/pwn; "', "'$(id)'", '${IFS}', '\\', '-bash', '--help', '%s%n'];

const adversarialName = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('claude', 'codex', 'node', 'npm exec @x/mcp', 'npx', 'bash', 'zsh', 'sleep') },
  { weight: 2, arbitrary: fc.constantFrom(...USER_PROTECTED, ...USER_PROTECTED.map((n) => n.toUpperCase()), ...DESKTOP) },
  { weight: 2, arbitrary: fc.constantFrom(...HOMOGLYPHS) },
  { weight: 2, arbitrary: fc.constantFrom(...SHELLY) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 1400 }) }, // ~4 KB of UTF-8
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }).map((s) => s.replace(/\u0000/g, '')) }, // control characters, no NUL (/proc cannot hold one)
  { weight: 1, arbitrary: fc.constantFrom('\u202egnp.exe', 'claude\u2066', 'a\u2028b', '\u001b[31mred', '\u0085next', '') },
);

// ── random worlds ─────────────────────────────────────────────────────────

interface World {
  procs: Map<number, PlannerProc>;
  snapshot: Snapshot;
  alerts: Alert[];
  settings: Settings;
}

const pidPool = [...new Set([1, 2, SELF, SELF_SESSION, ...ANCESTORS, ...Array.from({ length: 40 }, (_, i) => 40_000 + i)])].filter((p) => p > 0);

const procArb = (pid: number) =>
  fc.record({
    pid: fc.constant(pid),
    ppid: fc.oneof(fc.constantFrom(...pidPool), fc.constant(0), fc.constant(2)),
    name: adversarialName,
    comm: adversarialName.map((s) => s.slice(0, 15)),
    // Mostly ordinary processes, so that the worlds produce proposals to check; the rest are the hard cases.
    uid: fc.constantFrom(SELF_UID, SELF_UID, SELF_UID, SELF_UID, SELF_UID, 1000, 0, 65534, -1),
    session: fc.oneof(fc.constantFrom(...pidPool), fc.constant(pid)),
    ttyNr: fc.constantFrom(0, 0, 0, 34816),
    kernelThread: fc.constantFrom(false, false, false, false, false, false, false, true),
    state: fc.constantFrom('S', 'S', 'S', 'S', 'S', 'R', 'D', 'Z', 'X', 'T'),
    startTime: fc.integer({ min: 1, max: 1e9 }),
    rssBytes: fc.integer({ min: 0, max: 16 * 1024 ** 3 }),
  });

const worldArb: fc.Arbitrary<World> = fc
  .subarray(pidPool, { minLength: 1 })
  .chain((pids) => fc.tuple(fc.constant(pids), fc.tuple(...pids.map(procArb))))
  .chain(([pids, procList]) => {
    const names = [...new Set(procList.map((p) => p.name))];
    const groupName = fc.oneof(fc.constantFrom(...names), adversarialName, fc.constantFrom(...USER_PROTECTED));
    // Snapshot PIDs that the table no longer has, or has as another process: the snapshot is older than the table.
    const snapPidPool = [...pids, 99_999, 123_456];
    return fc.record({
      procs: fc.constant(procList),
      groups: fc.array(fc.record({ name: groupName, kind: fc.constantFrom<GroupKind>('agent', 'mcp', 'other', 'browser', 'editor', 'system', 'runtime', 'container') }), { maxLength: 6 }),
      // Each PID in at most one group, as the grouper makes them.
      membership: fc.array(fc.nat({ max: 7 }), { minLength: snapPidPool.length, maxLength: snapPidPool.length }),
      zombies: fc.array(fc.record({ pid: fc.constantFrom(...pids, 77_777), ppid: fc.constantFrom(...pidPool) }), { maxLength: 5 }),
      orphans: fc.array(fc.record({ pid: fc.constantFrom(...pids, 88_888), group: groupName, treePids: fc.subarray(pids) }), { maxLength: 4 }),
      alerts: fc.array(fc.record({ rule: fc.constantFrom('leak', 'instances', 'zombies', 'orphans', 'mem.used', 'swap.pressure'), culprit: fc.option(groupName, { nil: null }) }), { maxLength: 5 }),
      protectedNames: fc.subarray([...USER_PROTECTED, ...SHELLY, ...HOMOGLYPHS.slice(0, 3)]),
      keepInstances: fc.integer({ min: 0, max: 5 }),
      keepPolicy: fc.constantFrom<Settings['remedies']['keepPolicy']>('newest', 'active', 'tty'),
      defaultMax: fc.integer({ min: 1, max: 4 }),
      explicitMax: fc.dictionary(groupName, fc.integer({ min: 1, max: 3 }), { maxKeys: 3 }),
    });
  })
  .map((w) => {
    const procs = new Map<number, PlannerProc>(w.procs.map((p) => [p.pid, p]));
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.remedies.keepInstances = w.keepInstances;
    settings.remedies.keepPolicy = w.keepPolicy;
    settings.remedies.protectedNames = w.protectedNames;
    settings.alerts.defaultMaxInstances = w.defaultMax;
    settings.alerts.maxInstances = { ...w.explicitMax };
    const snapPidPool = [...w.procs.map((p) => p.pid), 99_999, 123_456];
    const groups: ProcessGroup[] = w.groups.map((g, i) => {
      const pids = snapPidPool.filter((_, j) => w.membership[j] === i);
      return { name: g.name, kind: g.kind, count: pids.length, rssBytes: 0, cpuPercent: 0, threads: 0, fds: null, pids };
    });
    const alerts: Alert[] = w.alerts.map((a, i) => ({
      id: `${a.rule}:${a.culprit === null ? 'system.mem.used' : `process.group.${a.culprit}.rss`}`.concat(i > 0 ? `#${i}` : ''),
      rule: a.rule,
      severity: 'warning',
      state: 'firing',
      title: `${a.culprit ?? 'memory'} growing`,
      detail: '',
      culprit: a.culprit,
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

const SHELLS = new Set(['bash', 'zsh', 'fish', 'sh', 'dash', 'ksh', 'tcsh', 'csh', 'nu', 'elvish', 'pwsh']);
const norm = (s: string) => s.trim().toLowerCase();

/** The must-never rules, restated without guards.ts. Returns why `p` may not be a target, or null. */
function forbidden(p: PlannerProc | undefined, w: World, selfUid: number, flaggedOtherUsers: boolean): string | null {
  if (p === undefined) return 'not in the live table';
  if (!Number.isSafeInteger(p.pid) || p.pid <= 1) return 'PID 1 or below';
  if (p.pid === 2 || p.ppid === 2 || p.kernelThread) return 'a kernel thread';
  if (p.pid === SELF) return 'Headroom itself';
  if (ANCESTORS.includes(p.pid)) return 'an ancestor of Headroom';
  if (p.pid === SELF_SESSION) return 'the leader of Headroom’s session';
  if (p.state === 'Z' || p.state === 'X') return 'a zombie';
  const names = [norm(p.name), norm(p.comm)];
  if (p.name.startsWith('-') || p.comm.startsWith('-')) return 'a login shell';
  if (p.pid === p.session && (p.ttyNr !== 0 || names.some((n) => SHELLS.has(n)))) return 'a session leader';
  const userList = new Set(w.settings.remedies.protectedNames.map(norm));
  if (names.some((n) => userList.has(n))) return 'on the protected list';
  const desktop = new Set(SESSION_AND_DESKTOP_NAMES.map(norm));
  if (names.some((n) => desktop.has(n))) return 'a session or desktop process';
  for (const g of w.snapshot.groups) if (g.pids.includes(p.pid) && userList.has(norm(g.name))) return `in the protected group ${JSON.stringify(g.name)}`;
  if (p.uid < 0) return 'owner unknown';
  if (p.uid !== selfUid && !(selfUid === 0 && flaggedOtherUsers)) return 'another user’s';
  return null;
}

// eslint-disable-next-line no-control-regex
const CONTROL_OR_BIDI = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

function checkWorld(w: World, selfUid: number): number {
  const guard = createGuardContext(w.settings, { selfUid });
  const drafts = planProcessFixes({ ...w, guard, lastActive: (pid) => pid * 7, reapTried: (pid) => pid % 2 === 0 });
  for (const d of drafts) {
    const flagged = d.params?.otherUsers === true;
    assert.match(d.command, /^kill -(TERM|CHLD)( \d+)+$/, `a command carries more than signals and PIDs: ${JSON.stringify(d.command)}`);
    assert.doesNotMatch(d.title, CONTROL_OR_BIDI, `a control or bidi character reached a title: ${JSON.stringify(d.title)}`);
    assert.doesNotMatch(d.reason, CONTROL_OR_BIDI, `a control or bidi character reached a reason: ${JSON.stringify(d.reason.slice(0, 200))}`);
    assert.ok(d.title.length <= 600, `a title of ${d.title.length} characters`);
    if (flagged) assert.match(d.title, /other users/);
    const seen = new Set<number>();
    for (const t of d.targets as ProcessTarget[]) {
      assert.equal(t.kind, 'process');
      const p = w.procs.get(t.pid);
      const why = forbidden(p, w, selfUid, flagged);
      assert.equal(why, null, `${d.kind} targets PID ${t.pid} (${JSON.stringify(p?.name)} / ${JSON.stringify(p?.comm)}): ${why}`);
      assert.equal(t.startTime, p?.startTime, 'a target carries another start time than the live process it names');
      assert.doesNotMatch(t.name, CONTROL_OR_BIDI);
      assert.ok(!seen.has(t.pid), `PID ${t.pid} twice in one proposal`);
      seen.add(t.pid);
    }
  }
  return drafts.length;
}

describe('the planner under fuzzing', () => {
  let proposals = 0;
  test('no proposal targets a protected process, whoever Headroom runs as', async () => {
    await fuzz('guard', 'planner worlds (PID reuse, adversarial names)', fc.tuple(worldArb, fc.constantFrom(SELF_UID, 1000, 0)), ([w, uid]) => {
      proposals += checkWorld(w, uid);
    });
  });
  test('the property is not vacuous: the worlds produce proposals', () => {
    const bound = Math.round(FUZZ_RUNS / 20);
    recordFigure({ area: 'guard', name: 'proposals checked in the planner worlds', value: proposals, bound: `≥ ${bound}`, ok: proposals >= bound });
    assert.ok(proposals >= bound, `only ${proposals} proposals`);
  });
});

// ── the fix runner on real processes, with real PID reuse ─────────────────

const NS_LAST_PID = '/proc/sys/kernel/ns_last_pid';

function canSteerPids(): boolean {
  try {
    writeFileSync(NS_LAST_PID, readFileSync(NS_LAST_PID, 'utf8').trim());
    return true;
  } catch {
    return false;
  }
}

describe('the fix runner on real processes', () => {
  const group = `hrguard-${tag}`;
  const children = new Set<ChildProcess>();
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.groups.rules = [{ name: group, kind: 'agent', exe: [group] }];
  settings.alerts.maxInstances = { [group]: 1 };
  settings.remedies.keepInstances = 0;
  settings.remedies.graceSeconds = 0.3;
  settings.remedies.protectedNames = ['precious-guard'];
  const logs: string[] = [];
  const engine = new Engine({ settings: () => settings, log: (l) => logs.push(l) });
  const remedies = createRemedies({ settings: () => settings, log: (l) => logs.push(l), history: null, docker: null, engine });
  const steer = canSteerPids();
  const marker = join(tmpdir(), `hr-guard-pwned-${tag}`);

  const spawnNamed = async (name: string): Promise<{ child: ChildProcess; pid: number }> => {
    const child = spawn('bash', ['-c', 'exec -a "$0" sleep 600', name], { stdio: 'ignore' });
    children.add(child);
    const pid = child.pid as number;
    await waitUntil(() => readCmdline(pid).startsWith(name.replace(/\n.*/s, '')) || !isAlive(pid), 5000, `${JSON.stringify(name)} to start`);
    return { child, pid };
  };

  /** Kills one of our children and waits until Node has reaped it, so its PID is free. */
  const killAndReap = async ({ child }: { child: ChildProcess }) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };

  /** A new process on a PID that just became free: the kernel hands out ns_last_pid + 1 next. */
  const respawnOn = async (pid: number, name: string): Promise<{ pid: number; reused: boolean }> => {
    for (let attempt = 0; steer && attempt < 60; attempt++) {
      writeFileSync(NS_LAST_PID, String(pid - 1));
      const child = spawn('bash', ['-c', 'exec -a "$0" sleep 600', name], { stdio: 'ignore' });
      children.add(child);
      if (child.pid === pid) {
        await waitUntil(() => readCmdline(pid).startsWith(name.replace(/\n.*/s, '')), 5000, 'the new process on the reused PID');
        return { pid, reused: true };
      }
      // Another process took it first (the machine is busy): try again.
      child.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 5));
    }
    return { pid, reused: false };
  };

  after(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  type Action = 'keep' | 'exit' | 'reuse-same-name' | 'reuse-adversarial' | 'reuse-protected';
  const actionArb = fc.constantFrom<Action>('keep', 'keep', 'exit', 'reuse-same-name', 'reuse-adversarial', 'reuse-protected');
  const reuseNames = ['claude; rm -rf /', `$(touch ${marker})`, `\`touch ${marker}\``, 'claude\nkill -9 1', '-bash', 'sshd'];
  let reusedForReal = 0;
  let refusedReuses = 0;

  test('a planned fix acts only on targets that are still the processes it was planned for', async () => {
    await fuzz(
      'guard',
      'fix runs on real processes with PID reuse',
      fc.record({ actions: fc.array(actionArb, { minLength: 2, maxLength: 5 }), bystanders: fc.integer({ min: 0, max: 2 }), name: fc.constantFrom(...reuseNames) }),
      async ({ actions, bystanders, name }) => {
        try {
          await oneRun(actions, bystanders, name);
        } finally {
          // A failing run must not leave its processes to the next one (or to the shrinker's reruns).
          for (const c of children) c.kill('SIGKILL');
          children.clear();
        }
      },
      { runs: sized(12, 40) },
    );
    async function oneRun(actions: Action[], bystanders: number, name: string): Promise<void> {
      const mine = await Promise.all(actions.map(() => spawnNamed(group)));
      const pids = new Set(mine.map((m) => m.pid));
      engine.sampleNow();
      await new Promise((r) => setTimeout(r, 300));
      const fixes = await remedies.plan(engine.sampleNow(), []);
      const fix = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.stopExcess && (p.targets as ProcessTarget[]).some((t) => pids.has(t.pid)));
      assert.ok(fix, `no stop-excess proposal for ${group}: ${fixes.map((f) => f.title).join(' | ')}`);
      assert.deepEqual(new Set((fix.targets as ProcessTarget[]).map((t) => t.pid)), pids);

      // Bystanders: the same application, started after the plan, so not in it.
      const extra = await Promise.all(Array.from({ length: bystanders }, () => spawnNamed(group)));
      const expected = new Map<number, { outcome: 'done' | 'skipped'; detail: RegExp; alive: boolean | null; startTime?: number }>();
      for (let i = 0; i < mine.length; i++) {
        const { pid } = mine[i];
        const action = actions[i];
        if (action === 'keep') {
          expected.set(pid, { outcome: 'done', detail: /stopped/, alive: false });
          continue;
        }
        await killAndReap(mine[i]);
        // A freed PID may also be taken by any other process of this busy machine before the fix runs:
        // then it is skipped as reused, which is right too, and that process is not ours to check.
        const goneOrTaken = { outcome: 'skipped' as const, detail: /gone|exited|^PID reused/, alive: null };
        if (action === 'exit') {
          expected.set(pid, goneOrTaken);
          continue;
        }
        const newName = action === 'reuse-same-name' ? group : action === 'reuse-protected' ? 'precious-guard' : name;
        const r = await respawnOn(pid, newName);
        if (!r.reused) {
          expected.set(pid, goneOrTaken);
          continue;
        }
        reusedForReal++;
        expected.set(pid, { outcome: 'skipped', detail: /^PID reused/, alive: true, startTime: startTimeOf(pid) as number });
      }

      const res = await remedies.run(fix.id);
      for (const r of res.results) {
        const t = r.target as ProcessTarget;
        const e = expected.get(t.pid);
        assert.ok(e, `the fix reported on PID ${t.pid}, which it never targeted`);
        assert.equal(r.outcome, e.outcome, `PID ${t.pid}: ${r.outcome} (${r.detail}), expected ${e.outcome}`);
        assert.match(r.detail, e.detail, `PID ${t.pid}: ${r.detail}`);
        if (e.alive === true) {
          refusedReuses++;
          assert.ok(isAlive(t.pid) && startTimeOf(t.pid) === e.startTime, `PID ${t.pid} was reused by a new process, and the fix touched it`);
        } else if (e.alive === false) {
          assert.ok(!isAlive(t.pid) || startTimeOf(t.pid) !== t.startTime, `PID ${t.pid} is still running`);
        }
      }
      assert.equal(res.results.length, mine.length);
      for (const b of extra) assert.ok(isAlive(b.pid), `bystander ${b.pid} (not in the plan) was stopped`);
      assert.ok(!existsSync(marker), 'a process name was run as a command');

    }
    recordFigure({
      area: 'guard',
      name: `PIDs really reused by a new process and refused by the fix runner${steer ? '' : ' (ns_last_pid not writable here)'}`,
      value: refusedReuses,
      bound: steer ? '≥ 1' : undefined,
      ok: !steer || refusedReuses >= 1,
    });
    if (steer) assert.ok(reusedForReal >= 1 && refusedReuses === reusedForReal, `${reusedForReal} reuses, ${refusedReuses} refused`);
  });
});

// ── no shell ──────────────────────────────────────────────────────────────

/**
 * Where src/ may use child_process, and why none of it is a shell with
 * outside text. Anything else importing child_process fails the check.
 */
const CHILD_PROCESS_ALLOWED: Record<string, string> = {
  // `headroom serve` opens the browser: a fixed program per platform (xdg-open, open, rundll32) with a
  // launch page's path (no secret) as one argv element, through spawn without a shell.
  'src/cli/browser-launch.ts': 'spawn(cmd, [page]) with a literal command, no shell option',
  // Notifications on Linux: execFile('notify-send', argv) — the title and body are argv elements after `--`.
  'src/main/engine/notify/node-notifier.ts': "execFile('notify-send', args) with a literal command, no shell option",
  // A notification with a fix button: spawn('notify-send', argv) held while it is on screen; same argv as above.
  'src/main/engine/notify/notify-send-action.ts': "spawn('notify-send', args) with a literal command, no shell option",
  // Following a remote box: the user's own ssh, spawn(program, argv) with the destination one argv element after `--`
  // (refused when it starts with '-', remote/machine-input.ts), stdin closed and BatchMode=yes; no shell option.
  'src/main/engine/remote/ssh-process.ts': "spawn(ssh.program ?? 'ssh', forwardArgs(…)/socketQueryArgs(…)) argv, no shell option",
  // `headroom service install|uninstall`: spawnSync of the literal 'systemctl' / 'loginctl' with fixed argv, no shell option.
  'src/cli/service.ts': "spawnSync(program: 'systemctl' | 'loginctl', args) with literal subcommands, no shell option",
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(p);
  }
  return out;
}

describe('nothing in Headroom runs a shell with outside text', () => {
  test('static: src/ never uses exec/execSync or a shell option, and spawns only where allow-listed', () => {
    const files = [...sourceFiles(join(repoRoot, 'src')), join(repoRoot, 'bin', 'headroom.mjs')].filter((f) => statSync(f).isFile());
    assert.ok(files.length > 50, `only ${files.length} source files found`);
    const problems: string[] = [];
    const importers: string[] = [];
    for (const f of files) {
      const rel = relative(repoRoot, f);
      // Comments may mention these words; code is what counts.
      const code = readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
      if (/['"](node:)?child_process['"]/.test(code)) importers.push(rel);
      // exec/execSync always run /bin/sh; execFile and spawn only with a shell option.
      if (/\b(exec|execSync)\s*\(/.test(code) && /child_process/.test(code)) problems.push(`${rel}: exec/execSync (always a shell)`);
      if (/\bimport\s*\{[^}]*\b(exec|execSync)\b[^}]*\}\s*from\s*['"](node:)?child_process['"]/.test(code)) problems.push(`${rel}: imports exec/execSync`);
      if (/\bshell\s*:/.test(code)) problems.push(`${rel}: a "shell:" option`);
      if (/['"]\/bin\/(ba|z|da)?sh['"]|['"](ba|z|da)?sh['"]\s*,\s*\[\s*['"]-c['"]/.test(code)) problems.push(`${rel}: runs sh -c`);
      if (/\brequire\s*\(\s*['"](node:)?child_process['"]\s*\)/.test(code)) problems.push(`${rel}: requires child_process`);
    }
    for (const f of importers) if (!(f in CHILD_PROCESS_ALLOWED)) problems.push(`${f}: uses child_process without a justification in CHILD_PROCESS_ALLOWED`);
    for (const f of Object.keys(CHILD_PROCESS_ALLOWED)) {
      if (!importers.includes(f)) problems.push(`${f}: allow-listed but no longer uses child_process (drop it from the list)`);
    }
    // The allow-listed spawns: commands from a literal table or constant, options with no shell.
    const launch = readFileSync(join(repoRoot, 'src/cli/browser-launch.ts'), 'utf8');
    const call = /spawn\(([^)]*)\)/.exec(launch)?.[1] ?? '';
    assert.match(call, /^cmd, args, \{[^}]*\}$/, `browser-launch.ts spawn call changed: ${call}`);
    assert.match(launch, /\['xdg-open', \[target\]\]/, 'browser-launch.ts: the Linux command is not the literal xdg-open any more');
    const waiter = readFileSync(join(repoRoot, 'src/main/engine/notify/notify-send-action.ts'), 'utf8');
    assert.match(waiter, /createActionWaiter\(command = 'notify-send'\)/, 'the action waiter runs the literal notify-send');
    assert.match(/spawn\(([^)]*)\)/.exec(waiter)?.[1] ?? '', /^command, args, \{[^}]*\}$/, 'the action waiter spawn call changed');
    recordFigure({ area: 'guard', name: 'source files checked for shell use', value: files.length, unit: 'files', bound: '0 shell uses', ok: problems.length === 0 });
    assert.deepEqual(problems, []);
  });

  test('notify-send (Linux) gets alert titles with process names as inert argv text', async (t) => {
    if (process.platform !== 'linux') return t.skip('notify-send is the Linux path');
    const bin = mkdtempSync(join(tmpdir(), 'hr-notify-'));
    const out = join(bin, 'argv');
    const pwned = join(bin, 'pwned');
    // A stand-in notify-send that records its argv, NUL-separated, exactly as the shell handed it over.
    writeFileSync(join(bin, 'notify-send'), `#!/bin/sh\nprintf '%s\\0' "$@" > "${out}"\n`);
    chmodSync(join(bin, 'notify-send'), 0o755);
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const notifier = createNodeNotifier();
      const payload = fc.oneof(
        fc.constantFrom(...SHELLY, ...HOMOGLYPHS, `$(touch ${pwned})`, `\`touch ${pwned}\``, `"; touch ${pwned}; "`, `\\"; touch ${pwned}; \\"`, `$'\\x41'`, `!!`, `\\$(touch ${pwned})`, `a\r\nb`, '\\\n'),
        fc.string({ unit: 'binary', maxLength: 200 }).map((s) => s.replace(/\u0000/g, '')),
        fc.string({ unit: 'grapheme', minLength: 1000, maxLength: 1400 }),
      );
      await fuzz(
        'guard',
        'notification texts through notify-send’s argv',
        fc.tuple(payload, payload),
        async ([name, body]) => {
          rmSync(out, { force: true });
          const title = `${name} ×3 — 2.1 GB, growing`;
          await notifier.notify({ tag: 't', title, body, urgency: 'normal', silent: true, alertId: null, action: null });
          const argv = readFileSync(out, 'utf8').split('\0').slice(0, -1);
          // Options first, then `--`: the texts after it are operands, even when they start with "-".
          const end = argv.indexOf('--');
          assert.ok(end >= 0, `no "--" before the texts: ${JSON.stringify(argv.slice(0, 8))}`);
          assert.deepEqual(argv.slice(end + 1), [title, body || ' '], 'the title and body did not arrive as two literal arguments');
          assert.ok(!existsSync(pwned), 'text in a notification was run by the shell');
        },
        { runs: sized(300, 2000) },
      );
    } finally {
      process.env.PATH = savedPath;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
