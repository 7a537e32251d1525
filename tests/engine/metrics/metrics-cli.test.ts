/** `headroom metrics`: the built command serving a running engine, and its refusals. */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ensureBuilt, repoRoot, runCli, tempHome } from '../../helpers/cli.ts';

const TOKEN = 'cli-metrics-token-abcdef012345';

describe('headroom metrics (command)', () => {
  it('serves the running engine behind the token from the environment, and stops on SIGTERM', async () => {
    ensureBuilt();
    const home = tempHome('headroom-metrics-cli-');
    const child = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'metrics', '--port', '0', '--no-docker', '--no-history'], {
      env: { ...process.env, HEADROOM_HOME: home, HEADROOM_METRICS_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    try {
      const deadline = Date.now() + 20000;
      let url = '';
      while (!url) {
        url = /serving (http:\/\/\S+\/metrics)/.exec(stdout)?.[1] ?? '';
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no URL printed: ${stdout} ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(stdout, /bearer token required/);
      assert.equal((await fetch(url)).status, 401);
      let text = '';
      while (!/^headroom_memory_used_bytes \d+/m.test(text)) {
        if (Date.now() > deadline) throw new Error(`no memory sample served: ${text.slice(0, 500)}`);
        const r = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN}` } });
        assert.equal(r.status, 200);
        text = await r.text();
        await new Promise((res) => setTimeout(res, 200));
      }
      assert.match(text, /^headroom_group_memory_bytes\{group="[^"]+",kind="[a-z]+"\} \d+/m);
    } finally {
      const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
    }
  });

  it('refuses to serve beyond loopback without a token, and a short token', async () => {
    const home = tempHome('headroom-metrics-cli-');
    const open = await runCli(['metrics', '--host', '0.0.0.0', '--port', '0', '--no-docker', '--no-history'], home);
    assert.equal(open.status, 2);
    assert.match(open.stderr, /without a metrics token/);
    const short = await runCli(['metrics', '--token', 'abc', '--port', '0'], home);
    assert.equal(short.status, 2);
    assert.match(short.stderr, /at least 16/);
  });
});
