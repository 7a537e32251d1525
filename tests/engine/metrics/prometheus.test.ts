/**
 * A real Prometheus (Debian's package) scrapes Headroom's /metrics on
 * loopback with the metrics token, and its HTTP API returns our memory, group
 * and leak series with the values the exporter served. A second job without
 * the token must be refused.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LeakDetector } from '../../../src/main/engine/detect/leak-detector.ts';
import { Engine } from '../../../src/main/engine/engine.ts';
import { createHeadroomMetrics, startMetricsExporter, type MetricsExporter } from '../../../src/main/engine/metrics/index.ts';
import type { LeakTrend, Snapshot } from '../../../src/shared/model.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { ProcessSwarm } from '../../helpers/procs.ts';
import { freePort } from '../../helpers/net.ts';
import { TRACES_DIR } from '../../helpers/shared.ts';

const TOKEN = 'prometheus-test-token-5b2f0c1e';
const TRACE = join(TRACES_DIR, 'node_sawtooth_leak.csv');


/** The real detector's trend for the labelled node leak trace. */
function traceTrend(): LeakTrend {
  const lines = readFileSync(TRACE, 'utf8').trim().split('\n').slice(1);
  const d = new LeakDetector(DEFAULT_SETTINGS.detector);
  let series = '';
  for (const l of lines) {
    const [t, s, v, lim] = l.split(',');
    series = s;
    d.push(s, Number(t), Number(v), lim ? Number(lim) : null);
  }
  const tr = d.trend(series);
  assert.ok(tr && tr.leaking && tr.etaSeconds !== null, 'the detector reports the node trace as a leak with an ETA');
  return tr;
}

interface PromResult {
  metric: Record<string, string>;
  value: [number, string];
}

describe('a real Prometheus scrapes /metrics', () => {
  const swarm = new ProcessSwarm();
  let prom: ChildProcess | null = null;
  let promLog = '';
  let promUrl = '';
  let exporter: MetricsExporter;
  let snap: Snapshot;
  let trend: LeakTrend;
  let served = '';

  const query = async (q: string): Promise<PromResult[]> => {
    const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
    const body = (await r.json()) as { status: string; data: { result: PromResult[] } };
    assert.equal(body.status, 'success', `query ${q}`);
    return body.data.result;
  };

  before(async () => {
    await swarm.spawnNamed('claude', 4);
    // One real sample, then frozen, so every scrape serves the same values.
    const engine = new Engine({ settings: () => DEFAULT_SETTINGS, log: () => {} });
    snap = engine.sampleNow();
    trend = traceTrend();
    const metrics = createHeadroomMetrics({ latest: () => snap, trends: () => [trend], alerts: () => [] }, { topGroups: 1000 });
    // Keep what was actually served, to compare Prometheus's values with it.
    const recording = {
      ...metrics,
      metricsText: async () => {
        served = await metrics.metricsText();
        return served;
      },
    };
    exporter = await startMetricsExporter({ metrics: recording, port: 0, token: TOKEN });

    const dir = mkdtempSync(join(tmpdir(), 'headroom-prom-'));
    const port = await freePort();
    promUrl = `http://127.0.0.1:${port}`;
    const target = `127.0.0.1:${exporter.port}`;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        '  - job_name: headroom',
        '    authorization:',
        '      type: Bearer',
        `      credentials: ${TOKEN}`,
        '    static_configs:',
        `      - targets: ["${target}"]`,
        '  - job_name: headroom-without-token',
        '    static_configs:',
        `      - targets: ["${target}"]`,
        '',
      ].join('\n'),
    );
    try {
      prom = spawn(
        'prometheus',
        [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
    } catch (err) {
      throw new Error(`cannot start prometheus (scripts/provision.sh installs it): ${(err as Error).message}`);
    }
    prom.on('error', (err) => (promLog += `spawn error: ${err.message}\n`));
    prom.stdout?.on('data', (d) => (promLog += d));
    prom.stderr?.on('data', (d) => (promLog += d));

    // Wait for Prometheus to answer and to have scraped both jobs.
    const deadline = Date.now() + 40000;
    for (;;) {
      if (prom.exitCode !== null) throw new Error(`prometheus exited (${prom.exitCode}):\n${promLog}`);
      try {
        const up = await query('up');
        if (up.length === 2 && (await query('headroom_memory_used_bytes')).length === 1) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`prometheus did not scrape within 40 s:\n${promLog}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  after(async () => {
    if (prom && prom.exitCode === null) {
      const exited = new Promise((r) => prom!.once('exit', r));
      prom.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (prom.exitCode === null) prom.kill('SIGKILL');
    }
    await exporter?.close();
    swarm.cleanup();
  });

  const servedValue = (line: string): number => {
    const l = served.split('\n').find((x) => x.startsWith(line));
    assert.ok(l, `the exporter served ${line}`);
    return Number(l.slice(l.lastIndexOf(' ') + 1));
  };

  it('scrapes with the token and is refused without it', async () => {
    const up = await query('up');
    const byJob = Object.fromEntries(up.map((r) => [r.metric.job, Number(r.value[1])]));
    assert.deepEqual(byJob, { headroom: 1, 'headroom-without-token': 0 });
  });

  it('stores our memory series with the values served', async () => {
    for (const name of ['headroom_memory_used_bytes', 'headroom_memory_total_bytes', 'headroom_memory_available_bytes', 'headroom_swap_used_bytes']) {
      const r = await query(name);
      assert.equal(r.length, 1, name);
      assert.equal(r[0].metric.job, 'headroom');
      assert.equal(Number(r[0].value[1]), servedValue(`${name} `), name);
    }
    assert.equal(Number((await query('headroom_memory_used_bytes'))[0].value[1]), snap.memory.usedBytes);
  });

  it('stores our group series, labelled by group, with the values served', async () => {
    const claude = snap.groups.find((g) => g.name === 'claude');
    assert.ok(claude, 'the claude swarm was sampled');
    const mem = await query('headroom_group_memory_bytes{group="claude"}');
    assert.equal(mem.length, 1);
    assert.equal(mem[0].metric.kind, 'agent');
    assert.equal(Number(mem[0].value[1]), claude.rssBytes);
    assert.equal(Number(mem[0].value[1]), servedValue('headroom_group_memory_bytes{group="claude",kind="agent"} '));
    const inst = await query('headroom_group_instances{group="claude"}');
    assert.equal(Number(inst[0].value[1]), claude.count);
    assert.ok(claude.count >= 4);
    const groups = await query('count(headroom_group_memory_bytes)');
    assert.equal(Number(groups[0].value[1]), snap.groups.length);
  });

  it("stores the detector's leak slope and time to exhaustion", async () => {
    const sel = `{series="${trend.series}"}`;
    const eta = await query(`headroom_leak_time_to_exhaustion_seconds${sel}`);
    assert.equal(Number(eta[0].value[1]), trend.etaSeconds);
    const slope = await query(`headroom_leak_slope_bytes_per_second${sel}`);
    assert.equal(Number(slope[0].value[1]), trend.slopePerHour / 3600);
    assert.equal(Number((await query(`headroom_leak_detected${sel}`))[0].value[1]), 1);
  });
});
