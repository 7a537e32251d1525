import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { strayChildren, stopChildren } from '../../../src/main/engine/tray/children.ts';
import { isAlive } from '../../helpers/procs.ts';

const spawned: ChildProcess[] = [];
after(() => {
  for (const c of spawned) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(script: string, name: string): ChildProcess {
  const c = spawn('bash', ['-c', script, name], { stdio: 'ignore' });
  spawned.push(c);
  return c;
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('on quit, our children are stopped (TERM, then KILL for a stubborn one) and Electron helpers are left alone', async () => {
  const plain = start('exec -a "$0" sleep 600', 'headroom-helper');
  const stubborn = start('trap "" TERM; exec -a "$0" sleep 600', 'headroom-stubborn');
  const electronHelper = start('exec -a "$0" sleep 600', 'electron --type=renderer');
  const pids = [plain.pid, stubborn.pid, electronHelper.pid] as number[];
  // Wait until each bash has exec'd into its named sleep (the helper's name then carries --type=).
  await until(() => strayChildren(process.pid).filter((c) => pids.includes(c.pid) && c.cmdline.startsWith('headroom-')).length === 2, 'the children to exec');

  const found = strayChildren(process.pid).filter((c) => pids.includes(c.pid));
  assert.deepEqual(found.map((c) => c.pid).sort(), [plain.pid, stubborn.pid].sort(), 'the renderer-like helper is not ours to stop');

  const killed = await stopChildren(found, 500);
  assert.deepEqual(killed, [stubborn.pid], 'only the one ignoring TERM needed KILL');
  await until(() => !isAlive(plain.pid as number) && !isAlive(stubborn.pid as number), 'both to exit');
  assert.equal(isAlive(electronHelper.pid as number), true);
  assert.deepEqual(strayChildren(process.pid).filter((c) => pids.includes(c.pid)), []);
});

test('a reused PID is never signalled: a start time that does not match is skipped', async () => {
  const c = start('exec -a "$0" sleep 600', 'headroom-helper');
  await until(() => strayChildren(process.pid).some((s) => s.pid === c.pid && s.cmdline.startsWith('headroom-helper')), 'the child');
  const real = strayChildren(process.pid).find((s) => s.pid === c.pid);
  assert.ok(real);
  await stopChildren([{ pid: real.pid, startTime: real.startTime + 1 }], 100);
  assert.equal(isAlive(real.pid), true, 'a different start time means a different process');
  await stopChildren([real], 1000);
  await until(() => !isAlive(real.pid), 'the child to exit');
});
