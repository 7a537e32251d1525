/**
 * Headroom's /metrics: values from a real engine sample, bounded labels, the
 * token and loopback guard over real HTTP, and Prometheus's own tool on our
 * output and on the shipped rules and dashboard.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createHeadroomMetrics, createMetricsHandler, startMetricsExporter, topGroupsWithOther, type MetricsSource } from '../../../src/main/engine/metrics/index.ts';
import type { ProcessGroup, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { repoRoot } from '../../helpers/cli.ts';
import { ProcessSwarm } from '../../helpers/procs.ts';

const RULES = join(repoRoot, 'docs', 'prometheus', 'headroom.rules.yml');
const DASHBOARD = join(repoRoot, 'docs', 'prometheus', 'headroom-dashboard.json');
const TOKEN = 'test-metrics-token-0123456789';

function promtool(args: string[], input?: string) {
  const r = spawnSync('promtool', args, { input, encoding: 'utf8' });
  if (r.error) throw new Error(`promtool is not installed (scripts/provision.sh installs Debian's prometheus package): ${r.error.message}`);
  return r;
}

/** Value of one sample line `name{labels} value` in exposition text, or undefined. */
function sample(text: string, name: string, labels = ''): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics registry', () => {
  const swarm = new ProcessSwarm();
  let snap: Snapshot;
  let source: MetricsSource;

  before(async () => {
    await swarm.spawnNamed('claude', 3);
    const engine = new Engine({ settings: () => DEFAULT_SETTINGS, log: () => {} });
    snap = engine.sampleNow();
    source = {
      latest: () => snap,
      trends: () => [
        { series: 'process.group.claude.rss', leaking: true, slopePerHour: 7200, slopeLowPerHour: 3600, slopeHighPerHour: 10800, strength: 0.97, level: 1e8, limit: 1e9, etaSeconds: 450000, segmentStart: 0 },
        { series: 'process.group.claude.fds', leaking: false, slopePerHour: 36, slopeLowPerHour: -36, slopeHighPerHour: 72, strength: 0.2, level: 40, limit: null, etaSeconds: null, segmentStart: 0 },
      ],
      alerts: () => [
        { id: 'leak:process.group.claude.rss', rule: 'leak', severity: 'critical', state: 'firing', title: 't', detail: 'd', culprit: 'claude', since: 0, resolvedAt: null, fixIds: [] },
        { id: 'mem.used', rule: 'memory', severity: 'warning', state: 'resolved', title: 't', detail: 'd', culprit: null, since: 0, resolvedAt: 1, fixIds: [] },
      ],
    };
  });
  after(() => swarm.cleanup());

  it('serves the sample it was given, in base units', async () => {
    // Room for every group, so the small claude swarm has its own labels.
    const text = await createHeadroomMetrics(source, { topGroups: 1000 }).metricsText();
    const m = snap.memory;
    assert.equal(sample(text, 'headroom_memory_total_bytes'), m.totalBytes);
    assert.equal(sample(text, 'headroom_memory_used_bytes'), m.usedBytes);
    assert.equal(sample(text, 'headroom_memory_available_bytes'), m.availableBytes);
    assert.equal(sample(text, 'headroom_swap_used_bytes'), m.swapUsedBytes);
    assert.equal(sample(text, 'headroom_processes'), snap.processCount);
    const claude = snap.groups.find((g) => g.name === 'claude');
    assert.ok(claude && claude.count >= 3, 'the claude swarm is a group');
    assert.equal(sample(text, 'headroom_group_instances', `group="claude",kind="agent"`), claude.count);
    assert.equal(sample(text, 'headroom_group_memory_bytes', `group="claude",kind="agent"`), claude.rssBytes);
    assert.equal(sample(text, 'headroom_group_threads', `group="claude",kind="agent"`), claude.threads);
    assert.equal(sample(text, 'headroom_leak_detected', 'series="process.group.claude.rss"'), 1);
    assert.equal(sample(text, 'headroom_leak_slope_bytes_per_second', 'series="process.group.claude.rss"'), 2);
    assert.equal(sample(text, 'headroom_leak_slope_per_second', 'series="process.group.claude.fds"'), 0.01, 'a count series gets the count slope');
    assert.equal(sample(text, 'headroom_leak_time_to_exhaustion_seconds', 'series="process.group.claude.rss"'), 450000);
    assert.equal(sample(text, 'headroom_leak_time_to_exhaustion_seconds', 'series="process.group.claude.fds"'), undefined, 'no ETA is exported where none is projected');
    assert.equal(sample(text, 'headroom_alerts_firing', 'severity="critical"'), 1);
    assert.equal(sample(text, 'headroom_alerts_firing', 'severity="warning"'), 0, 'resolved alerts are not firing');
    assert.equal(sample(text, 'headroom_alert_firing', 'id="leak:process.group.claude.rss",rule="leak",severity="critical",culprit="claude"'), 1);
    assert.equal(sample(text, 'headroom_docker_up'), 0, 'no container source: Docker is down, not "zero containers"');
    assert.equal(sample(text, 'headroom_self_memory_bytes'), snap.self.rssBytes);
  });

  it('bounds group labels to the top N plus "other", keeping the totals', async () => {
    const text = await createHeadroomMetrics(source, { topGroups: 3 }).metricsText();
    const groupLines = text.split('\n').filter((l) => l.startsWith('headroom_group_memory_bytes{'));
    assert.equal(groupLines.length, Math.min(4, snap.groups.length));
    let sum = 0;
    for (const l of groupLines) sum += Number(l.slice(l.lastIndexOf(' ') + 1));
    assert.equal(sum, snap.groups.reduce((a, g) => a + g.rssBytes, 0));
    assert.ok(groupLines.some((l) => l.includes('group="other"')));

    const g = (name: string, rss: number, fds: number | null): ProcessGroup => ({ name, kind: 'other', count: 1, rssBytes: rss, cpuPercent: 50, threads: 2, fds, pids: [] });
    const rows = topGroupsWithOther([g('a', 10, 1), g('other', 50, null), g('b', 30, null), g('c', 20, 4)], 2);
    assert.deepEqual(
      rows.map((r) => [r.group, r.memoryBytes, r.instances, r.fds, r.cpuCores]),
      [
        ['b', 30, 1, null, 0.5],
        ['c', 20, 1, 4, 0.5],
        ['other', 60, 2, 1, 1],
      ],
      'a real group named "other" is folded into the other row',
    );
  });

  it('passes promtool check metrics', async () => {
    const text = await createHeadroomMetrics(source, { topGroups: 15 }).metricsText();
    assert.ok(text.includes('headroom_memory_used_bytes '), 'the output is not empty');
    const r = promtool(['check', 'metrics'], text);
    assert.equal(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}`);
  });

  it('declares every metric the shipped rules and dashboard use', async () => {
    const text = await createHeadroomMetrics(source, { topGroups: 15 }).metricsText();
    const declared = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]));
    const used = new Set([...`${readFileSync(RULES, 'utf8')}\n${readFileSync(DASHBOARD, 'utf8')}`.matchAll(/\bheadroom_[a-z_]+\b/g)].map((m) => m[0]));
    assert.ok(used.size > 10);
    for (const name of used) assert.ok(declared.has(name), `${name} is used in docs/prometheus but not exported`);
  });
});

describe('shipped Prometheus files', () => {
  it('the alert rules pass promtool check rules and their unit tests', () => {
    const r = promtool(['check', 'rules', RULES]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /SUCCESS: \d+ rules found/);
    const t = promtool(['test', 'rules', join(repoRoot, 'docs', 'prometheus', 'headroom.rules.test.yml')]);
    assert.equal(t.status, 0, `${t.stdout}${t.stderr}`);
  });

  it('every dashboard query is valid PromQL', () => {
    const dash = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { title: string; targets?: { expr: string }[] }[] };
    const exprs = dash.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr.replaceAll('$instance', '.*') })));
    assert.ok(exprs.length > 15);
    // promtool parses a recording rule's expression: a cheap, exact PromQL syntax check.
    const dir = mkdtempSync(join(tmpdir(), 'headroom-dash-'));
    const rules = ['groups:', '  - name: dashboard', '    rules:', ...exprs.flatMap((e, i) => [`      - record: dashboard:q${i}`, `        expr: ${JSON.stringify(e.expr)}`])];
    writeFileSync(join(dir, 'dash.rules.yml'), `${rules.join('\n')}\n`);
    const r = promtool(['check', 'rules', join(dir, 'dash.rules.yml')]);
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
  });
});

describe('metrics endpoint guard', () => {
  const source: MetricsSource = { latest: () => null, trends: () => [], alerts: () => [] };
  const metrics = createHeadroomMetrics(source, { topGroups: 5 });

  it('requires its token when it has one, by header or query string', async () => {
    const ex = await startMetricsExporter({ metrics, port: 0, token: TOKEN });
    try {
      assert.equal((await fetch(ex.url)).status, 401);
      assert.equal((await fetch(ex.url, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
      const ok = await fetch(ex.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.match(ok.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      assert.match(await ok.text(), /headroom_build_info\{version="dev"\} 1/);
      assert.equal((await fetch(`${ex.url}?token=${TOKEN}`)).status, 200);
      assert.equal((await fetch(ex.url, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } })).status, 405);
      assert.equal((await fetch(ex.url.replace('/metrics', '/other'))).status, 404);
    } finally {
      await ex.close();
    }
  });

  it('without a token, answers loopback only and refuses to listen beyond it', async () => {
    const ex = await startMetricsExporter({ metrics, port: 0, token: null });
    try {
      assert.equal((await fetch(ex.url)).status, 200);
    } finally {
      await ex.close();
    }
    await assert.rejects(startMetricsExporter({ metrics, host: '0.0.0.0', port: 0, token: null }), /without a metrics token/);
    assert.throws(() => createMetricsHandler({ metrics, token: 'short' }), /at least 16/);
  });

  it('without a token, refuses a request that arrived on a non-loopback address', async (t) => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!external) {
      t.skip('this machine has no non-loopback IPv4 address to connect through');
      return;
    }
    const handler = createMetricsHandler({ metrics, token: null });
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
    const port = (server.address() as AddressInfo).port;
    try {
      assert.equal((await fetch(`http://${external.address}:${port}/metrics`)).status, 403);
      assert.equal((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('prom-client is loaded at the first scrape', () => {
  it('not at start (fresh process), then once; the content type is prom-client’s own', () => {
    const script = `
      import Module from 'node:module';
      import { createHeadroomMetrics } from './src/main/engine/metrics/index.ts';
      const loaded = () => Object.keys(Module._cache).some((k) => k.includes('/node_modules/prom-client/'));
      const snap = null;
      const m = createHeadroomMetrics({ latest: () => snap, trends: () => [], alerts: () => [] }, { topGroups: 5 });
      const atStart = loaded();
      const text = await m.metricsText();
      const { Registry } = await import('prom-client');
      console.log(JSON.stringify({ atStart, afterScrape: loaded(), hasBuildInfo: text.includes('headroom_build_info'), sameType: m.contentType === new Registry().contentType }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop() as string), { atStart: false, afterScrape: true, hasBuildInfo: true, sameType: true });
  });
});
