/**
 * The /proc process table when processes vanish mid-read, and when the wall
 * clock jumps. A process table is read from a /proc-shaped folder here, so the
 * moment a process "vanished" (which of its files are gone) is exact; the
 * reliability suite does the same against the real /proc under churn. The
 * held stat fds are checked on the real /proc, with a child of this test.
 */

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ProcessTable, statFdBudget } from '../../../src/main/engine/platform/linux/process-table.ts';

const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A /proc/PID/stat line: fields 3.. after "(comm)", with utime (14), stime (15), start time (22) and RSS pages (24) set. */
function statLine(pid: number, comm: string, o: { utime?: number; startTime?: number; state?: string } = {}): string {
  const f = Array.from({ length: 50 }, () => '0');
  f[0] = o.state ?? 'S'; // field 3
  f[1] = '1'; // ppid
  f[2] = String(pid); // pgrp
  f[3] = String(pid); // session
  f[5] = '-1';
  f[11] = String(o.utime ?? 10); // utime (field 14)
  f[12] = '5'; // stime
  f[17] = '1'; // threads (field 20)
  f[19] = String(o.startTime ?? 1000 + pid); // starttime (field 22)
  f[21] = '100'; // rss (field 24)
  return `${pid} (${comm}) ${f.join(' ')}\n`;
}

interface FakeProc {
  pid: number;
  comm: string;
  files: ('stat' | 'cmdline' | 'status')[];
  utime?: number;
}

function writeProc(root: string, p: FakeProc): void {
  const dir = join(root, String(p.pid));
  mkdirSync(dir, { recursive: true });
  const content: Record<string, string> = {
    stat: statLine(p.pid, p.comm, { utime: p.utime }),
    cmdline: `/usr/bin/${p.comm}\0--flag\0`,
    status: `Name:\t${p.comm}\nUid:\t1000\t1000\t1000\t1000\n`,
  };
  for (const f of ['stat', 'cmdline', 'status'] as const) {
    if (p.files.includes(f)) writeFileSync(join(dir, f), content[f]);
    else rmSync(join(dir, f), { force: true });
  }
}

function fakeProc(procs: FakeProc[]): string {
  const root = mkdtempSync(join(tmpdir(), 'headroom-fakeproc-'));
  roots.push(root);
  for (const p of procs) writeProc(root, p);
  return root;
}

const ALL: FakeProc['files'] = ['stat', 'cmdline', 'status'];

test('a process whose files vanish between the listing and the reads is left out and counted, never half-read', () => {
  const root = fakeProc([
    { pid: 100, comm: 'whole', files: ALL },
    { pid: 101, comm: 'nostatus', files: ['stat', 'cmdline'] }, // exited before its status was read
    { pid: 102, comm: 'nocmdline', files: ['stat'] }, // exited before its cmdline was read
    { pid: 104, comm: 'nothing', files: [] }, // listed, gone before the first read
  ]);
  const table = new ProcessTable({ procRoot: root });
  const scan = table.scan(1_000_000, 0);
  assert.deepEqual([...table.entries.keys()], [100]);
  const e = table.entries.get(100)!;
  assert.equal(e.uid, 1000);
  assert.equal(e.name, 'whole');
  assert.equal(e.cmdline, '/usr/bin/whole --flag');
  assert.equal(e.rssBytes, 100 * 4096, 'RSS from stat (field 24): statm is not read');
  assert.equal(scan.processCount, 1);
  assert.equal(scan.vanished, 3);
  assert.equal(table.vanishedTotal, 3);

  // A known process that vanishes later is dropped from the table and counted too.
  writeProc(root, { pid: 100, comm: 'whole', files: [] });
  const next = table.scan(1_002_000, 2000);
  assert.equal(table.entries.size, 0);
  assert.equal(next.removed, 1);
  assert.equal(next.vanished, 4);
  assert.equal(table.vanishedTotal, 7);
});

test('CPU rates use the monotonic clock: a wall clock set back an hour gives the true rate, not zero or a negative one', () => {
  const root = fakeProc([{ pid: 200, comm: 'busy', files: ALL, utime: 100 }]);
  const table = new ProcessTable({ procRoot: root, clockTicks: 100 });
  table.scan(10_000_000, 5000);
  // One second later on the monotonic clock, 50 more ticks of CPU (50 %); the wall clock went back an hour.
  writeProc(root, { pid: 200, comm: 'busy', files: ALL, utime: 150 });
  table.scan(10_000_000 - 3_600_000 + 1000, 6000);
  assert.equal(table.entries.get(200)!.cpuPercent, 50);
  // And forward an hour: still 50 %, not 0.01 %.
  writeProc(root, { pid: 200, comm: 'busy', files: ALL, utime: 200 });
  table.scan(10_000_000 + 3_600_000 + 2000, 7000);
  assert.equal(table.entries.get(200)!.cpuPercent, 50);
});

test('a process first read before its exec is read again after it: same PID and start time, new comm, name and cmdline', () => {
  // `bash -c 'exec -a claude sleep …'` caught between fork and exec (a loaded machine widens that window).
  const root = fakeProc([{ pid: 300, comm: 'bash', files: ALL }]);
  const table = new ProcessTable({ procRoot: root });
  table.scan(1_000_000, 0);
  assert.equal(table.entries.get(300)!.name, 'bash');
  writeProc(root, { pid: 300, comm: 'sleep', files: ALL });
  table.scan(1_001_000, 1000);
  const e = table.entries.get(300)!;
  assert.equal(e.startTime, 1300, 'the same process');
  assert.deepEqual([e.comm, e.name, e.cmdline], ['sleep', 'sleep', '/usr/bin/sleep --flag']);
});

test('a /proc-shaped folder is read by path every scan: no fds held there (a deleted file stays readable through one)', () => {
  const root = fakeProc([{ pid: 400, comm: 'plain', files: ALL }]);
  const table = new ProcessTable({ procRoot: root });
  table.scan(1_000_000, 0);
  assert.equal(table.heldStatFds, 0);
  assert.equal(statFdBudget(root), 0);
});

test('on the real /proc, stat fds stay open between scans; a process that exits is dropped and its fd closed; one that execs is renamed', async () => {
  assert.ok(statFdBudget('/proc') > 0, 'procfs is recognised');
  // A child that is a shell first and, a moment later, exec's into `sleep` under another name.
  const child = spawn('bash', ['-c', 'read -r _; exec -a hr-held-fd-renamed sleep 600'], { stdio: ['pipe', 'ignore', 'ignore'] });
  const pid = child.pid as number;
  const table = new ProcessTable();
  try {
    const fdsOf = () => readdirSync('/proc/self/fd').length;
    table.scan(Date.now(), performance.now());
    assert.equal(table.entries.get(pid)?.comm, 'bash');
    assert.ok(table.heldStatFds >= table.entries.size * 0.9, `${table.heldStatFds} fds held for ${table.entries.size} processes`);
    const held = table.heldStatFds;
    const openFds = fdsOf();
    // A second scan reuses the fds: none opened, none leaked.
    table.scan(Date.now(), performance.now());
    assert.ok(Math.abs(fdsOf() - openFds) <= 5, `open fds went from ${openFds} to ${fdsOf()} (other processes come and go)`);
    assert.ok(Math.abs(table.heldStatFds - held) <= 5);

    // exec: same PID and start time, new comm, seen through the held fd.
    child.stdin?.end('go\n');
    await waitFor(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep', 'the child exec’d');
    table.scan(Date.now(), performance.now());
    assert.equal(table.entries.get(pid)?.name, 'hr-held-fd-renamed');

    // Exit and reap: the held fd fails (ESRCH), the entry goes, and the fd is closed.
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
    await waitFor(() => !existsSync(`/proc/${pid}`), 'the child reaped');
    const before = table.heldStatFds;
    table.scan(Date.now(), performance.now());
    assert.equal(table.entries.has(pid), false);
    assert.ok(table.heldStatFds < before + 5);
  } finally {
    child.kill('SIGKILL');
    table.close();
  }
  assert.equal(table.heldStatFds, 0, 'close() releases every fd');
});

async function waitFor(cond: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a process short of fds: the table gives its held fds back and reads every process anyway (fresh process, ulimit -n 256)', () => {
  // The child leaves itself ~12 free fds, then scans: the table tries to hold one per process (its cap is 64),
  // runs into EMFILE after a dozen, gives them back and halves its cap, and reads the rest by path.
  const script = `
    import { openSync, readdirSync } from 'node:fs';
    import { ProcessTable } from './src/main/engine/platform/linux/process-table.ts';
    const hog = [];
    try { for (;;) hog.push(openSync('/dev/null', 'r')); } catch {}
    const { closeSync } = await import('node:fs');
    for (let i = 0; i < 12; i++) closeSync(hog.pop());
    const table = new ProcessTable();
    const listed = readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).length;
    const scan = table.scan(Date.now(), performance.now());
    console.log(JSON.stringify({ listed, read: scan.processCount, vanished: scan.vanished, held: table.heldStatFds }));
  `;
  const r = spawnSync('bash', ['-c', `ulimit -n 256 && exec "${process.execPath}" --import tsx --input-type=module -e "$0"`, script], { cwd: join(import.meta.dirname, '..', '..', '..'), encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { listed: number; read: number; vanished: number; held: number };
  assert.ok(out.listed > 40, `enough processes to run out (${out.listed})`);
  // Processes come and go on a busy machine between the listing and the scan's reads: a few, not dozens.
  assert.ok(out.vanished <= 5, `${out.vanished} processes counted as vanished of ${out.listed}`);
  assert.ok(out.read >= out.listed - 10, `read ${out.read} of ${out.listed}`);
  assert.ok(out.held <= 12, `holds ${out.held} fds after giving them back`);
});
