/**
 * The remediation framework on real processes, in-process: the live engine
 * samples /proc, the planner proposes, and fixes run by id with real signals.
 *
 * Every process here has a name unique to this test run (and a matching
 * grouping rule in the settings), so a fix can never reach processes that other
 * tests, running at the same time, spawned.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createRemedies } from '../../../src/main/engine/remedies/index.ts';
import { PROCESS_FIX_KINDS } from '../../../src/main/engine/remedies/process-planner.ts';
import type { FixProvider } from '../../../src/main/engine/remedies/provider.ts';
import { stopGracefully } from '../../../src/main/engine/remedies/signals.ts';
import { FixError, type Remedies } from '../../../src/main/engine/remedies/types.ts';
import type { Alert, FixProposal, ProcessTarget } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { isAlive, ProcessSwarm, readCmdline, startTimeOf, stateOf, waitUntil } from '../../helpers/procs.ts';

const tag = randomBytes(3).toString('hex');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Rig {
  settings: Settings;
  engine: Engine;
  remedies: Remedies;
  logs: string[];
  plan(alerts?: Alert[]): Promise<FixProposal[]>;
}

function rig(patch: (s: Settings) => void = () => {}, providers?: FixProvider[], now?: () => number): Rig {
  const settings = structuredClone(DEFAULT_SETTINGS);
  settings.remedies.graceSeconds = 1;
  patch(settings);
  const logs: string[] = [];
  const log = (l: string) => logs.push(l);
  const engine = new Engine({ settings: () => settings, log });
  const remedies = createRemedies({ settings: () => settings, log, history: null, docker: null, engine }, { providers, now });
  return {
    settings,
    engine,
    remedies,
    logs,
    async plan(alerts: Alert[] = []) {
      engine.sampleNow();
      await sleep(400);
      return remedies.plan(engine.sampleNow(), alerts);
    },
  };
}

function alertAbout(group: string, rule = 'leak'): Alert {
  return {
    id: `${rule}:process.group.${group}.rss`,
    rule,
    severity: 'warning',
    state: 'firing',
    title: `${group} ×1 — growing`,
    detail: '',
    culprit: group,
    since: Date.now(),
    resolvedAt: null,
    fixIds: [],
  };
}

const pidsOf = (p: FixProposal) => (p.targets as ProcessTarget[]).map((t) => t.pid).sort((a, b) => a - b);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('remedies on real processes', () => {
  const swarm = new ProcessSwarm();
  after(() => swarm.cleanup());

  it('keeps the most recently active instances under the "active" policy', async () => {
    const name = `active-${tag}`;
    const idle = await swarm.spawnNamed(name, 5);
    const busy = await swarm.spawnBusy(name, 2);
    try {
      const r = rig((s) => {
        s.groups.rules = [{ name, kind: 'other', exe: [name] }];
        s.alerts.maxInstances = { [name]: 3 };
        s.remedies.keepInstances = 2;
        s.remedies.keepPolicy = 'active';
      });
      const fixes = await r.plan();
      const fix = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.stopExcess && p.title.includes(name));
      assert.ok(fix, `no stop-excess fix: ${fixes.map((f) => f.title).join(' | ')}`);
      assert.match(fix.title, /^Stop 5 of 7 .* instances \(keep the 2 most recently active\)$/);
      assert.deepEqual(pidsOf(fix), sorted(idle), 'the idle ones are stopped, the busy ones kept');
    } finally {
      for (const p of busy) process.kill(p, 'SIGKILL');
    }
  });

  it('keeps the instances attached to a terminal under the "tty" policy', async () => {
    const name = `tty-${tag}`;
    const onTty = await swarm.spawnOnTerminal(name);
    const detached = await swarm.spawnNamed(name, 3);
    const r = rig((s) => {
      s.groups.rules = [{ name, kind: 'other', exe: [name] }];
      s.alerts.maxInstances = { [name]: 2 };
      s.remedies.keepInstances = 1;
      s.remedies.keepPolicy = 'tty';
    });
    const fix = (await r.plan()).find((p) => p.kind === PROCESS_FIX_KINDS.stopExcess && p.title.includes(name));
    assert.ok(fix);
    // The terminal one is the oldest, so "newest" would have stopped it.
    assert.deepEqual(pidsOf(fix), sorted(detached));
    const res = await r.remedies.run(fix.id);
    assert.equal(res.ok, true, res.summary);
    assert.ok(isAlive(onTty));
    for (const p of detached) assert.ok(!isAlive(p), `${p} still running`);
  });

  it('stops every member of an orphaned tree, children first, and nothing else', async () => {
    const tree = await swarm.spawnOrphanTree(`@headroom-test/fix-tree-${tag}`);
    const control = await swarm.spawnOrphanTree(`@headroom-test/fix-control-${tag}`);
    const r = rig();
    const fixes = await r.plan();
    const fix = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.stopTree && pidsOf(p).includes(tree.rootPid));
    assert.ok(fix, `no tree fix for ${tree.rootPid}: ${fixes.map((f) => f.title).join(' | ')}`);
    assert.deepEqual(pidsOf(fix), sorted([tree.rootPid, ...tree.treePids]));
    // Children before the launcher: npx would not pass the signal on.
    assert.equal((fix.targets.at(-1) as ProcessTarget).pid, tree.rootPid);
    assert.match(fix.command, /^kill -TERM( \d+)+$/);
    assert.equal(fix.risk, 'low');

    const res = await r.remedies.run(fix.id);
    assert.equal(res.ok, true, res.summary);
    assert.equal(res.results.filter((x) => x.outcome === 'done').length, 3);
    for (const p of [tree.rootPid, ...tree.treePids]) assert.ok(!isAlive(p), `tree member ${p} still running`);
    for (const p of [control.rootPid, ...control.treePids]) assert.ok(isAlive(p), `control process ${p} was touched`);
  });

  it('issue 13 #3 (zombie alert offers the fix for another parent): two parents of the same name each get their own reap fix', async () => {
    const name = `twin-${tag}`;
    const a = await swarm.spawnZombieParent(name);
    const b = await swarm.spawnZombieParent(name);
    const zombieAlert = (ppid: number): Alert => ({ ...alertAbout(name, 'zombies'), id: `zombies:${ppid}`, culprit: name, culpritPid: ppid });
    const r = rig((s) => {
      s.groups.rules = [{ name, kind: 'other', exe: [name] }];
    });
    const fixes = await r.plan([zombieAlert(a.parentPid), zombieAlert(b.parentPid)]);
    const reapOf = (ppid: number) => fixes.find((p) => p.kind === PROCESS_FIX_KINDS.reapZombies && pidsOf(p)[0] === ppid);
    assert.deepEqual(reapOf(a.parentPid)?.alertIds, [`zombies:${a.parentPid}`]);
    assert.deepEqual(reapOf(b.parentPid)?.alertIds, [`zombies:${b.parentPid}`]);
  });

  it('reminds a non-reaping parent with SIGCHLD, reports the zombie remains, then stops the parent, which removes it', async () => {
    const { parentPid, zombiePid } = await swarm.spawnZombieParent(`lazy-${tag}`);
    const zombieStart = startTimeOf(zombiePid);
    const r = rig();
    const fixes = await r.plan();
    const reap = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.reapZombies && pidsOf(p)[0] === parentPid);
    assert.ok(reap, fixes.map((f) => f.title).join(' | '));
    assert.equal(reap.command, `kill -CHLD ${parentPid}`);
    assert.equal(reap.destructive, false);
    assert.ok(!fixes.some((p) => p.kind === PROCESS_FIX_KINDS.stopZombieParent && pidsOf(p)[0] === parentPid), 'stopping the parent comes second');

    const res = await r.remedies.run(reap.id);
    assert.equal(res.results[0].outcome, 'done');
    assert.match(res.summary, /SIGCHLD.*1 of 1 zombie remains/);
    assert.ok(isAlive(parentPid));
    assert.equal(stateOf(zombiePid), 'Z', 'the zombie is still there: sleep does not reap');
    assert.equal(res.followUpFixIds?.length, 1);

    const stop = r.remedies.list().find((p) => p.id === res.followUpFixIds?.[0]);
    assert.ok(stop);
    assert.equal(stop.kind, PROCESS_FIX_KINDS.stopZombieParent);
    assert.deepEqual(pidsOf(stop), [parentPid]);

    const res2 = await r.remedies.run(stop.id);
    assert.equal(res2.ok, true, res2.summary);
    assert.ok(!isAlive(parentPid));
    // Orphaned zombies pass to init, which reaps them (this machine's init polls, so allow it a few seconds).
    await waitUntil(() => startTimeOf(zombiePid) !== zombieStart, 10000, 'the zombie to be reaped');
    const log = r.remedies.auditLog(2);
    assert.deepEqual(log.map((e) => e.kind), [PROCESS_FIX_KINDS.stopZombieParent, PROCESS_FIX_KINDS.reapZombies]);
  });

  it('stops a process that ignores SIGTERM with SIGKILL after the grace period, and the log says so', async () => {
    const name = `stubborn-${tag}`;
    const pid = await swarm.spawnIgnoringTerm(name);
    const r = rig((s) => {
      s.remedies.graceSeconds = 1;
    });
    const alert = alertAbout(name);
    const fixes = await r.plan([alert]);
    const fix = fixes.find((p) => p.kind === PROCESS_FIX_KINDS.stop && pidsOf(p)[0] === pid);
    assert.ok(fix, fixes.map((f) => f.title).join(' | '));
    assert.deepEqual(fix.alertIds, [alert.id], 'the fix names the alert it addresses');
    assert.deepEqual(alert.fixIds, [], 'and the planner leaves the alert as the rules made it (one-way flow)');

    const res = await r.remedies.run(fix.id);
    assert.equal(res.ok, true, res.summary);
    assert.ok(!isAlive(pid));
    assert.match(res.results[0].detail, /ignored SIGTERM for the 1\.0 s grace period; stopped with SIGKILL/);
    const [entry] = r.remedies.auditLog(1);
    assert.equal(entry.fixId, fix.id);
    assert.equal(entry.targets[0].outcome, 'done');
    assert.match(entry.targets[0].detail, /SIGKILL/);
    assert.match(entry.summary, /needed SIGKILL/);
    assert.ok(entry.memBefore > 0 && entry.memAfter > 0);
    assert.ok((entry.targetsRssBefore ?? 0) > 0);
    assert.equal(entry.targetsRssAfter, 0);
  });

  it('does not touch a PID whose start time differs from the proposal (PID reuse)', async () => {
    const name = `reused-${tag}`;
    const pid = await swarm.spawnIgnoringTerm(name);
    const realStart = startTimeOf(pid) as number;
    const r = rig();
    r.engine.sampleNow();
    await sleep(300);
    const snap = r.engine.sampleNow();
    // The table saw an earlier process on this PID: the proposal is made for that one.
    const entry = r.engine.processes.table.entries.get(pid);
    assert.ok(entry);
    entry.startTime = realStart - 7;
    const fix = (await r.remedies.plan(snap, [alertAbout(name)])).find((p) => p.kind === PROCESS_FIX_KINDS.stop && pidsOf(p)[0] === pid);
    assert.ok(fix);
    assert.equal((fix.targets[0] as ProcessTarget).startTime, realStart - 7);

    const preview = await r.remedies.preview(fix.id);
    assert.equal(preview.results[0].outcome, 'skipped');
    const res = await r.remedies.run(fix.id);
    assert.equal(res.ok, false);
    assert.equal(res.results[0].outcome, 'skipped');
    assert.match(res.results[0].detail, /^PID reused/);
    assert.ok(isAlive(pid), 'the new process on that PID was touched');
    assert.equal(startTimeOf(pid), realStart);
    assert.match(r.remedies.auditLog(1)[0].targets[0].detail, /PID reused/);

    // The signal code checks identity itself too, right before each signal.
    const [direct] = await stopGracefully([{ kind: 'process', pid, startTime: realStart - 7, name, rssBytes: 0 }], { graceMs: 100 });
    assert.equal(direct.outcome, 'skipped');
    assert.ok(isAlive(pid));
  });

  it('previews without acting, and refuses unknown, malformed and expired ids', async () => {
    const name = `dry-${tag}`;
    const pids = await swarm.spawnNamed(name, 3);
    let clock = Date.now();
    const r = rig(
      (s) => {
        s.groups.rules = [{ name, kind: 'agent', exe: [name] }];
        s.alerts.maxInstances = { [name]: 2 };
        s.remedies.keepInstances = 1;
        s.remedies.proposalTtlSeconds = 60;
      },
      undefined,
      () => clock,
    );
    const fix = (await r.plan()).find((p) => p.kind === PROCESS_FIX_KINDS.stopExcess && p.title.includes(name));
    assert.ok(fix);
    assert.match(fix.id, /^fx-[0-9a-f]{10}$/);

    const preview = await r.remedies.preview(fix.id);
    assert.equal(preview.dryRun, true);
    assert.equal(preview.results.length, 2);
    assert.ok(preview.results.every((x) => x.outcome === 'done' && x.detail.startsWith('would stop')));
    for (const p of pids) assert.ok(isAlive(p));
    assert.equal(r.remedies.auditLog().length, 0, 'a preview is not logged unless asked');

    // The same situation planned by another instance (another process, for the CLI) gives the same id.
    const other = rig((s) => Object.assign(s, structuredClone(r.settings)));
    assert.ok((await other.plan()).some((p) => p.id === fix.id));

    for (const bad of ['fx-0000000000', 'nonsense', `${fix.id}; rm -rf /`, '']) {
      await assert.rejects(r.remedies.run(bad), (e: unknown) => e instanceof FixError && /unknown or stale fix id/.test(e.message));
    }
    clock += 61_000;
    assert.deepEqual(r.remedies.list(), []);
    await assert.rejects(r.remedies.run(fix.id), (e: unknown) => e instanceof FixError && e.code === 'stale');
    for (const p of pids) assert.ok(isAlive(p));
  });

  it('as root, offers to stop another user’s process only with the proposal saying so', { skip: process.getuid?.() !== 0 && 'needs root' }, async () => {
    const name = `other-${tag}`;
    const c = spawn('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'bash', '-c', 'exec -a "$0" sleep 600', name], { stdio: 'ignore' });
    const pid = c.pid as number;
    await waitUntil(() => readCmdline(pid).startsWith(name), 5000, 'the other user’s process');
    swarm.track(pid);
    const target = (): ProcessTarget => ({ kind: 'process', pid, startTime: startTimeOf(pid) as number, name, rssBytes: 0 });

    // A proposal that does not say it touches another user's process is refused at run time.
    const unflagged: FixProvider = {
      name: 'unflagged',
      kinds: ['process.stop'],
      propose: () => [{ kind: 'process.stop', title: 't', targets: [target()], expectedBytes: 0, risk: 'low', destructive: true, undoable: false, command: '', reason: '', addresses: [] }],
      revalidate: async () => null,
      apply: async (t) => ({ target: t, outcome: 'done', detail: 'applied' }),
    };
    const r1 = rig(() => {}, [unflagged]);
    const [bad] = await r1.plan();
    const res1 = await r1.remedies.run(bad.id);
    assert.equal(res1.results[0].outcome, 'skipped');
    assert.match(res1.results[0].detail, /another user \(uid 65534\) and the fix did not say so/);
    assert.ok(isAlive(pid));

    // The planner's own proposal says so, in its title and reason, and then it runs.
    const r = rig();
    const fix = (await r.plan([alertAbout(name)])).find((p) => p.kind === PROCESS_FIX_KINDS.stop && pidsOf(p)[0] === pid);
    assert.ok(fix);
    assert.match(fix.title, /includes other users’ processes$/);
    assert.match(fix.reason, /^Headroom runs as root/);
    const res = await r.remedies.run(fix.id);
    assert.equal(res.ok, true, res.summary);
    await waitUntil(() => !isAlive(pid), 5000, 'the process to stop');
  });

  it('never acts on PID 1, Headroom itself or its parent, whatever a provider proposes', async () => {
    const applied: number[] = [];
    const self = (pid: number): ProcessTarget => ({ kind: 'process', pid, startTime: startTimeOf(pid) as number, name: 'x', rssBytes: 0 });
    const rogue: FixProvider = {
      name: 'rogue',
      kinds: ['rogue.stop'],
      propose: () => [
        {
          kind: 'rogue.stop',
          title: 'stop everything',
          targets: [self(1), self(process.pid), self(process.ppid)],
          expectedBytes: 0,
          risk: 'high',
          destructive: true,
          undoable: false,
          command: '',
          reason: '',
          addresses: [],
        },
      ],
      revalidate: async () => null,
      apply: async (t) => {
        applied.push((t as ProcessTarget).pid);
        return { target: t, outcome: 'done', detail: 'applied' };
      },
    };
    const r = rig(() => {}, [rogue]);
    const [fix] = await r.plan();
    const res = await r.remedies.run(fix.id);
    assert.deepEqual(applied, []);
    assert.deepEqual(
      res.results.map((x) => x.outcome),
      ['skipped', 'skipped', 'skipped'],
    );
    assert.match(res.results[0].detail, /PID 1/);
    assert.match(res.results[1].detail, /Headroom itself/);
    assert.match(res.results[2].detail, /ancestor of Headroom/);
  });
});
