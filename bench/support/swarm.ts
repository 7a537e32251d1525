/**
 * About N idle processes for a bench, named like a developer's machine
 * (claude, codex, node, MCP servers, python): the load a monitor must carry.
 * Spawned in batches of 100 by one shell each, so making the swarm is cheap;
 * each batch is its own process group, so stopping it kills only what the
 * bench started.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** PIDs on the machine now. */
export function processCount(): number {
  let n = 0;
  for (const name of readdirSync('/proc')) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

export interface Swarm {
  /** Processes the swarm added. */
  readonly spawned: number;
  stop(): void;
}

/** Tops the machine up to about `target` processes; resolves once they are all there (or after 30 s of trying). */
export async function startSwarm(target: number): Promise<Swarm> {
  const toSpawn = Math.max(0, target - processCount());
  const groups: ChildProcess[] = [];
  const names = ['claude', 'codex', 'node', 'mcp-server-fs', 'python3'];
  const batch = 100;
  for (let i = 0; i < toSpawn; i += batch) {
    const n = Math.min(batch, toSpawn - i);
    const script = Array.from({ length: n }, (_, k) => `(exec -a ${names[k % names.length]} sleep 3600) &`).join(' ') + ' wait';
    groups.push(spawn('bash', ['-c', script], { stdio: 'ignore', detached: true }));
  }
  const before = processCount();
  const deadline = Date.now() + 30_000;
  // Wait for the condition (the swarm is up), not a fixed time: a loaded machine forks slowly.
  while (processCount() < Math.min(target, before + toSpawn) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  return {
    spawned: toSpawn,
    stop() {
      for (const g of groups) {
        try {
          process.kill(-(g.pid as number), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    },
  };
}
