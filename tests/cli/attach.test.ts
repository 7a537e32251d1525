/**
 * Commands attach to the running engine: with `headroom serve` up on a data
 * directory, `snapshot`, `watch`, `fixes`, `log`, `history` and `report` show
 * what that engine knows (its alerts, its zombie ages), a second engine
 * refuses, and with the engine gone they run on their own again.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connectChannel } from '../../src/main/engine/channel/client.ts';
import { channelPath } from '../../src/main/engine/channel/protocol.ts';
import type { Alert, Snapshot } from '../../src/shared/model.ts';
import { ensureBuilt, repoRoot, runCli, tempHome } from '../helpers/cli.ts';
import { ProcessSwarm, waitUntil } from '../helpers/procs.ts';

const bin = join(repoRoot, 'bin', 'headroom.mjs');

function startCli(args: string[], home: string): { child: ChildProcess; out: () => string; err: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, HEADROOM_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (err += d));
  return { child, out: () => out, err: () => err };
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

describe('commands attached to a running engine', () => {
  const swarm = new ProcessSwarm();
  const home = tempHome('hr-attach-');
  let serve: ReturnType<typeof startCli>;
  let zombiePid = 0;
  before(async () => {
    ensureBuilt();
    // Fast ticks, and zombies alert after 1 s, so the engine has an alert to agree on.
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ version: 1, intervals: { systemMs: 500, processesMs: 500, fdsMs: 5000 }, alerts: { zombieSeconds: 1 } }));
    ({ zombiePid } = await swarm.spawnZombieParent('hr-attach-reaper'));
    serve = startCli(['serve', '--no-open', '--no-docker', '--no-metrics', '--port', '0'], home);
    await waitUntil(() => /Headroom is running at/.test(serve.out()), 60000, `serve to start (${serve.err()})`);
    const c = await connectChannel(channelPath(home));
    const deadline = Date.now() + 30000;
    while (Date.now() < deadline && !(await c.invoke('alerts:list', undefined)).some((a: Alert) => a.state === 'firing' && a.rule === 'zombies')) {
      await new Promise((r) => setTimeout(r, 200));
    }
    c.close();
  });
  after(async () => {
    if (serve) await stop(serve.child);
    swarm.cleanup();
  });

  it('snapshot shows the engine\'s own sample (with its history state) and its zombie ages', async () => {
    const r = await runCli(['snapshot', '--json'], home);
    assert.equal(r.status, 0, r.stderr);
    const s = JSON.parse(r.stdout) as Snapshot;
    assert.ok(s.history, 'a standalone snapshot records no history, so only the engine\'s has a history state');
    const z = s.zombies.find((x) => x.pid === zombiePid);
    assert.ok(z, `zombie ${zombiePid} in ${JSON.stringify(s.zombies)}`);
    assert.ok(z.sinceSeconds >= 1, `the engine has seen it for a while: ${z.sinceSeconds}`);
  });

  it('watch shows the same firing alerts as the engine, and says which engine it is attached to', async () => {
    const w = startCli(['watch', '--no-clear'], home);
    await waitUntil(() => /Ctrl-C to quit/.test(w.out()), 30000, `a watch frame (${w.err()})`);
    assert.equal(await stop(w.child), 0);
    const frame = w.out().split('(attached').at(-2) ?? '';
    const c = await connectChannel(channelPath(home));
    const firing = (await c.invoke('alerts:list', undefined)).filter((a) => a.state === 'firing');
    c.close();
    assert.match(w.out(), new RegExp(`attached to the running engine: serve \\(PID ${serve.child.pid}`));
    assert.ok(firing.length > 0);
    for (const a of firing) assert.ok(frame.includes(a.title.slice(0, 40)), `watch shows "${a.title}"\n${frame}`);
    assert.doesNotMatch(frame, /Alerts\s+none/);
  });

  it('fixes, log, history and report answer from the engine', async () => {
    const fixes = await runCli(['fixes', '--json'], home);
    assert.equal(fixes.status, 0, fixes.stderr);
    assert.ok(Array.isArray(JSON.parse(fixes.stdout)));
    const log = await runCli(['log', '--json'], home);
    assert.equal(log.status, 0, log.stderr);
    assert.deepEqual(JSON.parse(log.stdout), []);
    const hist = await runCli(['history', 'system.mem.used', '--since', '10m', '--json'], home);
    assert.equal(hist.status, 0, hist.stderr);
    assert.ok(JSON.parse(hist.stdout).t.length > 0);
    const csv = await runCli(['history', 'system.mem.used', '--since', '10m', '--csv'], home);
    assert.match(csv.stdout, /^t,series,value,limit\n/);
    const report = await runCli(['report', '--since', '10m', '--tz', 'UTC'], home);
    assert.equal(report.status, 0, report.stderr);
    assert.match(report.stdout, /hr-attach-reaper/);
  });

  it('a second engine on the same data directory refuses with one line naming the first', async () => {
    const r = await runCli(['serve', '--no-open', '--no-docker', '--no-metrics', '--port', '0'], home);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`another Headroom engine is running on .*: serve \\(PID ${serve.child.pid}`));
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  });

  it('once the engine is killed with SIGKILL, commands run on their own, and the next engine takes over its lock and socket', async () => {
    await stop(serve.child, 'SIGKILL');
    assert.ok(existsSync(channelPath(home)), 'a killed engine leaves its socket');
    const r = await runCli(['snapshot', '--json', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as Snapshot).history, undefined, 'standalone');
    serve = startCli(['serve', '--no-open', '--no-docker', '--no-metrics', '--port', '0'], home);
    await waitUntil(() => /Headroom is running at/.test(serve.out()), 60000, `serve to restart (${serve.err()})`);
    assert.match(serve.err(), /took over the lock left by serve/);
    assert.match(serve.err(), /removed the channel socket left by an engine that is no longer running/);
  });
});
