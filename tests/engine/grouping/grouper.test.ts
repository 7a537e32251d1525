/** Grouping rules on fixture process tables: one case per rule family, plus ancestry. */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_GROUP_RULES } from '../../../src/main/engine/grouping/default-rules.ts';
import { Grouper, groupProcesses } from '../../../src/main/engine/grouping/grouper.ts';
import type { ProcEntry } from '../../../src/main/engine/platform/linux/process-table.ts';

let nextStart = 1000;
function proc(pid: number, ppid: number, cmdline: string, extra: Partial<ProcEntry> = {}): ProcEntry {
  const argv0 = cmdline.split(' ')[0];
  const name = argv0.startsWith('/') ? argv0.slice(argv0.lastIndexOf('/') + 1) : argv0;
  return {
    pid, ppid, startTime: nextStart++, comm: name.slice(0, 15), name, cmdline, state: 'S', uid: 1000, pgrp: pid, session: pid,
    ttyNr: 0, kernelThread: false, rssBytes: 100 << 20, threads: 4, cpuTicks: 0, cpuPercent: 1, fds: 10, zombieSince: 0,
    firstSeen: 0, gen: 1, rule: undefined, ...extra,
  };
}

function table(...entries: ProcEntry[]): Map<number, ProcEntry> {
  return new Map(entries.map((e) => [e.pid, e]));
}

const grouper = () => new Grouper([], DEFAULT_GROUP_RULES);

describe('grouping rules', () => {
  const cases: [string, string, string, string][] = [
    ['agent binary', 'claude --resume', 'claude', 'agent'],
    ['agent as a node script', '/usr/bin/node /home/u/.npm-global/bin/codex exec', 'codex', 'agent'],
    ['npm exec MCP server', 'npm exec @upstash/context7-mcp@latest', 'mcp:@upstash/context7-mcp', 'mcp'],
    ['npx -y MCP server', 'node /usr/lib/node_modules/npm/bin/npx-cli.js -y @modelcontextprotocol/server-filesystem /tmp', 'mcp:@modelcontextprotocol/server-filesystem', 'mcp'],
    ['the package process inside the npx cache', 'node /root/.npm/_npx/0a1b2c3d/node_modules/.bin/mcp-server-memory', 'mcp:mcp-server-memory', 'mcp'],
    ['uvx MCP server', 'uvx mcp-server-fetch', 'mcp:mcp-server-fetch', 'mcp'],
    ['MCP server run directly', 'python3 /opt/tools/bin/mcp-server-git --repo .', 'mcp:mcp-server-git', 'mcp'],
    ['Pylance inside the VS Code server', 'node /home/u/.vscode-server/extensions/ms-python.vscode-pylance-2025.1/dist/server.bundle.js', 'pylance', 'editor'],
    ['VS Code server extension host', 'node /home/u/.vscode-server/bin/abc/out/bootstrap-fork --type=extensionHost', 'vscode-server', 'editor'],
    ['chromium', '/usr/lib/chromium/chromium --type=renderer', 'chromium', 'browser'],
    ['firefox content process', '/usr/lib/firefox-esr/firefox-esr -contentproc -childID 3', 'firefox', 'browser'],
    ['selenium', 'java -jar selenium-server-4.20.jar standalone', 'selenium', 'runtime'],
    ['containerd shim', '/usr/bin/containerd-shim-runc-v2 -namespace moby -id abc', 'containerd-shim', 'container'],
    ['k3s', '/usr/local/bin/k3s server', 'k3s', 'container'],
    ['plain python', 'python3 manage.py runserver', 'python', 'runtime'],
    ['unknown executable is named by itself', '/usr/bin/htop', 'htop', 'other'],
  ];
  for (const [label, cmdline, name, kind] of cases) {
    it(label, () => {
      const r = groupProcesses(table(proc(10, 1, cmdline, { ppid: 5 }), proc(5, 1, 'bash')), grouper(), 0);
      const g = r.groups.find((x) => x.pids.includes(10));
      assert.equal(g?.name, name);
      assert.equal(g?.kind, kind);
    });
  }

  it("an agent's --mcp-config argument does not make it an MCP server", () => {
    const r = groupProcesses(table(proc(10, 5, 'claude --mcp-config ./my-mcp --verbose'), proc(5, 1, 'bash')), grouper(), 0);
    assert.equal(r.groups.find((g) => g.pids.includes(10))?.name, 'claude');
  });

  it('children with no rule join an absorbing ancestor (browser content, agent tool shells)', () => {
    const t = table(
      proc(5, 1, 'bash'),
      proc(10, 5, 'claude'),
      proc(11, 10, '/bin/bash -c npm test'),
      proc(12, 11, 'node /repo/node_modules/.bin/jest'), // a plain runtime yields to the agent
      proc(20, 5, '/usr/lib/chromium/chromium'),
      proc(21, 20, '/usr/lib/chromium/chrome_crashpad_handler --database=/tmp'),
    );
    const r = groupProcesses(t, grouper(), 0);
    assert.deepEqual(r.groups.find((g) => g.name === 'claude')?.pids.sort(), [10, 11, 12]);
    assert.deepEqual(r.groups.find((g) => g.name === 'chromium')?.pids.sort(), [20, 21]);
  });

  it('sums count, RSS, CPU, threads and fds per application, largest first', () => {
    const t = table(proc(5, 1, 'bash', { rssBytes: 1 }), proc(10, 5, 'claude'), proc(11, 5, 'claude', { fds: null }), proc(12, 5, 'claude'));
    const r = groupProcesses(t, grouper(), 0);
    const g = r.groups[0];
    assert.equal(g.name, 'claude');
    assert.equal(g.count, 3);
    assert.equal(g.rssBytes, 300 << 20);
    assert.equal(g.threads, 12);
    assert.equal(g.fds, 20);
    assert.equal(g.cpuPercent, 3);
  });

  it('zombies are listed with their parent, not counted as instances; kernel threads are ignored', () => {
    const t = table(
      proc(5, 1, 'lazy-parent'),
      proc(6, 5, '', { state: 'Z', name: 'npm', comm: 'npm', zombieSince: 1000 }),
      proc(2, 0, '', { kernelThread: true, name: 'kthreadd', comm: 'kthreadd' }),
    );
    const r = groupProcesses(t, grouper(), 61000);
    assert.deepEqual(r.zombies, [{ pid: 6, ppid: 5, parentName: 'lazy-parent', name: 'npm', sinceSeconds: 60 }]);
    assert.ok(!r.groups.some((g) => g.pids.includes(6) || g.pids.includes(2)));
  });

  it('orphans: an MCP or agent process adopted by PID 1 or a subreaper, with its tree; never a plain process', () => {
    const t = table(
      proc(300, 1, 'systemd --user'),
      proc(40, 1, 'npm exec @acme/mcp-tool'),
      proc(41, 40, 'sh -c acme-tool'),
      proc(42, 41, 'node /x/acme-tool.js'),
      proc(50, 300, 'claude', { session: 50 }),
      proc(60, 1, '/usr/sbin/sshd -D'),
    );
    const r = groupProcesses(t, grouper(), 0);
    assert.deepEqual(r.orphans.map((o) => o.pid).sort(), [40, 50]);
    const o = r.orphans.find((x) => x.pid === 40);
    assert.deepEqual(o?.treePids, [41, 42]);
    assert.equal(o?.rssBytes, 300 << 20);
  });

  it('user rules come first; a bad pattern is reported, not fatal', () => {
    const g = new Grouper([{ name: 'my-agents', kind: 'agent', exe: ['claude'] }, { name: 'broken', kind: 'other', cmdline: '(' }], DEFAULT_GROUP_RULES);
    const problems = g.setRules([{ name: 'my-agents', kind: 'agent', exe: ['claude'] }, { name: 'broken', kind: 'other', cmdline: '(' }], DEFAULT_GROUP_RULES);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /broken.*bad cmdline pattern/);
    const r = groupProcesses(table(proc(10, 5, 'claude'), proc(5, 1, 'bash')), g, 0);
    assert.equal(r.groups.find((x) => x.pids.includes(10))?.name, 'my-agents');
  });
});
