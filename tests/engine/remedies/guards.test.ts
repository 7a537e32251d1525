/** The safety guards on fixtures, and the guard context read from this machine's real /proc. */

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { checkTarget, createGuardContext, revalidateProcess, type GuardContext, type GuardSubject } from '../../../src/main/engine/remedies/guards.ts';
import { readAncestors, readLiveProcess, readSession } from '../../../src/main/engine/platform/linux/live-process.ts';
import { signalIfSame } from '../../../src/main/engine/remedies/signals.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';
import { waitUntil } from '../../helpers/procs.ts';

const ctx: GuardContext = {
  selfPid: 5000,
  selfUid: 1000,
  selfSession: 4100,
  ancestors: new Set([4990, 4500, 4000, 1]),
  protectedNames: new Set(['xorg', 'gnome-shell', 'tmux', 'precious']),
  userProtected: new Set(['precious']),
};

const proc = (over: Partial<GuardSubject> = {}): GuardSubject => ({
  pid: 7000,
  ppid: 6000,
  name: 'claude',
  comm: 'node',
  uid: 1000,
  session: 6500,
  ttyNr: 0,
  kernelThread: false,
  state: 'S',
  ...over,
});

const reason = (p: GuardSubject, c = ctx, group?: string) => {
  const v = checkTarget(p, c, group);
  return v.ok ? null : v.reason;
};

describe('checkTarget', () => {
  it('allows an ordinary process of the same user', () => {
    assert.deepEqual(checkTarget(proc(), ctx), { ok: true, otherUser: false });
  });

  const refused: [string, GuardSubject, RegExp][] = [
    ['PID 1', proc({ pid: 1 }), /PID 1/],
    ['PID 0 (a process group for kill)', proc({ pid: 0 }), /not a valid target PID/],
    ['a negative PID', proc({ pid: -7000 }), /not a valid target PID/],
    ['a fractional PID', proc({ pid: 7000.5 }), /not a valid target PID/],
    ['Headroom itself', proc({ pid: 5000 }), /Headroom itself/],
    ['its parent shell', proc({ pid: 4990, name: 'bash', comm: 'bash' }), /ancestor of Headroom/],
    ['a kernel thread', proc({ kernelThread: true, name: 'kworker/0:1', comm: 'kworker/0:1' }), /kernel thread/],
    ['a child of kthreadd', proc({ ppid: 2 }), /kernel thread/],
    ['a zombie', proc({ state: 'Z' }), /zombie/],
    ['our session leader', proc({ pid: 4100, session: 4100 }), /session Headroom runs in/],
    ['a login shell', proc({ name: '-bash', comm: 'bash' }), /login shell/],
    ['a terminal session leader', proc({ pid: 7000, session: 7000, ttyNr: 34816, name: 'zsh', comm: 'zsh' }), /terminal session/],
    ['a session-leader shell without a terminal', proc({ pid: 7000, session: 7000, name: 'bash', comm: 'bash' }), /session leader shell/],
    ['the display server', proc({ name: 'Xorg', comm: 'Xorg' }), /session, desktop or system/],
    ['the compositor, by comm', proc({ name: 'whatever', comm: 'gnome-shell' }), /session, desktop or system/],
    ['a terminal multiplexer', proc({ name: 'tmux', comm: 'tmux: server' }), /session, desktop or system/],
    ['a protected name, any case', proc({ name: 'PRECIOUS' }), /protected list/],
    ['a protected group name', proc(), /protected list/],
    ['another user, when not root', proc({ uid: 0 }), /another user/],
    ['an unknown owner', proc({ uid: -1 }), /owner is unknown/],
  ];
  for (const [label, p, re] of refused) {
    it(`refuses ${label}`, () => {
      const r = reason(p, ctx, label === 'a protected group name' ? 'precious' : undefined);
      assert.ok(r !== null, 'was allowed');
      assert.match(r, re);
    });
  }

  it('allows another user’s process only when running as root, and says so', () => {
    assert.deepEqual(checkTarget(proc({ uid: 1000 }), { ...ctx, selfUid: 0 }), { ok: true, otherUser: true });
  });

  it('takes adversarial names as data', () => {
    assert.deepEqual(checkTarget(proc({ name: 'claude; rm -rf /', comm: 'x\ny' }), ctx), { ok: true, otherUser: false });
  });
});

describe('guard context on this machine', () => {
  it('holds our real parent chain, our session and the protected names', () => {
    const settings = structuredClone(DEFAULT_SETTINGS);
    settings.remedies.protectedNames = ['  My-Editor '];
    const c = createGuardContext(settings);
    assert.equal(c.selfPid, process.pid);
    assert.ok(c.ancestors.has(process.ppid), 'our parent is an ancestor');
    assert.ok(c.ancestors.has(1), 'the chain ends at PID 1');
    assert.deepEqual([...c.ancestors], readAncestors(process.pid));
    assert.equal(c.selfSession, readSession(process.pid));
    assert.ok(c.userProtected.has('my-editor'));
    assert.ok(c.protectedNames.has('my-editor') && c.protectedNames.has('xwayland'));
    // Every ancestor, read live, is refused.
    for (const pid of c.ancestors) {
      const live = readLiveProcess(pid);
      if (live) assert.equal(checkTarget(live, c).ok, false, `ancestor ${pid} (${live.name}) allowed`);
    }
    const me = readLiveProcess(process.pid);
    assert.ok(me);
    assert.equal(checkTarget(me, c).ok, false);
  });

  it('counts children running Headroom’s own executable as its helpers, and only those', async () => {
    const helper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const other = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      // Until exec, a freshly forked child runs our executable too: wait for `sleep` to be sleep.
      await waitUntil(() => readLiveProcess(other.pid as number)?.comm === 'sleep', 5000, 'sleep to start');
      const c = createGuardContext(DEFAULT_SETTINGS);
      assert.ok(c.helpers?.has(helper.pid as number));
      assert.ok(!c.helpers?.has(other.pid as number));
      const live = readLiveProcess(helper.pid as number);
      assert.ok(live);
      assert.deepEqual(checkTarget(live, c), { ok: false, reason: 'one of Headroom’s own helper processes' });
    } finally {
      helper.kill('SIGKILL');
      other.kill('SIGKILL');
    }
  });

  it('reads a kernel thread as one', () => {
    const kthreadd = readLiveProcess(2);
    assert.ok(kthreadd, 'no PID 2 here');
    assert.equal(kthreadd.kernelThread, true);
    assert.equal(checkTarget(kthreadd, createGuardContext(DEFAULT_SETTINGS)).ok, false);
  });

  it('the signal code itself refuses PID ≤ 1, whatever it is given', () => {
    for (const pid of [1, 0, -1, -process.pid]) {
      assert.equal(signalIfSame({ pid, startTime: 0 }, 'SIGTERM').outcome, 'error');
    }
  });
});

describe('revalidation right before acting', () => {
  it('refuses a target whose group was added to the protected list after the proposal', async () => {
    const child = spawn('sleep', ['30'], { argv0: 'reval-probe', stdio: 'ignore' });
    try {
      await waitUntil(() => readLiveProcess(child.pid as number)?.name === 'reval-probe', 5000, 'the probe process');
      const live = readLiveProcess(child.pid as number)!;
      const target = { kind: 'process' as const, pid: live.pid, startTime: live.startTime, name: live.name, rssBytes: live.rssBytes, groups: ['reval-group'] };
      const before = createGuardContext(DEFAULT_SETTINGS);
      assert.equal(revalidateProcess(target, before, undefined), null, 'allowed while the group is not protected');
      const after = createGuardContext({ remedies: { ...DEFAULT_SETTINGS.remedies, protectedNames: ['Reval-Group'] } });
      assert.equal(revalidateProcess(target, after, undefined), 'refused: on your protected list');
      // The name alone (no recorded group) would still pass: the group is what protects it.
      assert.equal(revalidateProcess({ ...target, groups: undefined }, after, undefined), null);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
