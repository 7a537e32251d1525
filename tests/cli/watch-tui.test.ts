/**
 * `headroom watch` under a real pseudo-terminal (util-linux `script`, which
 * gives the command a pty of the size `stty` sets inside it): colour, every
 * drawn row fitted to a 60-column terminal even with a 300-character process
 * name, keys to sort, the top fix offered and run only after `y` (a real
 * zombie whose parent never reaps it; the reminder lands in the audit log),
 * and `q` to quit with exit code 0, leaving the terminal as it was.
 */

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureBuilt, repoRoot, runCli, tempHome } from '../helpers/cli.ts';
import { ProcessSwarm, waitUntil } from '../helpers/procs.ts';

const COLUMNS = 60;
// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/g;

/**
 * `headroom watch` in a pty of COLUMNS × ROWS; the test types into it through script's stdin. Tall, so every
 * application fits on screen whatever else runs on the machine (the list is cut to the terminal's height).
 */
const ROWS = 400;
function watchInPty(home: string, env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: () => string; type: (s: string) => void } {
  const cmd = `stty cols ${COLUMNS} rows ${ROWS}; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(repoRoot, 'bin', 'headroom.mjs'))} watch --no-docker`;
  const child = spawn('script', ['-q', '-f', '-e', '-c', cmd, '/dev/null'], { env: { ...process.env, HEADROOM_HOME: home, TERM: 'xterm-256color', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return { child, out: () => out, type: (s) => child.stdin?.write(s) };
}

/** The rows the screen wrote: each `ESC[row;1H … ESC[K` segment, colour codes removed. */
function drawnRows(out: string): string[] {
  // eslint-disable-next-line no-control-regex
  return [...out.matchAll(/\x1b\[\d+;1H([\s\S]*?)\x1b\[K/g)].map((m) => m[1].replace(SGR, ''));
}

const exited = (c: ChildProcess) => new Promise<number | null>((resolve) => (c.exitCode !== null ? resolve(c.exitCode) : c.once('exit', (code) => resolve(code))));

describe('headroom watch on a terminal', () => {
  const swarm = new ProcessSwarm();
  const children: ChildProcess[] = [];
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    swarm.cleanup();
  });

  it('colour, a fit to the width, sort keys, the top fix after y, and q to quit', async () => {
    ensureBuilt();
    const tag = randomBytes(3).toString('hex');
    const parent = `hr-tui-parent-${tag}`;
    const longName = `report-generator-${'x'.repeat(300)}`;
    await swarm.spawnNamed(longName, 1);
    const { parentPid } = await swarm.spawnZombieParent(parent);
    const home = tempHome('hr-watch-tui-');
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ intervals: { systemMs: 500, processesMs: 500 }, alerts: { zombieSeconds: 1, sustainSeconds: 1 }, groups: { rules: [{ name: parent, kind: 'other', exe: [parent] }] } }),
    );
    const w = watchInPty(home);
    children.push(w.child);

    await waitUntil(() => /Application/.test(w.out()) && /Headroom itself/.test(w.out()), 60_000, `a first frame: ${w.out().slice(-500)}`);
    assert.match(w.out(), /\x1b\[3[1-3]m/, 'coloured');
    assert.match(w.out(), /\x1b\[\?1049h/, 'on the alternate screen');

    // The zombie alert with its reap fix, offered by f and run by y.
    await waitUntil(() => w.out().includes(`not reaped by ${parent}`), 60_000, `the zombie alert: ${w.out().slice(-800)}`);
    // Its reap fix is linked (asked of the engine this watch is, through `headroom fixes`), so f can reach it.
    for (let tries = 0; ; tries++) {
      const r = await runCli(['fixes', '--json'], home);
      const fixes = JSON.parse(r.stdout || '[]') as { kind: string; alertIds: string[] }[];
      if (fixes.some((f) => f.kind === 'process.reap-zombies' && f.alertIds.includes(`zombies:${parentPid}`))) break;
      assert.ok(tries < 60, `the reap fix linked to zombies:${parentPid}: ${r.stdout.slice(0, 300)} ${r.stderr.slice(0, 300)}`);
    }
    // f offers the worst alert's fix, and again the next: other tests' alerts may come first on this machine.
    const offers = () => drawnRows(w.out()).filter((r) => r.startsWith('y runs: '));
    for (let i = 0; i < 40 && !(offers().at(-1) ?? '').startsWith(`y runs: Ask ${parent}`); i++) {
      const seen = offers().length;
      w.type('f');
      await waitUntil(() => offers().length > seen, 20_000, `a fix offered after f: ${drawnRows(w.out()).slice(-4).join(' | ')}`);
    }
    assert.ok((offers().at(-1) ?? '').startsWith(`y runs: Ask ${parent}`), `f reached the zombie's reap fix: ${offers().slice(-3).join(' | ')}`);
    w.type('y');
    await waitUntil(() => drawnRows(w.out()).some((r) => /^Done: /.test(r)), 30_000, `the fix's result: ${drawnRows(w.out()).slice(-5).join(' | ')}`);

    w.type('c');
    await waitUntil(() => drawnRows(w.out()).some((r) => r.includes('sort m/c/n/t: cpu')), 20_000, 'sorted by CPU');

    for (const row of drawnRows(w.out())) assert.ok([...row].length <= COLUMNS, `a row wider than ${COLUMNS} columns: ${row.length} "${row.slice(0, 80)}"`);
    assert.ok(drawnRows(w.out()).some((r) => r.startsWith('report-generator-xxx') && r.endsWith('…')), 'the 300-character name is cut with an ellipsis');

    w.type('q');
    assert.equal(await exited(w.child), 0, `q quits with 0: ${w.out().slice(-300)}`);
    assert.match(w.out(), /\x1b\[\?1049l/, 'and leaves the alternate screen');

    const log = await runCli(['log', '--json'], home);
    const entries = JSON.parse(log.stdout) as { kind: string; targets: { target: { pid: number } }[] }[];
    assert.ok(
      entries.some((e) => e.kind === 'process.reap-zombies' && e.targets.some((t) => t.target.pid === parentPid)),
      `the fix run from watch is in the audit log: ${log.stdout.slice(0, 400)}`,
    );
  });

  it('NO_COLOR: no colour codes, the same view', async () => {
    ensureBuilt();
    const home = tempHome('hr-watch-nocolor-');
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ intervals: { systemMs: 500, processesMs: 500 } }));
    const w = watchInPty(home, { NO_COLOR: '1' });
    children.push(w.child);
    await waitUntil(() => /Headroom itself/.test(w.out()), 60_000, 'a first frame');
    assert.doesNotMatch(w.out(), /\x1b\[3[0-9]m/);
    w.type('q');
    assert.equal(await exited(w.child), 0);
  });
});
