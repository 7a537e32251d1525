/**
 * `headroom serve` mounts Prometheus's /metrics beside the window: guarded by
 * its own token (from the environment), not by the window's URL token, and
 * with the same Host check against DNS rebinding. Without a metrics token only
 * loopback scrapes are answered; --no-metrics removes the route.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureBuilt, repoRoot, tempHome } from '../helpers/cli.ts';

const METRICS_TOKEN = 'serve-metrics-token-7f3a9c2e41';

interface Served {
  child: ChildProcess;
  out: () => string;
  windowUrl: string;
  stop: () => Promise<number | null>;
}

async function serve(args: string[], env: Record<string, string> = {}): Promise<Served> {
  ensureBuilt();
  const home = tempHome('headroom-serve-metrics-');
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'serve', '--port', '0', '--no-open', '--no-docker', ...args], {
    env: { ...process.env, HEADROOM_HOME: home, HEADROOM_METRICS_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 30_000;
  let windowUrl = '';
  while (!windowUrl) {
    windowUrl = /Headroom is running at (http:\/\/\S+)/.exec(out)?.[1] ?? '';
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`headroom serve printed no URL:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // The metrics line follows the window URL (unless --no-metrics): wait for it rather than for a moment.
  while (!args.includes('--no-metrics') && !/Prometheus metrics at/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`headroom serve printed no metrics line:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    out: () => out,
    windowUrl,
    stop: () => {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Scrapes until the engine's first sample is in the registry. */
async function scrapeUntilSampled(url: string, headers: Record<string, string>): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await get(url, headers);
    assert.equal(r.status, 200, r.body);
    if (/^headroom_memory_used_bytes \d+/m.test(r.body)) return r.body;
    if (Date.now() > deadline) throw new Error(`no memory sample served:\n${r.body.slice(0, 500)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

describe('headroom serve: /metrics', () => {
  it('serves the running engine behind the metrics token, not the window token, and checks Host', async () => {
    const s = await serve([], { HEADROOM_METRICS_TOKEN: METRICS_TOKEN });
    try {
      const printed = /Prometheus metrics at (http:\/\/\S+\/metrics) \(bearer token from HEADROOM_METRICS_TOKEN required\)/.exec(s.out());
      assert.ok(printed, s.out());
      const url = printed[1];
      assert.equal(new URL(url).origin, new URL(s.windowUrl).origin, 'on the window server’s own port');
      assert.equal((await get(url)).status, 401, 'no token');
      const windowToken = new URL(s.windowUrl).pathname.split('/')[1];
      assert.equal((await get(url, { Authorization: `Bearer ${windowToken}` })).status, 401, 'the window token is not the metrics token');
      const text = await scrapeUntilSampled(url, { Authorization: `Bearer ${METRICS_TOKEN}` });
      assert.match(text, /^headroom_group_memory_bytes\{group="[^"]+",kind="[a-z]+"\} \d+/m);
      assert.match(text, /^headroom_self_memory_bytes \d+/m);
      assert.equal((await get(url, { Authorization: `Bearer ${METRICS_TOKEN}`, Host: 'evil.example:80' })).status, 403, 'a rebinding Host is refused');
      assert.equal((await get(`${s.windowUrl}metrics`)).status, 404, 'not exposed under the window token either');
    } finally {
      assert.equal(await s.stop(), 0, s.out());
    }
  });

  it('without a metrics token answers loopback scrapes only; --no-metrics removes the route', async () => {
    const open = await serve([]);
    try {
      const url = /Prometheus metrics at (http:\/\/\S+\/metrics) \(loopback scrapes only/.exec(open.out())?.[1];
      assert.ok(url, open.out());
      await scrapeUntilSampled(url, {});
    } finally {
      assert.equal(await open.stop(), 0, open.out());
    }
    const off = await serve(['--no-metrics']);
    try {
      assert.doesNotMatch(off.out(), /Prometheus metrics/);
      assert.equal((await get(`${new URL(off.windowUrl).origin}/metrics`)).status, 401, 'only the window’s token gate remains');
    } finally {
      assert.equal(await off.stop(), 0, off.out());
    }
  });
});
