/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after
 * another (so they don't disturb each other's figures), and prints their output.
 * Benchmarks report numbers side by side with the alternative; they assert nothing.
 * Pass names to run a subset: `npm run bench -- process-scan`; flags (`--quick`,
 * `--procs 500`, …) are passed on to each bench run.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
// A flag's value ("--procs 500") belongs to the flags, not to the names.
const flags: string[] = [];
const only: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i].startsWith('--')) {
    flags.push(args[i]);
    if (!args[i].includes('=') && i + 1 < args.length && !args[i + 1].startsWith('--') && !isBenchName(args[i + 1])) flags.push(args[++i]);
  } else only.push(args[i]);
}
function isBenchName(a: string): boolean {
  return readdirSync(here).some((f) => f.endsWith('.bench.ts') && f.includes(a));
}
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failures = 0;
for (const f of files) {
  console.log(`\n━━ ${f} ━━`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, f), ...flags], { stdio: 'inherit' });
  if (r.status !== 0) {
    failures++;
    console.log(`(${f} exited with ${r.status ?? r.signal})`);
  }
}
process.exit(failures > 0 ? 1 : 0);
