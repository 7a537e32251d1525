import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nameAndCmdline } from '../../../src/main/engine/platform/linux/argv.ts';
import { readLiveProcess } from '../../../src/main/engine/platform/linux/live-process.ts';
import { newStatFields, parseStat, parseStatusUid, parseStatusVmRssKb, PF_KTHREAD } from '../../../src/main/engine/platform/linux/stat-parser.ts';

function stat(comm: string, rest: string) {
  return Buffer.from(`4242 (${comm}) ${rest}\n`);
}

// Fields 3..24: state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
const REST = 'S 100 4242 4242 34816 4242 4194560 10 0 0 0 250 50 0 0 20 0 7 0 987654 123456789 2048';

describe('/proc/PID/stat parser', () => {
  it('reads the fields Headroom uses', () => {
    const buf = stat('claude', REST);
    const f = newStatFields();
    assert.equal(parseStat(buf, buf.length, f), true);
    assert.equal(buf.toString('utf8', f.commStart, f.commEnd), 'claude');
    assert.equal(String.fromCharCode(f.state), 'S');
    assert.equal(f.ppid, 100);
    assert.equal(f.session, 4242);
    assert.equal(f.ttyNr, 34816);
    assert.equal(f.utime + f.stime, 300);
    assert.equal(f.numThreads, 7);
    assert.equal(f.startTime, 987654);
    assert.equal(f.rssPages, 2048);
    assert.equal(f.flags & PF_KTHREAD, 0);
  });

  it('survives a comm with spaces and parentheses (fields count from the last ")")', () => {
    const buf = stat('evil) S 1 (x', REST);
    const f = newStatFields();
    assert.equal(parseStat(buf, buf.length, f), true);
    assert.equal(buf.toString('utf8', f.commStart, f.commEnd), 'evil) S 1 (x');
    assert.equal(f.ppid, 100);
    assert.equal(f.startTime, 987654);
  });

  it('rejects truncated or foreign content instead of returning garbage', () => {
    const f = newStatFields();
    const short = Buffer.from('4242 (x) S 1 2');
    assert.equal(parseStat(short, short.length, f), false);
    const junk = Buffer.from('no parentheses here');
    assert.equal(parseStat(junk, junk.length, f), false);
  });

  it('reads the real UID from status', () => {
    const status = Buffer.from('Name:\tclaude\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\n');
    assert.equal(parseStatusUid(status, status.length), 1000);
    const none = Buffer.from('Name:\tx\n');
    assert.equal(parseStatusUid(none, none.length), -1);
  });

  it('reads VmRSS from status; absent (a zombie, a kernel thread) is -1, not 0', () => {
    const status = Buffer.from('Name:\tnode\nVmHWM:\t  99999 kB\nVmRSS:\t   52344 kB\nRssAnon:\t 1 kB\n');
    assert.equal(parseStatusVmRssKb(status, status.length), 52344);
    const zombie = Buffer.from('Name:\tsh\nState:\tZ (zombie)\nThreads:\t1\n');
    assert.equal(parseStatusVmRssKb(zombie, zombie.length), -1);
    const cut = Buffer.from('Name:\tx\nVmRSS:\t');
    assert.equal(parseStatusVmRssKb(cut, cut.length), -1);
  });

  it("this process read fresh agrees with the kernel's own figures (the fix path's read)", () => {
    const me = readLiveProcess(process.pid);
    assert.ok(me);
    assert.equal(me.ppid, process.ppid);
    assert.equal(me.uid, process.getuid?.() ?? me.uid);
    assert.ok(me.rssBytes > 10 * 1024 * 1024, `RSS ${me.rssBytes}`);
    assert.match(me.cmdline, /node/);
  });
});

describe('process names from the command line (one rule for the scan and the fix path)', () => {
  it("argv[0]'s basename; a path taken whole, spaces and all; otherwise its first word", () => {
    assert.deepEqual(nameAndCmdline('/usr/bin/node\0server.js\0--port\x003000', 'node'), { name: 'node', cmdline: '/usr/bin/node server.js --port 3000' });
    assert.deepEqual(nameAndCmdline('/opt/My App/bin/my app\0-x', 'my app'), { name: 'my app', cmdline: '/opt/My App/bin/my app -x' });
    assert.deepEqual(nameAndCmdline('npm exec @scope/server-x', 'npm exec @scop'), { name: 'npm', cmdline: 'npm exec @scope/server-x' });
    assert.deepEqual(nameAndCmdline('claude\0--resume', 'node'), { name: 'claude', cmdline: 'claude --resume' });
  });

  it('an empty argv[0] (or a bare "/") falls back to comm', () => {
    assert.deepEqual(nameAndCmdline('', 'kworker'), { name: 'kworker', cmdline: '' });
    assert.deepEqual(nameAndCmdline('/\0x', 'odd'), { name: 'odd', cmdline: '/ x' });
  });
});
