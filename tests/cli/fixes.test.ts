/**
 * `headroom fixes`, `headroom fix <id>` and `headroom log` as users run them:
 * the built bin, a real data directory (settings and history database in
 * HEADROOM_HOME), real processes, and every command a separate process — so
 * proposal ids must survive from one process to the next.
 *
 * The 16 processes are named `claude` (argv[0]), with an argument unique to
 * this run and a grouping rule in settings.json that gives them a group of
 * their own: other tests spawn `claude` swarms too, possibly at the same time,
 * and a fix here must never reach them.
 */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/main/engine/remedies/types.ts';
import type { FixProposal, FixResult, ProcessTarget } from '../../src/shared/model.ts';
import { ensureBuilt, repoRoot, runCli, tempHome } from '../helpers/cli.ts';
import { isAlive, ProcessSwarm, startTimeOf, stateOf, waitUntil } from '../helpers/procs.ts';

const tag = randomBytes(3).toString('hex');
const GROUP = `claude-${tag}`;
// A run-unique sleep argument (no trailing zero, so it prints as written) that the grouping rule matches.
const seconds = Number(`600.${randomInt(100, 999)}1`);

const oneLine = (s: string) => s.trim().split('\n').length === 1;
const pidsOf = (p: FixProposal) => (p.targets as ProcessTarget[]).map((t) => t.pid);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);

describe('headroom fixes / fix / log', () => {
  const swarm = new ProcessSwarm();
  const home = tempHome('headroom-fixes-');
  let claude: number[] = [];

  before(async () => {
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({
        groups: { rules: [{ name: GROUP, kind: 'agent', cmdline: `^claude ${String(seconds).replace('.', '\\.')}$` }] },
        alerts: { maxInstances: { [GROUP]: 8 } },
        remedies: { keepInstances: 4, keepPolicy: 'newest', graceSeconds: 1 },
      }),
    );
    claude = await swarm.spawnNamed('claude', 16, seconds);
  });
  after(() => swarm.cleanup());

  async function fixesJson(): Promise<FixProposal[]> {
    const r = await runCli(['fixes', '--json', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as FixProposal[];
  }

  let excess: FixProposal;

  it('fixes proposes stopping the excess claude instances, keeping the configured 4 newest', async () => {
    const fixes = await fixesJson();
    const found = fixes.find((p) => p.title.includes(GROUP));
    assert.ok(found, `no fix for ${GROUP}: ${fixes.map((p) => p.title).join(' | ')}`);
    excess = found;
    assert.equal(excess.kind, 'process.stop-excess');
    assert.equal(excess.title, `Stop 12 of 16 ${GROUP} instances (keep the 4 newest)`);
    const newestFirst = [...claude].sort((a, b) => (startTimeOf(b) as number) - (startTimeOf(a) as number) || b - a);
    assert.deepEqual(sorted(pidsOf(excess)), sorted(newestFirst.slice(4)));
    assert.equal(excess.command, `kill -TERM ${pidsOf(excess).join(' ')}`);
    assert.ok(excess.expectedBytes > 0);
    assert.equal(excess.undoable, false);

    const text = await runCli(['fixes', '--no-docker'], home);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(text.stdout.includes(`${excess.id}  ${excess.title}`), text.stdout);
    assert.match(text.stdout, /same as: kill -TERM \d+/);
  });

  it('fix refuses to act without --yes when stdin is not a terminal (one line, exit 2)', async () => {
    const r = await runCli(['fix', excess.id, '--no-docker'], home);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /stdin is not a terminal.*--yes/);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.ok(claude.every(isAlive));
  });

  it('fix --dry-run previews the same proposal from a fresh plan and changes nothing', async () => {
    const r = await runCli(['fix', excess.id, '--dry-run', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(excess.title));
    assert.equal(r.stdout.match(/will touch/g)?.length, 12);
    assert.match(r.stdout, /Dry run: nothing was changed/);
    assert.ok(claude.every(isAlive));
  });

  it('fix asks for confirmation on a terminal, and an answer other than y changes nothing', async () => {
    ensureBuilt();
    const bin = join(repoRoot, 'bin', 'headroom.mjs');
    // `script` gives the command a real terminal; we answer "n" through it.
    const r = await new Promise<{ status: number | null; out: string }>((resolve) => {
      const c = spawn('script', ['-qec', `"${process.execPath}" "${bin}" fix ${excess.id} --no-docker`, '/dev/null'], {
        env: { ...process.env, HEADROOM_HOME: home },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let answered = false;
      c.stdout.on('data', (d) => {
        out += d;
        // Once: after the answer the command exits, and a second write into the closed pipe is EPIPE.
        if (!answered && out.includes('[y/N]')) {
          answered = true;
          c.stdin.write('n\n');
        }
      });
      // The pipe may close under a write still in flight when the command exits; its status is what counts.
      c.stdin.on('error', () => {});
      c.on('close', (status) => resolve({ status, out }));
    });
    assert.match(r.out, /Run this fix\? \[y\/N\]/);
    assert.match(r.out, /Nothing was changed/);
    assert.equal(r.status, 1);
    assert.ok(claude.every(isAlive));
  });

  it('fix --yes leaves exactly the 4 the keep policy chose, and says which processes are gone and what came back', async () => {
    const r = await runCli(['fix', excess.id, '--yes', '--no-docker'], home);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^Stopped 12 of 12 processes, .+ back/m);
    assert.equal(r.stdout.match(/^ {2}gone/gm)?.length, 12, r.stdout);
    assert.match(r.stdout, /Memory back: .+ · system memory used .+ before, .+ after/);
    const stopped = new Set(pidsOf(excess));
    for (const p of claude) assert.equal(isAlive(p), !stopped.has(p), `PID ${p}`);
    assert.equal(claude.filter(isAlive).length, 4);
  });

  it('an id that was run, or never issued, or malformed is a one-line error with exit code 2', async () => {
    for (const id of [excess.id, 'fx-0000000000', 'claude; rm -rf /', '12345']) {
      const r = await runCli(['fix', id, '--yes', '--no-docker'], home);
      assert.equal(r.status, 2, `${id}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /unknown or stale fix id/);
      assert.ok(oneLine(r.stderr), r.stderr);
    }
    assert.equal(claude.filter(isAlive).length, 4);
  });

  it('an id whose targets changed (a process of the tree exited) is stale, and nothing is touched', async () => {
    const tree = await swarm.spawnOrphanTree(`@headroom-test/cli-tree-${tag}`);
    const fix = (await fixesJson()).find((p) => p.kind === 'process.stop-tree' && pidsOf(p).includes(tree.rootPid));
    assert.ok(fix);
    process.kill(tree.treePids[0], 'SIGKILL');
    await waitUntil(() => !isAlive(tree.treePids[0]), 5000, 'the child to exit');
    const r = await runCli(['fix', fix.id, '--yes', '--no-docker'], home);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stderr, /unknown or stale fix id/);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.ok(isAlive(tree.rootPid) && isAlive(tree.treePids[1]));
  });

  it('zombies: the reap fix signals the parent and reports the zombie remains; the next fix (in a new process) stops the parent and the zombie goes', async () => {
    const { parentPid, zombiePid } = await swarm.spawnZombieParent(`lazy-cli-${tag}`);
    const zombieStart = startTimeOf(zombiePid);
    const reap = (await fixesJson()).find((p) => p.kind === 'process.reap-zombies' && pidsOf(p)[0] === parentPid);
    assert.ok(reap);
    const r = await runCli(['fix', reap.id, '--yes', '--json', '--no-docker'], home);
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout) as FixResult;
    assert.match(res.summary, /SIGCHLD; 1 of 1 zombie remains/);
    assert.equal(stateOf(zombiePid), 'Z');
    assert.ok(isAlive(parentPid));
    assert.equal(res.followUpFixIds?.length, 1);

    // A new process knows from the audit log that the reminder was tried, and offers to stop the parent.
    const stop = (await fixesJson()).find((p) => p.kind === 'process.stop-zombie-parent' && pidsOf(p)[0] === parentPid);
    assert.ok(stop);
    assert.equal(stop.id, res.followUpFixIds?.[0]);
    const r2 = await runCli(['fix', stop.id, '--yes', '--no-docker'], home);
    assert.equal(r2.status, 0, `${r2.stdout}\n${r2.stderr}`);
    assert.match(r2.stdout, /^Stopped 1 of 1 process/m);
    assert.ok(!isAlive(parentPid));
    await waitUntil(() => startTimeOf(zombiePid) !== zombieStart, 10000, 'the zombie to be reaped');
  });

  it('log shows every fix run, with before and after figures', async () => {
    const r = await runCli(['log', '--json', '--limit', '50'], home);
    assert.equal(r.status, 0, r.stderr);
    const entries = JSON.parse(r.stdout) as AuditEntry[];
    const runs = entries.filter((e) => !e.dryRun);
    assert.deepEqual(
      runs.map((e) => e.kind),
      ['process.stop-zombie-parent', 'process.reap-zombies', 'process.stop-excess'],
    );
    const stopExcess = runs[2];
    assert.equal(stopExcess.fixId, excess.id);
    assert.equal(stopExcess.targets.length, 12);
    assert.ok(stopExcess.targets.every((t) => t.outcome === 'done'));
    for (const e of runs) {
      assert.ok(e.memBefore > 0 && e.memAfter > 0, JSON.stringify(e));
      assert.equal(typeof e.targetsRssBefore, 'number');
      assert.equal(typeof e.targetsRssAfter, 'number');
    }
    assert.ok((stopExcess.targetsRssBefore ?? 0) > 0);
    assert.equal(stopExcess.targetsRssAfter, 0);
    assert.ok(entries.some((e) => e.dryRun && e.fixId === excess.id), 'the dry run is logged too');

    const text = await runCli(['log', '--limit', '2'], home);
    assert.equal(text.status, 0, text.stderr);
    assert.ok(!text.stdout.includes(excess.title), '--limit 2 shows only the latest two');
    assert.match(text.stdout, /memory used .+ → .+ · targets' RSS .+ → /);

    const bad = await runCli(['log', '--limit', '0'], home);
    assert.equal(bad.status, 2);
    assert.ok(oneLine(bad.stderr));
  });
});
