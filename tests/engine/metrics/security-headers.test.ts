/**
 * Security #8 (issue 16): /metrics answers carry the security headers every
 * other web-mode response carries (nosniff, CORP, no-store, …): the one list
 * in server/security.ts, on every status the endpoint can answer.
 */

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createHeadroomMetrics, createMetricsHandler, startMetricsExporter, type MetricsSource } from '../../../src/main/engine/metrics/index.ts';
import { securityHeaders } from '../../../src/main/engine/server/security.ts';
import { httpGet, type HttpAnswer } from '../../helpers/net.ts';

const TOKEN = 'headers-test-token-0123456789';
const source: MetricsSource = { latest: () => null, trends: () => [], alerts: () => [] };
const metrics = createHeadroomMetrics(source, { topGroups: 5 });

function assertSecurityHeaders(r: HttpAnswer, what: string): void {
  for (const [name, value] of Object.entries(securityHeaders())) {
    assert.equal(r.headers[name.toLowerCase()], value, `${what}: ${name}`);
  }
}

describe('security #8: /metrics responses carry the security headers', () => {
  it('on the standalone exporter: 200, 401, 403, 404 and 405', async () => {
    const ex = await startMetricsExporter({ metrics, port: 0, token: TOKEN });
    try {
      const auth = { Authorization: `Bearer ${TOKEN}` };
      const ok = await httpGet(ex.url, auth);
      assert.equal(ok.status, 200);
      assert.match(String(ok.headers['content-type']), /^text\/plain; version=0\.0\.4/, 'the Prometheus content type is kept');
      assertSecurityHeaders(ok, '200');
      assertSecurityHeaders(await httpGet(ex.url), '401');
      assertSecurityHeaders(await httpGet(ex.url, { ...auth, Host: `evil.example:${ex.port}` }), '403');
      assertSecurityHeaders(await httpGet(ex.url.replace('/metrics', '/other')), '404');
      const post = await httpGet(ex.url, auth, 'POST');
      assert.equal(post.status, 405);
      assertSecurityHeaders(post, '405');
    } finally {
      await ex.close();
    }
  });

  it('from the handler mounted on another server (the web mode mounts it so)', async () => {
    const server = createServer(createMetricsHandler({ metrics, token: null }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    try {
      const ok = await httpGet(`http://127.0.0.1:${port}/metrics`);
      assert.equal(ok.status, 200);
      assertSecurityHeaders(ok, 'mounted 200');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
