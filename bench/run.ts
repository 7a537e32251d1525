/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after
 * another (so they don't disturb each other's figures), and prints their output.
 * Benchmarks report numbers side by side with the alternative; they assert nothing.
 * Pass names to run a subset: `npm run bench -- process-scan`.
 */

import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

let failures = 0;
for (const f of files) {
  console.log(`\n━━ ${f} ━━`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, f)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failures++;
    console.log(`(${f} exited with ${r.status ?? r.signal})`);
  }
}
process.exit(failures > 0 ? 1 : 0);
