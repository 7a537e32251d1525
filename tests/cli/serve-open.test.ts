/**
 * Security #2 (issue 16): `headroom serve` opened the browser with the token
 * URL as an argument, readable by every local user in /proc/PID/cmdline of
 * xdg-open and of the browser. It now hands the opener a 0600 launch page in
 * the data directory instead, and removes it on exit. The opener here is a
 * stand-in `xdg-open` first on PATH that records what it was given.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { ensureBuilt, repoRoot, tempHome } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/procs.ts';

/** An `xdg-open` that writes its argv, the mode and the content of the file it was given, then exits. */
const FAKE_OPENER = `#!/bin/sh
printf '%s\\n' "$@" > "$HEADROOM_TEST_REC/argv.tmp" && mv "$HEADROOM_TEST_REC/argv.tmp" "$HEADROOM_TEST_REC/argv"
stat -c %a "$1" > "$HEADROOM_TEST_REC/mode"
cat "$1" > "$HEADROOM_TEST_REC/page"
cat /proc/$$/cmdline | tr '\\0' ' ' > "$HEADROOM_TEST_REC/cmdline"
touch "$HEADROOM_TEST_REC/done"
`;

it('security #2: the browser opener never gets the token in argv; it gets a 0600 page, removed on exit', async () => {
  ensureBuilt();
  const home = tempHome('headroom-serve-open-');
  const bin = join(home, 'bin');
  const rec = join(home, 'rec');
  mkdirSync(bin);
  mkdirSync(rec);
  writeFileSync(join(bin, 'xdg-open'), FAKE_OPENER);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const data = join(home, 'data');

  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'headroom.mjs'), 'serve', '--port', '0', '--no-docker', '--no-metrics'], {
    env: { ...process.env, HEADROOM_HOME: data, DISPLAY: ':headroom-test', PATH: `${bin}:${process.env.PATH}`, HEADROOM_TEST_REC: rec },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  try {
    await waitUntil(() => existsSync(join(rec, 'done')) || child.exitCode !== null, 30_000, `the opener to run:\n${out}`);
    const url = /Headroom is running at (http:\/\/\S+)/.exec(out)?.[1];
    assert.ok(url, `the URL is still printed on stdout:\n${out}`);
    const token = new URL(url).pathname.split('/')[1];
    assert.ok(token.length >= 16, url);

    const argv = readFileSync(join(rec, 'argv'), 'utf8');
    assert.ok(!argv.includes(token), `the opener's argv carries the token: ${argv}`);
    assert.ok(!readFileSync(join(rec, 'cmdline'), 'utf8').includes(token), 'nor does its /proc/PID/cmdline');
    const opened = argv.trim();
    assert.ok(opened.startsWith(data), `a file in the data directory was opened: ${opened}`);
    assert.equal(readFileSync(join(rec, 'mode'), 'utf8').trim(), '600', 'the page is readable by the user only');
    assert.ok(readFileSync(join(rec, 'page'), 'utf8').includes(url), 'the page redirects to the token URL');
  } finally {
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
  }
  assert.deepEqual(
    readdirSync(data).filter((f) => f.endsWith('.html')),
    [],
    'the launch page is removed on exit',
  );
});
