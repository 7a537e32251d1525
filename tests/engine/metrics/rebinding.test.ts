/**
 * Security #1 (issue 16): DNS rebinding against the standalone /metrics. A page
 * on evil.example that makes evil.example resolve to 127.0.0.1 sends
 * "Host: evil.example:P" and reads the answer as same-origin: the group names
 * of every process. The exporter (`headroom metrics`, the desktop app's
 * loopback exporter) must refuse such a Host, while a token-bearing remote
 * Prometheus scrape by any name still works where the listener is beyond
 * loopback.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startDesktopExporter } from '../../../src/main/engine/metrics/desktop-exporter.ts';
import { createHeadroomMetrics, startMetricsExporter, type MetricsExporter, type MetricsSource } from '../../../src/main/engine/metrics/index.ts';
import { ensureBuilt, repoRoot, tempHome } from '../../helpers/cli.ts';
import { freePort, httpGet } from '../../helpers/net.ts';
import { waitUntil } from '../../helpers/procs.ts';
import { startTestHeadroom, type TestHeadroom } from '../api/fixture.ts';

const TOKEN = 'rebinding-test-token-0123456789';
const source: MetricsSource = { latest: () => null, trends: () => [], alerts: () => [] };
const metrics = createHeadroomMetrics(source, { topGroups: 5 });

/** What a rebinding page's browser sends: its own name on our port. */
const rebound = (port: number) => ({ Host: `evil.example:${port}`, Origin: `http://evil.example:${port}` });

describe('security #1: /metrics refuses a rebinding Host', () => {
  it('the loopback exporter without a token refuses a foreign Host or Origin, and answers its own names', async () => {
    const ex = await startMetricsExporter({ metrics, port: 0, token: null });
    try {
      const r = await httpGet(ex.url, rebound(ex.port));
      assert.equal(r.status, 403, r.body);
      assert.doesNotMatch(r.body, /headroom_/);
      assert.equal((await httpGet(ex.url, { Host: `evil.example:${ex.port}` })).status, 403, 'Host alone');
      assert.equal((await httpGet(ex.url, { Origin: 'http://evil.example' })).status, 403, 'a cross-origin page');
      assert.equal((await httpGet(ex.url, { Host: `127.0.0.1:${ex.port + 1 === 65536 ? 1 : ex.port + 1}` })).status, 403, 'another port');
      assert.equal((await httpGet(ex.url)).status, 200, 'Host 127.0.0.1:P');
      assert.equal((await httpGet(ex.url, { Host: `localhost:${ex.port}` })).status, 200, 'Host localhost:P');
    } finally {
      await ex.close();
    }
  });

  it('the loopback exporter refuses a foreign Host even with the right token', async () => {
    const ex = await startMetricsExporter({ metrics, port: 0, token: TOKEN });
    try {
      assert.equal((await httpGet(ex.url, { ...rebound(ex.port), Authorization: `Bearer ${TOKEN}` })).status, 403);
      assert.equal((await httpGet(ex.url, { Authorization: `Bearer ${TOKEN}` })).status, 200);
    } finally {
      await ex.close();
    }
  });

  it('beyond loopback the token is the guard: a scrape by any name with it is answered, without it refused', async () => {
    const ex = await startMetricsExporter({ metrics, host: '0.0.0.0', port: 0, token: TOKEN });
    const url = `http://127.0.0.1:${ex.port}/metrics`;
    try {
      const named = { Host: `node-7.cluster.example:${ex.port}` };
      assert.equal((await httpGet(url, { ...named, Authorization: `Bearer ${TOKEN}` })).status, 200, 'a remote Prometheus with the token');
      assert.equal((await httpGet(`${url}?token=${TOKEN}`, named)).status, 200, 'the token in the query string');
      assert.equal((await httpGet(url, rebound(ex.port))).status, 401, 'a rebinding page cannot know the token');
      const crossOrigin = { ...named, Origin: 'http://evil.example', Authorization: `Bearer ${TOKEN}` };
      assert.equal((await httpGet(url, crossOrigin)).status, 403, 'a cross-origin page is refused, token or not');
    } finally {
      await ex.close();
    }
  });

  it('the desktop app’s exporter refuses a rebinding Host', async (t) => {
    const th: TestHeadroom = startTestHeadroom({}, { start: false });
    t.after(() => th.dispose());
    const port = await freePort();
    const ex = (await startDesktopExporter(th.h, { HEADROOM_METRICS_PORT: String(port) })) as MetricsExporter;
    assert.ok(ex, th.logLines.join('\n'));
    try {
      assert.equal((await httpGet(ex.url, rebound(port))).status, 403);
      assert.equal((await httpGet(ex.url)).status, 200);
    } finally {
      await ex.close();
    }
  });
});

describe('security #1: `headroom metrics` refuses a rebinding Host', () => {
  let child: ReturnType<typeof spawn>;
  let out = '';
  before(() => {
    ensureBuilt();
    child = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'metrics', '--port', '0', '--no-docker', '--no-history'], {
      env: { ...process.env, HEADROOM_HOME: tempHome('headroom-rebinding-'), HEADROOM_METRICS_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
  });
  after(async () => {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  });

  it('answers 403 without group names to the issue’s curl, 200 to its own address', async () => {
    await waitUntil(() => /serving http:\/\/\S+\/metrics/.test(out) || child.exitCode !== null, 30_000, 'the metrics URL');
    const url = /serving (http:\/\/\S+\/metrics)/.exec(out)?.[1];
    assert.ok(url, out);
    const port = Number(new URL(url).port);
    const r = await httpGet(url, rebound(port));
    assert.equal(r.status, 403, r.body);
    assert.doesNotMatch(r.body, /headroom_group/);
    assert.equal((await httpGet(url)).status, 200);
  });
});
