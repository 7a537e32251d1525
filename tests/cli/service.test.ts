/**
 * `headroom service install|uninstall|socket-path`: the systemd user unit it
 * writes is accepted by the real `systemd-analyze verify` (user mode, with a
 * private runtime directory, so no systemd manager needs to run here), the
 * enable/disable steps are the systemctl calls a user would type, and where
 * systemd is not running the command says so, prints what to run instead and
 * writes nothing.
 *
 * systemctl is replaced (ServiceDeps) because this machine has no systemd
 * manager to enable anything in; systemd-analyze is the real one.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { serviceCommand, systemDeps, type ServiceDeps } from '../../src/cli/service.ts';
import { renderUnit, UNIT_NAME } from '../../src/cli/service-unit.ts';
import { runCli, tempHome } from '../helpers/cli.ts';

const dirs: string[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

/** systemd present, systemctl and loginctl recorded instead of run. */
function fakeSystemd(unitDir: string, command = systemDeps.command()): ServiceDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    systemdRunning: () => true,
    systemctl: (args) => (calls.push(`systemctl ${args.join(' ')}`), { status: 0, stderr: '' }),
    loginctl: (args) => (calls.push(`loginctl ${args.join(' ')}`), { status: 0, stderr: '' }),
    unitDir: () => unitDir,
    command: () => command,
  };
}

/** `systemd-analyze --user verify UNIT` in a private runtime dir: exit status and what it printed. */
function verify(unitPath: string): { status: number | null; output: string } {
  const runtime = tmp('hr-sdrun-');
  chmodSync(runtime, 0o700);
  const r = spawnSync('systemd-analyze', ['--user', 'verify', unitPath], { encoding: 'utf8', env: { ...process.env, XDG_RUNTIME_DIR: runtime } });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

describe('headroom service', () => {
  it('install writes a unit that systemd-analyze verify accepts, then reloads and enables it', async () => {
    const unitDir = join(tmp('hr-unit-'), 'systemd', 'user');
    const deps = fakeSystemd(unitDir);
    const { io, out } = capture();
    assert.equal(await serviceCommand(['install', '--no-docker'], io, deps), 0);
    const unitPath = join(unitDir, UNIT_NAME);
    const text = readFileSync(unitPath, 'utf8');
    assert.match(text, /^ExecStart=\S+ --max-semi-space-size=1 \S+headroom\.mjs service run --no-docker$/m);
    assert.match(text, /^WantedBy=default\.target$/m);
    const v = verify(unitPath);
    assert.equal(v.status, 0, v.output);
    assert.equal(v.output, '', 'no warnings either');
    assert.deepEqual(deps.calls.slice(0, 2), ['systemctl --user daemon-reload', `systemctl --user enable --now ${UNIT_NAME}`]);
    assert.match(deps.calls[2], /^loginctl enable-linger \S+$/);
    assert.ok(out.some((l) => /no network port/.test(l)), out.join('\n'));
  });

  it('verify is not a rubber stamp: a unit whose program does not exist is refused', () => {
    const dir = tmp('hr-unit-bad-');
    const unitPath = join(dir, UNIT_NAME);
    mkdirSync(dir, { recursive: true });
    spawnSync('sh', ['-c', 'cat > "$0"', unitPath], { input: renderUnit({ node: join(dir, 'no-such-node'), script: '/x/headroom.mjs' }) });
    const v = verify(unitPath);
    assert.notEqual(v.status, 0);
    assert.match(v.output, /not executable|No such file/);
  });

  it('paths with spaces, quotes and % are quoted and escaped so systemd runs exactly them', async () => {
    const base = tmp('hr-unit-odd-');
    // systemd refuses quotes in the executable's own path (not in arguments): the script's path carries them.
    const odd = join(base, 'my node 100%');
    mkdirSync(odd);
    const node = join(odd, 'node $HOME');
    symlinkSync(process.execPath, node);
    const unitDir = join(base, 'units');
    const { io } = capture();
    assert.equal(await serviceCommand(['install'], io, fakeSystemd(unitDir, { node, script: join(odd, 'say "hi" $HOME', 'headroom.mjs') })), 0);
    const text = readFileSync(join(unitDir, UNIT_NAME), 'utf8');
    // The executable is never expanded; in an argument `$HOME` must stay literal, so it is written `$$HOME`.
    assert.ok(text.includes('100%%/node $HOME"') && text.includes('/say \\"hi\\" $$HOME/headroom.mjs"'), text);
    const v = verify(join(unitDir, UNIT_NAME));
    assert.equal(v.status, 0, v.output);
  });

  it('uninstall disables and removes the unit; a unit Headroom did not write is left alone', async () => {
    const unitDir = join(tmp('hr-unit-un-'), 'user');
    const deps = fakeSystemd(unitDir);
    const { io } = capture();
    await serviceCommand(['install'], io, deps);
    deps.calls.length = 0;
    assert.equal(await serviceCommand(['uninstall'], io, deps), 0);
    assert.equal(existsSync(join(unitDir, UNIT_NAME)), false);
    assert.deepEqual(deps.calls, [`systemctl --user disable --now ${UNIT_NAME}`, 'systemctl --user daemon-reload']);

    spawnSync('sh', ['-c', 'printf "[Service]\\nExecStart=/bin/true\\n" > "$0"', join(unitDir, UNIT_NAME)]);
    const c = capture();
    assert.equal(await serviceCommand(['uninstall'], c.io, deps), 1);
    assert.match(c.err.join('\n'), /not written by Headroom/);
    assert.ok(existsSync(join(unitDir, UNIT_NAME)));
  });

  it('where systemd is not running, install says so, prints the command to run instead, and writes nothing (the real command)', async (t) => {
    if (existsSync('/run/systemd/system')) return t.skip('systemd runs here');
    const config = tmp('hr-xdg-');
    const home = tempHome('headroom-service-');
    dirs.push(home);
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = config; // runCli passes this process's environment on
    const r = await runCli(['service', 'install'], home).finally(() => {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /systemd is not running on this machine/);
    assert.match(r.stdout, /nohup \S+ \S+headroom\.mjs service run/);
    assert.equal(existsSync(join(config, 'systemd')), false);
  });

  it('socket-path prints the engine channel of the data directory; bad subcommands are usage errors', async () => {
    const home = tempHome('headroom-service-');
    dirs.push(home);
    const r = await runCli(['service', 'socket-path'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), join(home, 'engine.sock'));
    const bad = await runCli(['service', 'reboot\u001b[2J'], home);
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.ok(!bad.stderr.includes('\u001b'), 'the escape is not echoed');
  });
});
