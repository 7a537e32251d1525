/** The drill-down's rows (group:processes) and a container's log lines (container:logs), on fixtures. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupProcesses, type ProcessTableEntry } from '../../../src/main/engine/api/group-processes.ts';
import { logLines } from '../../../src/main/engine/collectors/docker/logs.ts';
import type { FixProposal, ProcessGroup } from '../../../src/shared/model.ts';

const entry = (pid: number, ppid: number, name: string, rssBytes: number): ProcessTableEntry => ({
  pid, ppid, startTime: pid * 10, name, state: 'S', firstSeen: 1000, rssBytes, cpuPercent: 0, threads: 1, fds: 3, cmdline: `${name} --flag`,
});
const table = new Map([entry(1, 0, 'systemd', 1), entry(10, 1, 'claude', 100), entry(11, 10, 'claude', 300)].map((e) => [e.pid, e]));
const groups: ProcessGroup[] = [{ name: 'claude', kind: 'agent', count: 2, rssBytes: 400, cpuPercent: 0, threads: 2, fds: 6, pids: [10, 11, 99] }];
const fix = (id: string, pids: number[]): FixProposal => ({
  id, kind: 'k', title: id, risk: 'low', destructive: true, undoable: false, command: '', reason: '', createdAt: 0, alertIds: [], expectedBytes: 0,
  targets: pids.map((pid) => ({ kind: 'process', pid, startTime: pid * 10, name: 'claude', rssBytes: 0 })),
});

test('rows of the group, largest first, with parent names; PIDs gone from the table are left out', () => {
  const rows = groupProcesses({ groups }, table, [], 'claude');
  assert.deepEqual(rows?.map((r) => [r.pid, r.parentName, r.cmdline]), [[11, 'claude', 'claude --flag'], [10, 'systemd', 'claude --flag']]);
});

test('a process’s own fixes are those aimed at it alone, matched by PID and start time', () => {
  const rows = groupProcesses({ groups }, table, [fix('fx-one', [11]), fix('fx-group', [10, 11]), { ...fix('fx-reused', [10]), targets: [{ kind: 'process', pid: 10, startTime: 5, name: 'x', rssBytes: 0 }] }], 'claude');
  assert.deepEqual(rows?.map((r) => [r.pid, r.fixIds]), [[11, ['fx-one']], [10, []]]);
});

test('an unknown group is null', () => {
  assert.equal(groupProcesses({ groups }, table, [], 'nope'), null);
});

test('log lines: framed (no TTY) and raw (TTY) answers', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  assert.deepEqual(logLines(Buffer.concat([frame(1, 'hello\n'), frame(2, 'oops\nsecond\n')])), ['hello', 'oops', 'second']);
  assert.deepEqual(logLines(Buffer.from('a\r\nb\n')), ['a', 'b']);
});
