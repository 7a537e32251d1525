/**
 * Alert rules on constructed snapshots: every default rule fires (after its
 * sustain time) and clears; hysteresis; cooldown, snooze and pause never hide an alert;
 * titles that name the culprit with figures; ids stable per condition.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertRules } from '../../../src/main/engine/detect/rules.ts';
import type { Alert, LeakTrend, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../../src/shared/settings.ts';
import { container, GB, group, MB, snapshot } from './snapshot-fixture.ts';

const S = 1000;

function settings(alerts: Partial<Settings['alerts']> = {}): Settings {
  const s = structuredClone(DEFAULT_SETTINGS);
  s.alerts = { ...s.alerts, ...alerts };
  return s;
}

/** Runs the rules over snapshots built by `make(t)` every 10 s from `from` to `to` (ms); returns all transitions. */
function run(rules: AlertRules, from: number, to: number, make: (t: number) => Snapshot, trends: LeakTrend[] = []): { transitions: Alert[]; alerts: Alert[] } {
  const transitions: Alert[] = [];
  let alerts: Alert[] = [];
  for (let t = from; t <= to; t += 10 * S) {
    const out = rules.evaluate(make(t), trends);
    transitions.push(...out.transitions);
    alerts = out.alerts;
  }
  return { transitions, alerts };
}

const firing = (alerts: Alert[], id: string) => alerts.find((a) => a.id === id && a.state === 'firing');

describe('alert rules', () => {
  it('memory used: sustained-for, warning then critical, hysteresis band, resolved', () => {
    const rules = new AlertRules(settings());
    // 75 % for 20 s: not yet (sustain is 30 s).
    let r = run(rules, 0, 20 * S, (t) => snapshot(t, 75));
    assert.deepEqual(r.transitions, []);
    r = run(rules, 30 * S, 30 * S, (t) => snapshot(t, 75));
    assert.equal(r.transitions.length, 1);
    const a = r.transitions[0];
    assert.equal(a.id, 'mem.used');
    assert.equal(a.state, 'firing');
    assert.equal(a.severity, 'warning');
    assert.match(a.title, /^Memory 75% used \(12\.0 GB of 16\.0 GB\) — top: code ×5 — 1\.5 GB$/);
    assert.equal(a.culprit, 'code');
    assert.deepEqual(a.fixIds, []);
    // Critical: a transition of its own, same id.
    r = run(rules, 40 * S, 40 * S, (t) => snapshot(t, 90));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.severity]), [['mem.used', 'critical']]);
    // 67 %: below the firing level but above the clear level (70 − 5): still firing.
    r = run(rules, 50 * S, 200 * S, (t) => snapshot(t, 67));
    assert.deepEqual(r.transitions, []);
    assert.ok(firing(r.alerts, 'mem.used'));
    // 60 %: resolved, once.
    r = run(rules, 210 * S, 260 * S, (t) => snapshot(t, 60));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.state]), [['mem.used', 'resolved']]);
    assert.equal(r.transitions[0].resolvedAt, 210 * S);
    assert.equal(firing(r.alerts, 'mem.used'), undefined);
    assert.ok(r.alerts.find((x) => x.id === 'mem.used' && x.state === 'resolved'), 'a just-resolved alert stays listed');
  });

  it('a condition shorter than the sustain time never fires', () => {
    const rules = new AlertRules(settings());
    const r = run(rules, 0, 600 * S, (t) => snapshot(t, (t / S) % 40 < 20 ? 80 : 50));
    assert.deepEqual(r.transitions, []);
  });

  // Issue 13, problem 4: cooldown, snooze and pause mute notifications (notify/policy.ts), never the list.
  it('issue 13 #4 (cooldown hides live problems): a condition back right after resolving is listed and transitions at once', () => {
    const rules = new AlertRules(settings({ cooldownSeconds: 600 }));
    let r = run(rules, 0, 40 * S, (t) => snapshot(t, 80));
    assert.equal(r.transitions.length, 1);
    r = run(rules, 50 * S, 50 * S, (t) => snapshot(t, 50));
    assert.equal(r.transitions[0].state, 'resolved');
    r = run(rules, 60 * S, 100 * S, (t) => snapshot(t, 80));
    assert.deepEqual(r.transitions.map((x) => x.state), ['firing'], 'fires again after its sustain time, cooldown or not');
    assert.ok(firing(r.alerts, 'mem.used'), 'and is in the list the window and tray show');
  });

  it('issue 13 #4: a snoozed alert stays listed; snoozing does not change what fires', () => {
    const rules = new AlertRules(settings({ snoozed: { 'mem.used': 300 * S } }));
    const r = run(rules, 0, 290 * S, (t) => snapshot(t, 80));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.state]), [['mem.used', 'firing']]);
    assert.ok(firing(r.alerts, 'mem.used'));
  });

  it('pause: alerts stay listed and transitions are still emitted (the notification policy mutes them)', () => {
    const rules = new AlertRules(settings({ pausedUntil: 3600 * S }));
    let r = run(rules, 0, 120 * S, (t) => snapshot(t, 80, { zombies: [{ pid: 7, ppid: 6, parentName: 'bash', name: 'sleep', sinceSeconds: 300 }] }));
    assert.deepEqual(r.transitions.map((x) => x.id).sort(), ['mem.used', 'zombies:6']);
    assert.ok(firing(r.alerts, 'mem.used'));
    assert.ok(firing(r.alerts, 'zombies:6'));
    assert.equal(firing(r.alerts, 'zombies:6')?.culpritPid, 6, 'a zombie alert names its parent by PID');
    r = run(rules, 130 * S, 200 * S, (t) => snapshot(t, 80));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.state]), [['zombies:6', 'resolved']]);
  });

  it('swap pressure fires on the swap-in rate or PSI, not on swap being full', () => {
    const rules = new AlertRules(settings());
    const full = (t: number) => snapshot(t, 50, { memory: { ...snapshot(t).memory, swapUsedBytes: 4 * GB } });
    assert.deepEqual(run(rules, 0, 120 * S, full).transitions, []);
    let r = run(rules, 130 * S, 170 * S, (t) => snapshot(t, 50, { swapInPerSec: 900 }));
    assert.deepEqual(r.transitions.map((x) => x.id), ['swap.pressure']);
    assert.match(r.transitions[0].title, /900 pages\/s swapped in/);
    r = run(rules, 180 * S, 180 * S, () => snapshot(180 * S, 50));
    assert.deepEqual(r.transitions.map((x) => x.state), ['resolved']);
    const psi = new AlertRules(settings());
    const withPsi = (t: number) => snapshot(t, 50, { pressure: { someAvg10: 20, someAvg60: 15, someAvg300: 5, fullAvg10: 2, fullAvg60: 1, fullAvg300: 0 } });
    assert.deepEqual(run(psi, 0, 40 * S, withPsi).transitions.map((x) => x.id), ['swap.pressure']);
  });

  it('containers: near the limit, unbounded and large, restart loop — each names the container, and clears', () => {
    const rules = new AlertRules(settings());
    const bad = (t: number) =>
      snapshot(t, 50, {
        containers: [
          container('db', { memUsageBytes: 1.9 * GB, memLimitBytes: 2 * GB, memPercent: 95 }),
          container('metamcp', { memUsageBytes: 3 * GB, memLimitBytes: null, memPercent: null }),
          container('plugin', { recentRestarts: 4, restartCount: 76 }),
        ],
      });
    let r = run(rules, 0, 40 * S, bad);
    const byId = new Map(r.transitions.map((x) => [x.id, x]));
    assert.deepEqual([...byId.keys()].sort(), ['container.limit:db', 'container.restart-loop:plugin', 'container.unbounded:metamcp']);
    assert.match(byId.get('container.limit:db')!.title, /^db at 95% of its memory limit \(1\.9 GB \/ 2\.0 GB\)/);
    assert.match(byId.get('container.unbounded:metamcp')!.title, /^metamcp: 3\.0 GB with NO memory limit$/);
    assert.match(byId.get('container.restart-loop:plugin')!.title, /^plugin is restarting in a loop: 4 restarts/);
    for (const x of r.transitions) assert.equal(x.culprit, x.id.split(':')[1]);
    r = run(rules, 50 * S, 50 * S, (t) => snapshot(t, 50, { containers: [container('db'), container('metamcp'), container('plugin')] }));
    assert.equal(r.transitions.filter((x) => x.state === 'resolved').length, 3);
  });

  it('issue 13 #2 (restart loop never alerts): a restarting container with no memory stats still raises the restart-loop alert', () => {
    const rules = new AlertRules(settings());
    const looping = (t: number) =>
      snapshot(t, 50, { containers: [container('crashy', { state: 'restarting', recentRestarts: 12, restartCount: 27, memUsageBytes: null, memLimitBytes: null, memPercent: null, cpuPercent: null })] });
    const r = run(rules, 0, 40 * S, looping);
    assert.deepEqual(r.transitions.map((x) => [x.id, x.severity, x.culprit]), [['container.restart-loop:crashy', 'critical', 'crashy']]);
    assert.match(r.transitions[0].title, /^crashy is restarting in a loop: 12 restarts in ~10 min \(27 in total\)/);
  });

  it('resume: an alert the previous run left firing fires from the first tick with its since and no new transition', () => {
    const rules = new AlertRules(settings());
    const was: Alert = { id: 'mem.used', rule: 'mem.used', severity: 'warning', state: 'firing', title: 'old', detail: '', culprit: null, since: -3600 * S, resolvedAt: null, fixIds: ['old-fix'] };
    rules.resume([was]);
    let r = run(rules, 0, 0, (t) => snapshot(t, 80));
    assert.deepEqual(r.transitions, []);
    assert.equal(firing(r.alerts, 'mem.used')?.since, -3600 * S);
    assert.deepEqual(firing(r.alerts, 'mem.used')?.fixIds, [], 'fixes are linked afresh by the engine');
    // Its condition gone on a later tick: it resolves like any other.
    r = run(rules, 10 * S, 10 * S, (t) => snapshot(t, 40));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.state]), [['mem.used', 'resolved']]);
  });

  it('docker disk waste above its threshold alerts with the reclaimable bytes; named volumes are not counted', () => {
    const rules = new AlertRules(settings({ dockerReclaimableBytes: 1 * GB }));
    const disk = (dangling: number) => ({
      danglingImages: { count: 3, reclaimableBytes: dangling },
      anonymousVolumes: { count: 0, reclaimableBytes: 0 },
      namedUnusedVolumes: { count: 1, reclaimableBytes: 50 * GB, names: ['pgdata'] },
      buildCache: { count: 12, reclaimableBytes: 400 * MB },
      stoppedContainers: { count: 0, reclaimableBytes: 0 },
      measuredAt: 0,
    });
    const snap = (dangling: number) => (t: number) => snapshot(t, 40, { docker: { status: 'ok', message: null, disk: disk(dangling) } });
    assert.deepEqual(run(rules, 0, 40 * S, snap(100 * MB)).transitions, [], '500 MB is below 1 GB, whatever the named volume holds');
    const r = run(rules, 50 * S, 90 * S, snap(800 * MB));
    assert.deepEqual(r.transitions.map((x) => [x.id, x.rule, x.culprit]), [['docker.disk', 'docker.disk', 'docker']]);
    assert.match(r.transitions[0].title, /^Docker: 1\.2 GB of disk reclaimable — 3 dangling images 800 MB, 12 build cache records 400 MB$/);
  });

  it('zombies older than zombieSeconds, per parent', () => {
    const rules = new AlertRules(settings());
    const young = (t: number) => snapshot(t, 50, { zombies: [{ pid: 9, ppid: 8, parentName: 'node', name: 'sh', sinceSeconds: 60 }] });
    assert.deepEqual(run(rules, 0, 60 * S, young).transitions, []);
    const old = (t: number) => snapshot(t, 50, { zombies: [{ pid: 9, ppid: 8, parentName: 'node', name: 'sh', sinceSeconds: 200 }, { pid: 10, ppid: 8, parentName: 'node', name: 'sh', sinceSeconds: 190 }] });
    const r = run(rules, 70 * S, 110 * S, old);
    assert.equal(r.transitions.length, 1);
    assert.equal(r.transitions[0].id, 'zombies:8');
    assert.match(r.transitions[0].title, /^2 zombie processes not reaped by node \(PID 8\)/);
    assert.equal(run(rules, 120 * S, 120 * S, (t) => snapshot(t, 50)).transitions[0].state, 'resolved');
  });

  it('orphaned MCP/agent processes, unless orphan alerts are off', () => {
    const orphan = { pid: 4242, name: 'npm exec', cmdline: 'npm exec @modelcontextprotocol/server-memory', group: 'mcp-memory', rssBytes: 120 * MB, treePids: [4243, 4244], ppid: 1 };
    const make = (t: number) => snapshot(t, 50, { orphans: [orphan] });
    const r = run(new AlertRules(settings()), 0, 40 * S, make);
    assert.deepEqual(r.transitions.map((x) => x.id), ['orphans:mcp-memory']);
    assert.match(r.transitions[0].title, /^mcp-memory: 1 orphaned tree \(3 processes, 120 MB\)/);
    assert.deepEqual(run(new AlertRules(settings({ orphanAlerts: false })), 0, 40 * S, make).transitions, []);
  });

  it('instance count above the maximum: agents and MCP servers by default, other groups only with an explicit maximum', () => {
    const groups = [
      group('claude', { kind: 'agent', count: 16, rssBytes: 5.4 * GB, pids: Array.from({ length: 16 }, (_, i) => 2000 + i) }),
      group('chrome', { kind: 'browser', count: 40, rssBytes: 3 * GB }),
    ];
    const make = (t: number) => snapshot(t, 50, { groups });
    let r = run(new AlertRules(settings()), 0, 40 * S, make);
    assert.deepEqual(r.transitions.map((x) => x.id), ['instances:claude']);
    assert.match(r.transitions[0].title, /^claude ×16 — 5\.4 GB: 8 more instances than the maximum of 8$/);
    r = run(new AlertRules(settings({ maxInstances: { chrome: 30, claude: 20 } })), 0, 40 * S, make);
    assert.deepEqual(r.transitions.map((x) => x.id), ['instances:chrome']);
  });

  it('a leak trend inside the horizon names its culprit with figures: "claude ×16 — 5.4 GB, +1.2 GB/h, memory full in ~2 h 40 min"', () => {
    const claude = group('claude', { kind: 'agent', count: 16, rssBytes: 5.4 * GB, pids: Array.from({ length: 16 }, (_, i) => 2000 + i) });
    const trend: LeakTrend = {
      series: 'process.group.claude.rss',
      leaking: true,
      slopePerHour: 1.2 * GB,
      slopeLowPerHour: 1.0 * GB,
      slopeHighPerHour: 1.4 * GB,
      strength: 0.999,
      level: 5.4 * GB,
      limit: 16 * GB,
      etaSeconds: 2 * 3600 + 40 * 60,
      segmentStart: 0,
    };
    // (A maximum of 20 keeps the instance-count rule out of this test.)
    const rules = new AlertRules(settings({ maxInstances: { claude: 20 } }));
    const make = (t: number) => snapshot(t, 50, { groups: [claude] });
    let r = run(rules, 0, 40 * S, make, [trend]);
    assert.equal(r.transitions.length, 1);
    assert.equal(r.transitions[0].id, 'leak:process.group.claude.rss');
    assert.equal(r.transitions[0].title, 'claude ×16 — 5.4 GB, +1.2 GB/h, memory full in ~2 h 40 min');
    assert.equal(r.transitions[0].culprit, 'claude');
    // Outside the horizon, or no longer leaking: nothing new, and the alert resolves.
    r = run(rules, 50 * S, 50 * S, make, [{ ...trend, leaking: false }]);
    assert.deepEqual(r.transitions.map((x) => x.state), ['resolved']);
    const far = new AlertRules(settings({ maxInstances: { claude: 20 } }));
    assert.deepEqual(run(far, 0, 60 * S, make, [{ ...trend, etaSeconds: 30 * 3600 }]).transitions, []);
    // No limit (open files): judged by the doubling time, in the series' own unit.
    const fds: LeakTrend = { ...trend, series: 'process.group.claude.fds', slopePerHour: 400, slopeLowPerHour: 300, slopeHighPerHour: 500, level: 1200, limit: null, etaSeconds: null };
    r = run(new AlertRules(settings({ maxInstances: { claude: 20 } })), 0, 40 * S, make, [fds]);
    assert.equal(r.transitions[0].title, 'claude ×16 — 5.4 GB, 1,200 fds, +400 fds/h, doubling in ~3 h');
  });

  it('alert ids are stable per condition while it lasts', () => {
    const rules = new AlertRules(settings());
    const seen = new Set<string>();
    for (let t = 0; t <= 300 * S; t += 10 * S) {
      for (const a of rules.evaluate(snapshot(t, 70 + (t / S) % 20), []).alerts) seen.add(`${a.id}:${a.since}`);
    }
    assert.deepEqual([...seen], ['mem.used:30000']);
  });
});
