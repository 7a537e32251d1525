/**
 * machines:list and machine:invoke, the window's way to a followed box, over a
 * real RemoteMachines whose box cannot be reached (a closed port on loopback,
 * the real `ssh` trying and failing). What a live box answers through them is
 * shown over real SSH in tests/engine/remote/remote.test.ts.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApi, type Api, type DispatchResult } from '../../../src/main/engine/api/handlers.ts';
import { forwardMachinePushes } from '../../../src/main/engine/api/push.ts';
import { RemoteMachines } from '../../../src/main/engine/remote/manager.ts';
import type { MachineSummary, PushChannel } from '../../../src/shared/contract.ts';
import { freePort } from '../../helpers/net.ts';
import { waitUntil } from '../../helpers/procs.ts';
import { startTestHeadroom, type TestHeadroom } from './fixture.ts';

function refused(r: DispatchResult, code: string, message: RegExp): void {
  assert.equal(r.ok, false, `expected a refusal, got ${JSON.stringify(r).slice(0, 200)}`);
  if (r.ok) return;
  assert.equal(r.error.code, code, r.error.message);
  assert.match(r.error.message, message);
}

describe('machines:list and machine:invoke', () => {
  let t: TestHeadroom;
  let machines: RemoteMachines;
  let withMachines: Api;
  let without: Api;
  const dir = mkdtempSync(join(tmpdir(), 'hr-machine-api-'));
  const pushed: { channel: PushChannel; payload: unknown }[] = [];
  let stopPushes = () => {};

  before(async () => {
    t = startTestHeadroom();
    // An ssh config of our own: the "box" is a port on loopback where nothing listens, so ssh fails at once.
    const port = await freePort();
    const config = join(dir, 'ssh_config');
    writeFileSync(config, `Host nowhere\n  HostName 127.0.0.1\n  Port ${port}\n  BatchMode yes\n  UserKnownHostsFile ${join(dir, 'known_hosts')}\n`);
    machines = new RemoteMachines({ dataDir: dir, ssh: { configFile: config }, backoff: { firstMs: 60_000, maxMs: 60_000, stuckMs: 60_000, jitter: 0 } });
    stopPushes = forwardMachinePushes(machines, (channel, payload) => pushed.push({ channel, payload }));
    await machines.update([{ name: 'dev-box', destination: 'nowhere' }]);
    withMachines = createApi({ ...t.h, log: t.h.log, machines });
    without = createApi({ ...t.h, log: t.h.log });
  });
  after(async () => {
    stopPushes();
    await machines.close();
    await t.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('machines:list gives each followed box with its state; an engine without boxes lists none', async () => {
    await waitUntil(() => machines.statuses()[0]?.state === 'unreachable', 30_000, `the box to be unreachable (${JSON.stringify(machines.statuses())})`);
    const r = await withMachines.dispatch('machines:list', undefined);
    assert.ok(r.ok);
    const rows = r.value as MachineSummary[];
    assert.equal(rows.length, 1);
    assert.equal(rows[0].status.name, 'dev-box');
    assert.equal(rows[0].status.state, 'unreachable');
    assert.ok(rows[0].status.reason, 'unreachable says why');
    assert.deepEqual([rows[0].firing, rows[0].worst], [0, null], 'no live data: no alerts counted');
    assert.deepEqual(await without.dispatch('machines:list', undefined), { ok: true, value: [] });
  });

  test('machines:push carries the rows when a box changes state, once per change', () => {
    const pushes = pushed.filter((p) => p.channel === 'machines:push').map((p) => JSON.stringify(p.payload));
    const states = pushed.filter((p) => p.channel === 'machines:push').map((p) => (p.payload as MachineSummary[])[0].status.state);
    assert.ok(states.includes('unreachable'), states.join(' → '));
    for (let i = 1; i < pushes.length; i++) assert.notEqual(pushes[i], pushes[i - 1], 'a push repeats the previous rows');
  });

  test('machine:invoke: a box not connected is a typed refusal naming it', async () => {
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev-box', channel: 'snapshot:get' }), 'refused', /^dev-box: dev-box is not connected \(/);
  });

  test('machine:invoke refuses what a window may not ask of a box, and boxes it does not follow', async () => {
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev-box', channel: 'settings:set', arg: { alerts: { memWarnPercent: 50 } } }), 'bad-request', /settings are changed on the box/);
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev-box', channel: 'machine:invoke', arg: { machine: 'x', channel: 'snapshot:get' } }), 'bad-request', /cannot be called on a followed machine/);
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev-box', channel: 'nope:nope' }), 'bad-request', /cannot be called on a followed machine/);
    refused(await withMachines.dispatch('machine:invoke', { machine: 'other', channel: 'snapshot:get' }), 'not-found', /no machine called "other"/);
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev\u0007box', channel: 'snapshot:get' }), 'bad-request', /machine/);
    refused(await withMachines.dispatch('machine:invoke', { machine: 'dev-box', channel: 'snapshot:get', extra: 1 }), 'bad-request', /unknown key "extra"/);
    refused(await withMachines.dispatch('machine:invoke', { channel: 'snapshot:get' }), 'bad-request', /missing key "machine"/);
    // The local channel's API (a box's own engine) follows nothing, so it never relays onward.
    refused(await without.dispatch('machine:invoke', { machine: 'dev-box', channel: 'snapshot:get' }), 'refused', /follows no other machines/);
  });
});
