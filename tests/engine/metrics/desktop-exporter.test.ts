/**
 * The desktop app's optional loopback exporter (HEADROOM_METRICS_PORT): its
 * configuration from the environment, a real scrape of a running engine, and
 * a port already taken — a log line, not a crash.
 */

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { desktopExporterConfig, startDesktopExporter } from '../../../src/main/engine/metrics/desktop-exporter.ts';
import { startTestHeadroom, type TestHeadroom } from '../api/fixture.ts';
import { waitUntil } from '../../helpers/procs.ts';
import { freePort } from '../../helpers/net.ts';

const TOKEN = 'desktop-exporter-token-0123456789';


describe('desktop exporter configuration', () => {
  const cases: [string, NodeJS.ProcessEnv, RegExp | { port: number; token: string | null } | null][] = [
    ['off by default', {}, null],
    ['off when blank', { HEADROOM_METRICS_PORT: '  ' }, null],
    ['a port, loopback only', { HEADROOM_METRICS_PORT: '9464' }, { port: 9464, token: null }],
    ['a port and a token', { HEADROOM_METRICS_PORT: '9464', HEADROOM_METRICS_TOKEN: TOKEN }, { port: 9464, token: TOKEN }],
    ['not a number', { HEADROOM_METRICS_PORT: '94x' }, /expected a port 1\.\.65535, got "94x"/],
    ['out of range', { HEADROOM_METRICS_PORT: '70000' }, /expected a port/],
    ['port 0 is not a port to scrape', { HEADROOM_METRICS_PORT: '0' }, /expected a port/],
    ['a short token', { HEADROOM_METRICS_PORT: '9464', HEADROOM_METRICS_TOKEN: 'abc' }, /HEADROOM_METRICS_TOKEN: .*at least 16/],
  ];
  for (const [name, env, expected] of cases) {
    it(name, () => {
      const c = desktopExporterConfig(env);
      if (expected === null) assert.deepEqual(c, { enabled: false });
      else if (expected instanceof RegExp) {
        assert.equal(c.enabled, false);
        assert.match((c as { problem: string }).problem, expected);
      } else assert.deepEqual(c, { enabled: true, ...expected });
    });
  }
});

describe('desktop exporter on a running engine', () => {
  let t: TestHeadroom;
  before(() => {
    t = startTestHeadroom({}, { start: true });
  });
  after(() => t.dispose());

  it('serves the engine on loopback behind the token, and closes', async () => {
    const port = await freePort();
    const exporter = await startDesktopExporter(t.h, { HEADROOM_METRICS_PORT: String(port), HEADROOM_METRICS_TOKEN: TOKEN });
    assert.ok(exporter, t.logLines.join('\n'));
    try {
      assert.equal(exporter.url, `http://127.0.0.1:${port}/metrics`);
      assert.equal((await fetch(exporter.url)).status, 401);
      let text = '';
      const deadline = Date.now() + 15_000;
      while (!/^headroom_memory_used_bytes \d+/m.test(text)) {
        assert.ok(Date.now() < deadline, `no memory sample served:\n${text.slice(0, 400)}`);
        const r = await fetch(exporter.url, { headers: { Authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.status, 200);
        text = await r.text();
        if (!/^headroom_memory_used_bytes \d+/m.test(text)) await new Promise((res) => setTimeout(res, 100));
      }
      assert.match(text, /^headroom_self_memory_bytes \d+/m);
    } finally {
      await exporter.close();
    }
    await assert.rejects(fetch(exporter.url), 'closed');
  });

  it('a port in use: logged, no exporter, the engine runs on', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const exporter = await startDesktopExporter(t.h, { HEADROOM_METRICS_PORT: String(port) });
      assert.equal(exporter, null);
      assert.ok(t.logLines.some((l) => l.includes(`exporter not started on 127.0.0.1:${port}`) && l.includes('EADDRINUSE')), t.logLines.join('\n'));
      const before = t.h.engine.latest()?.sampledAt.system ?? 0;
      await waitUntil(() => (t.h.engine.latest()?.sampledAt.system ?? 0) > before, 10_000, 'a sample after the failed start');
    } finally {
      blocker.close();
    }
  });
});
