/**
 * Security #3 (issue 16): terminal escape codes in process names. Any process
 * can rename itself (/proc/self/comm) to "\e[2J\e[31mPWN"; printed raw, that
 * clears the user's terminal and recolours it. Here a real child renames
 * itself and exits unreaped, so it is listed as a zombie by that name (a
 * zombie has no argv, so its name is its comm), under a parent whose argv[0]
 * holds escape codes too; the real `headroom snapshot` must print neither
 * raw.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { runCli, tempHome } from '../helpers/cli.ts';
import { childrenOf, ProcessSwarm, stateOf, waitUntil } from '../helpers/procs.ts';

const ESC = '\x1b';
/** 12 bytes: fits comm's 15. */
const EVIL_COMM = `${ESC}[2J${ESC}[31mPWN`;
const EVIL_PARENT = `${ESC}[2J${ESC}[31mPWN-parent`;

const swarm = new ProcessSwarm();
after(() => swarm.cleanup());

/** A parent named EVIL_PARENT whose child renamed itself EVIL_COMM and exited, never reaped. */
async function spawnEvilZombie(): Promise<{ parentPid: number; zombiePid: number }> {
  const py = [
    'import os, time',
    'pid = os.fork()',
    'if pid == 0:',
    `    open("/proc/self/comm", "w").write(${JSON.stringify(EVIL_COMM)})`,
    '    os._exit(0)',
    'time.sleep(600)',
  ].join('\n');
  const c = spawn('bash', ['-c', 'exec -a "$0" python3 -c "$1"', EVIL_PARENT, py], { stdio: 'ignore' });
  const parentPid = c.pid as number;
  let zombiePid = 0;
  await waitUntil(
    () => {
      zombiePid = childrenOf(parentPid).find((p) => stateOf(p) === 'Z') ?? 0;
      return zombiePid > 0 && readFileSync(`/proc/${zombiePid}/comm`, 'utf8').startsWith(EVIL_COMM);
    },
    10_000,
    'the renamed child to become a zombie',
  );
  swarm.track(parentPid);
  return { parentPid, zombiePid };
}

it('security #3: `headroom snapshot` prints no escape code from a process that renamed itself', async () => {
  const { zombiePid } = await spawnEvilZombie();
  const r = await runCli(['snapshot', '--no-docker'], tempHome('headroom-escapes-'));
  assert.equal(r.status, 0, r.stderr);
  const line = r.stdout.split('\n').find((l) => l.includes(`${zombiePid} `) && l.includes('PWN'));
  assert.ok(line, `the renamed zombie ${zombiePid} is listed:\n${r.stdout}`);
  assert.ok(!r.stdout.includes(ESC), `an ESC byte reached the terminal: ${JSON.stringify(line)}`);
  assert.ok(!r.stderr.includes(ESC), 'nor on stderr');
  assert.match(line, /\?\[2J\?\[31mPWN/, 'shown with the escapes replaced');
});
