/**
 * Issue 13, problem 6: the report contradicted the window. Built from
 * constructed inputs: the report states the engine's verdicts (live, or as
 * recorded), its advice follows the facts (a container with a limit is not
 * told to get one), every fix the window offers appears, counts are whole
 * numbers, and the alerts it lists are the ones the engine recorded.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildReport, renderMarkdown, type ReportInputs } from '../../../src/main/engine/report/index.ts';
import { liveStateFrom } from '../../../src/main/engine/report/live.ts';
import type { HistorySeries } from '../../../src/shared/contract.ts';
import type { Alert, FixProposal, LeakTrend } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { container, GB, group, MB, snapshot } from '../detect/snapshot-fixture.ts';

const T = Date.parse('2026-12-01T12:00:00Z');
const line = (name: string, from: number, to: number, v: (t: number) => number, limit: number | null = null): HistorySeries => {
  const t: number[] = [];
  const vs: number[] = [];
  for (let x = from; x <= to; x += 10_000) {
    t.push(x);
    vs.push(v(x));
  }
  return { series: name, t, v: vs, limit, tier: 'raw' };
};

const leakTrend: LeakTrend = {
  series: 'container.ux-leaky.mem',
  leaking: true,
  slopePerHour: 1.8 * GB,
  slopeLowPerHour: 1.7 * GB,
  slopeHighPerHour: 1.9 * GB,
  strength: 0.99,
  level: 200 * MB,
  limit: 256 * MB,
  etaSeconds: 112,
  segmentStart: T - 14 * 60_000,
};

const leakAlert: Alert = { id: 'leak:container.ux-leaky.mem', rule: 'leak', severity: 'critical', state: 'firing', title: 'ux-leaky — 200 MB, +1.8 GB/h, reaches its limit in ~2 min', detail: '', culprit: 'ux-leaky', since: T - 60_000, resolvedAt: null, fixIds: [] };
const fix = (id: string, title: string): FixProposal => ({ id, kind: 'docker.restart', title, targets: [{ kind: 'container', id: 'abc', name: 'ux-leaky' }], expectedBytes: 200 * MB, risk: 'medium', destructive: true, undoable: false, command: 'docker restart ux-leaky', reason: 'r', createdAt: T, alertIds: [leakAlert.id] });

function inputs(over: Partial<ReportInputs> = {}): ReportInputs {
  const since = T - 15 * 60_000;
  const fixes = [fix('fx-restart', 'Restart container ux-leaky'), fix('fx-limit', 'Raise the memory limit of ux-leaky to 512 MB')];
  const snap = snapshot(T, 40, {
    containers: [container('ux-leaky', { memUsageBytes: 200 * MB, memLimitBytes: 256 * MB, memPercent: 78 })],
    docker: { status: 'ok', message: null, disk: null },
    groups: [group('node', { count: 6, rssBytes: 1 * GB, pids: [1, 2, 3, 4, 5, 6] })],
    sampledAt: { system: T, processes: T, containers: T },
  });
  return {
    generatedAt: T,
    sinceMs: since,
    untilMs: T,
    timeZone: 'UTC',
    settings: DEFAULT_SETTINGS,
    series: {
      'system.mem.used': line('system.mem.used', since, T, () => 6 * GB, 16 * GB),
      'system.mem.available': line('system.mem.available', since, T, () => 10 * GB, 16 * GB),
      'container.ux-leaky.mem': line('container.ux-leaky.mem', since, T, (t) => 200 * MB - ((T - t) / 3600_000) * 1.8 * GB, 256 * MB),
      // A 1-minute rollup point averages 6 and 7 processes.
      'process.group.node.rss': line('process.group.node.rss', since, T, () => 1 * GB, 16 * GB),
      'process.group.node.count': { ...line('process.group.node.count', since, T, () => 6.333333333333333), tier: 'm1' },
      'process.group.node.threads': { ...line('process.group.node.threads', since, T, () => 76.33333333333333), tier: 'm1' },
    },
    events: [],
    trends: { [leakTrend.series]: leakTrend },
    verdicts: { kind: 'live', at: T },
    endedLeaks: {},
    alertEvents: [{ t: T - 60_000, kind: 'alert.fired', alert: { ...leakAlert, fixIds: ['fx-restart', 'fx-limit'] } }],
    watched: ['container.ux-leaky.mem', 'process.group.node.rss', 'system.mem.used'],
    live: liveStateFrom(snap, [leakAlert], fixes, { trends: [leakTrend] }),
    ...over,
  };
}

const md = (i: ReportInputs) => renderMarkdown(buildReport(i).document);

describe('report verdicts and advice', () => {
  it('issue 13 #6: a leaking container that has a limit is not told to "give it a limit"', () => {
    const text = md(inputs());
    assert.match(text, /Restart container ux-leaky: its memory keeps growing toward its 256 MB limit/);
    assert.doesNotMatch(text, /give it a (memory )?limit/i);
  });

  it('issue 13 #6: the fixes the window offers for the alert are the report\'s one-click fixes, never "no fix proposed"', () => {
    const text = md(inputs());
    const recs = text.slice(text.indexOf('## Recommendations'), text.indexOf('## Risk assessment'));
    assert.ok(recs.includes('`fx-restart`') && recs.includes('`fx-limit`'), recs);
    assert.doesNotMatch(recs, /No one-click fix was proposed/);
  });

  it('issue 13 #6: counts are whole numbers, even from a rollup', () => {
    const text = md(inputs());
    assert.doesNotMatch(text, /6\.333|76\.333/);
  });

  it('issue 13 #6: the alerts section lists the engine\'s recorded transitions with their fixes, and what fires now', () => {
    const text = md(inputs());
    const alerts = text.slice(text.indexOf('## Alerts'), text.indexOf('## Memory'));
    assert.match(alerts, /Firing at report time \(1\)/);
    assert.match(alerts, /\| fired \| critical \| ux-leaky — 200 MB, \+1\.8 GB\/h, reaches its limit in ~2 min \| Restart container ux-leaky; Raise the memory limit of ux-leaky to 512 MB \|/);
  });

  it('issue 13 #6: with no engine verdict in reach the report says so, and calls nothing flat or rising', () => {
    const text = md(inputs({ trends: {}, verdicts: { kind: 'none', at: null }, live: null }));
    const leaks = text.slice(text.indexOf('## Leak trends'), text.indexOf('## Recommendations'));
    assert.match(leaks, /No engine verdict is in reach/);
    assert.doesNotMatch(leaks, /flat|rising|\[−∞/);
  });
});
