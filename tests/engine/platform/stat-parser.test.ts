import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newStatFields, parseStat, parseStatusUid, PF_KTHREAD } from '../../../src/main/engine/platform/linux/stat-parser.ts';

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
});
