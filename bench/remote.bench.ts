/**
 * What following one remote box costs the laptop (issue 18), beside the local
 * engine: a private sshd on 127.0.0.1 with a second Headroom engine behind it,
 * as its own user (tests/engine/remote/support/box.ts), and three laptop-side
 * processes measured over the same window, whole process trees:
 *   - a Node process following the box (remote/manager.ts) — with its `ssh`
 *     forward child, counted apart;
 *   - the same Node process with the same modules loaded, following nothing
 *     (the baseline the following adds to);
 *   - the local engine: `headroom service run --no-docker` on its own data directory.
 * The box engine's own cost is printed too (it runs on the box, not the laptop).
 *
 *   npm run bench -- remote            20 s warm-up, 60 s measured
 *   npm run bench -- remote --quick    5 s + 20 s
 *
 * Needs root (sshd and a throwaway user) and Debian's openssh-server; says so otherwise.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { readTree, treeOf, type TreeReading } from './support/tree-meter.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const role = process.env.HR_BENCH_ROLE;

if (role === 'follower' || role === 'idle') {
  // A laptop-side process: follows the box (or, as the baseline, loads the same code and follows nothing).
  const { RemoteMachines } = await import('../src/main/engine/remote/manager.ts');
  const machines = new RemoteMachines({ dataDir: process.env.HR_BENCH_DATA as string });
  if (role === 'follower') {
    machines.on('change', (name) => {
      if (machines.view(name)?.status.state === 'ok' && machines.view(name)?.snapshot) process.stdout.write('following\n');
    });
    await machines.update([{ name: 'box', destination: 'box' }]);
  } else process.stdout.write('following\n');
  setInterval(() => {}, 1 << 30);
  process.once('SIGTERM', () => void machines.close().then(() => process.exit(0)));
} else {
  await main();
}

async function main(): Promise<void> {
  const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' } }, allowPositionals: true, strict: false });
  const warmMs = flags.quick ? 5_000 : 20_000;
  const windowMs = flags.quick ? 20_000 : 60_000;
  const { boxUnavailable, TestBox } = await import('../tests/engine/remote/support/box.ts');
  const why = boxUnavailable();
  if (why) {
    console.log(`remote: skipped (${why})`);
    return;
  }
  const box = new TestBox();
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const tmp = (p: string) => {
    const d = mkdtempSync(join(tmpdir(), p));
    dirs.push(d);
    return d;
  };
  try {
    await box.setup();
    await box.startEngine({ version: 1, docker: { enabled: false } });
    const self = fileURLToPath(import.meta.url);
    const laptop = (r: string) => {
      const c = spawn(process.execPath, ['--import', 'tsx', self], {
        cwd: root,
        env: { ...process.env, HR_BENCH_ROLE: r, HR_BENCH_DATA: tmp('hr-bench-laptop-'), HEADROOM_SSH_CONFIG: box.sshConfig },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(c);
      return c;
    };
    const follower = laptop('follower');
    const idle = laptop('idle');
    const entry = `const { main } = await import(${JSON.stringify(pathToFileURL(join(root, 'src', 'cli.ts')).href)}); process.exitCode = await main(process.argv.slice(1));`;
    const local = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', entry, 'service', 'run', '--no-docker'], {
      cwd: root,
      env: { ...process.env, HEADROOM_HOME: tmp('hr-bench-local-') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(local);
    await Promise.all([follower, idle, local].map((c) => waitForLine(c, /following|Headroom engine running/, 120_000)));
    const boxEngine = box.enginePid();
    await sleep(warmMs);

    const sshOf = (pid: number) => treeOf(pid).filter((p) => p !== pid);
    const at = () => ({
      follower: readTree(follower.pid as number),
      followerSsh: sum(sshOf(follower.pid as number).map(readTree)),
      idle: readTree(idle.pid as number),
      local: readTree(local.pid as number),
      box: readTree(boxEngine),
    });
    const load0 = loadavg()[0];
    const a = at();
    await sleep(windowMs);
    const b = at();
    const pct = (k: keyof typeof a) => ((b[k].cpuSeconds - a[k].cpuSeconds) / (windowMs / 1000)) * 100;
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    const followerNode = { cpu: pct('follower') - pct('followerSsh'), rss: b.follower.rssBytes - b.followerSsh.rssBytes };
    console.log(`remote: ${windowMs / 1000} s measured after ${warmMs / 1000} s warm-up; load ${load0.toFixed(2)} → ${loadavg()[0].toFixed(2)} on this shared machine`);
    console.log('');
    console.log('| laptop side | CPU (% of one core) | RSS |');
    console.log('| --- | --- | --- |');
    console.log(`| local engine (\`headroom service run --no-docker\`) | ${pct('local').toFixed(2)} | ${mb(b.local.rssBytes)} |`);
    console.log(`| following one box: Node process | ${followerNode.cpu.toFixed(2)} | ${mb(followerNode.rss)} |`);
    console.log(`| following one box: its \`ssh\` forward | ${pct('followerSsh').toFixed(2)} | ${mb(b.followerSsh.rssBytes)} |`);
    console.log(`| same Node process following nothing (baseline) | ${pct('idle').toFixed(2)} | ${mb(b.idle.rssBytes)} |`);
    console.log(`| **following one box, over the baseline** | **${(followerNode.cpu - pct('idle') + pct('followerSsh')).toFixed(2)}** | **${mb(followerNode.rss - b.idle.rssBytes + b.followerSsh.rssBytes)}** |`);
    console.log('');
    console.log(`(on the box: its engine ${pct('box').toFixed(2)} % of one core, ${mb(b.box.rssBytes)})`);
  } finally {
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      const done = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await done;
    }
    await box.dispose();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function sum(rs: TreeReading[]): TreeReading {
  return rs.reduce((t, r) => ({ cpuSeconds: t.cpuSeconds + r.cpuSeconds, rssBytes: t.rssBytes + r.rssBytes, processes: t.processes + r.processes }), { cpuSeconds: 0, rssBytes: 0, processes: 0 });
}

function waitForLine(c: ChildProcess, re: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`no ${re} within ${timeoutMs} ms: ${text}`)), timeoutMs);
    c.stdout?.on('data', (d) => {
      text += d;
      if (re.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    c.once('exit', (code) => reject(new Error(`exited ${code}: ${text}`)));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
