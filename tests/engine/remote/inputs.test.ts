/**
 * The pure parts of following a box: what a user may enter (names and SSH
 * destinations, checked before anything reaches ssh), the argv ssh gets, how
 * ssh's messages are read, and the backoff between attempts.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { attemptAfter, backoffDelay, DEFAULT_BACKOFF, STABLE_MS } from '../../../src/main/engine/remote/backoff.ts';
import { destinationProblem, machineNameProblem, machinesProblem } from '../../../src/main/engine/remote/machine-input.ts';
import { forwardArgs, socketQueryArgs } from '../../../src/main/engine/remote/ssh-args.ts';
import { classifySshFailure } from '../../../src/main/engine/remote/ssh-failure.ts';
import { applyPatch } from '../../../src/main/engine/settings/validate.ts';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings.ts';

describe('machine names and SSH destinations', () => {
  const good = ['dev-box', 'user@host', 'user@10.0.0.5', 'ssh://me@dev.example.com:2222', 'me@[::1]', 'host_1.lan'];
  for (const d of good) it(`accepts ${d}`, () => assert.equal(destinationProblem(d), null));

  const bad: [string, RegExp][] = [
    ['-oProxyCommand=touch /tmp/x', /cannot start with "-"/],
    ['--', /cannot start with "-"/],
    ['user@host name', /spaces/],
    ['host\nProxyCommand x', /spaces|control/],
    ['host\u0007', /control characters/],
    ['$(reboot)', /a host from ~\/.ssh\/config/],
    ['a;b', /a host from/],
    ['', /empty/],
    ['x'.repeat(300), /at most 255/],
  ];
  for (const [d, why] of bad) it(`refuses ${JSON.stringify(d).slice(0, 40)}`, () => assert.match(destinationProblem(d) ?? '', why));

  it('names: any printable text, no control characters, not empty', () => {
    assert.equal(machineNameProblem('Dev box (GPU) ✓'), null);
    assert.match(machineNameProblem('dev\u001b[2Jbox') ?? '', /control characters/);
    assert.match(machineNameProblem('  ') ?? '', /empty/);
  });

  it('settings refuse a bad machine with one sentence saying where and what', () => {
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { machines: [{ name: 'box', destination: '-oProxyCommand=x' }] }), /invalid setting machines\.0\.destination: an SSH destination cannot start with "-"/);
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { machines: [{ name: 'a\u0000', destination: 'h' }] }), /machines\.0\.name: .*control characters/);
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { machines: [{ name: 'a', destination: 'h' }, { name: 'A', destination: 'g' }] }), /machines\.1\.name: another machine/);
    assert.throws(() => applyPatch(DEFAULT_SETTINGS, { machines: [{ name: 'a', destination: 'h', extra: 1 }] }), /invalid setting machines\.0/);
    assert.equal(machinesProblem([{ name: 'a', destination: 'h', socket: 'relative/x.sock' }]), 'machines.0.socket: the remote socket must be an absolute path');
    const ok = applyPatch(DEFAULT_SETTINGS, { machines: [{ name: 'dev-box', destination: 'me@dev', socket: '/home/me/.local/share/headroom/engine.sock' }] });
    assert.equal(ok.machines[0].destination, 'me@dev');
  });
});

describe('the ssh argv', () => {
  it('forward: never prompts, fails loudly, keeps the socket 0600, destination last after --', () => {
    const args = forwardArgs('dev-box', '/d/machines/x.sock', '/home/me/.local/share/headroom/engine.sock', { configFile: '/c' });
    assert.deepEqual(args.slice(0, 2), ['-F', '/c']);
    for (const o of ['BatchMode=yes', 'ExitOnForwardFailure=yes', 'StreamLocalBindUnlink=yes', 'StreamLocalBindMask=0177', 'ServerAliveInterval=15', 'ServerAliveCountMax=3']) {
      assert.ok(args.includes(o), o);
    }
    // No -N: a remote command reading the stdin Headroom holds, so ssh ends when Headroom does, however it ends.
    assert.ok(!args.includes('-N'));
    assert.deepEqual(args.slice(-5), ['-L', '/d/machines/x.sock:/home/me/.local/share/headroom/engine.sock', '--', 'dev-box', 'cat >/dev/null']);
    // Nothing that weakens host key checking.
    assert.ok(!args.some((a) => /StrictHostKeyChecking|UserKnownHostsFile|CheckHostIP/.test(a)));
  });
  it('query: a constant remote command after the destination', () => {
    const args = socketQueryArgs('dev-box');
    assert.equal(args.at(-2), 'dev-box');
    assert.equal(args.at(-3), '--');
    assert.match(args.at(-1) as string, /headroom service socket-path/);
  });
});

describe("reading ssh's messages", () => {
  const changed = [
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
    '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
    'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
    'Offending ED25519 key in /home/me/.ssh/known_hosts:3',
    'Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.',
    'Host key verification failed.',
  ].join('\n');
  const cases: [string, string, string | RegExp][] = [
    [changed, 'host-key-changed', /has changed; ssh refused .*known_hosts:3/],
    ['No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.', 'host-key-unknown', /not known/],
    ['me@dev: Permission denied (publickey).', 'auth-failed', /could not log in/],
    ['ssh: connect to host 127.0.0.1 port 2222: Connection refused', 'unreachable', /Connection refused/],
    ['ssh: Could not resolve hostname nowhere: Name or service not known', 'unreachable', /Could not resolve/],
    ['channel 1: open failed: connect failed: open failed', 'no-engine', /no Headroom engine/],
  ];
  for (const [stderr, kind, reason] of cases) {
    it(`${kind}: ${stderr.split('\n').at(-1)?.slice(0, 50)}`, () => {
      const f = classifySshFailure(stderr, 255, 'dev-box');
      assert.equal(f.kind, kind);
      assert.match(f.reason, reason as RegExp);
      assert.ok(!f.reason.includes('\n'));
    });
  }
});

describe('backoff', () => {
  it('doubles from 1 s to a 60 s cap; failures a person must fix wait 5 min; jitter stays within ±20 %', () => {
    assert.deepEqual([0, 1, 2, 3, 6, 7, 40].map((a) => backoffDelay(a, false, 0.5)), [1000, 2000, 4000, 8000, 60000, 60000, 60000]);
    assert.equal(backoffDelay(0, true, 0.5), DEFAULT_BACKOFF.stuckMs);
    assert.equal(backoffDelay(0, false, 0), 800);
    assert.equal(backoffDelay(0, false, 0.999999), 1200);
  });

  it('starts over only after a connection that held: a box whose engine dies right after hello keeps backing off', () => {
    assert.equal(attemptAfter(5, null), 5, 'never got up');
    assert.equal(attemptAfter(5, 2_000), 5, 'up for 2 s: a flap');
    assert.equal(attemptAfter(5, STABLE_MS), 0, 'held');
    assert.equal(attemptAfter(5, 500, { ...DEFAULT_BACKOFF, stableMs: 100 }), 0);
    // A crash loop: each connection lasts 1 s; the waits keep doubling instead of staying at 1 s.
    let attempt = 0;
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      attempt = attemptAfter(attempt, 1_000);
      waits.push(backoffDelay(attempt++, false, 0.5));
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000]);
  });
});
