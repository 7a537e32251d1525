// `npm run reliability [-- --quick] [filter…]`: Headroom under abuse, as a whole.
//   soak/   the headless engine with web mode and a browser client, under process
//           and container churn; its RSS judged by its own leak detector;
//   fuzz/   ≥10,000 generated cases per API handler, settings file and replay CSV;
//   fault/  dockerd killed, history DB deleted/read-only/corrupt/disk full, /proc
//           vanishing, a client dropping mid-push, the clock jumping;
//   guard/  the planner and fix runner fed adversarial snapshots.
// --quick is the CI profile (soak 10 minutes); without it the full profile runs
// (soak 1 hour). The soak runs beside the other files, which the runner starts
// in parallel, so the quick profile takes about as long as its soak.
// Every test records its figure and bound; the run ends with one table and the
// line "reliability: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { guardRun } from './sentinels.mjs';
import { ensureSetup, findTests, root, run } from './setup.mjs';

const args = process.argv.slice(2);
const profile = args.includes('--quick') ? 'quick' : 'full';
const only = args.filter((a) => !a.startsWith('--'));

ensureSetup();
if (run('bash', [join(root, 'scripts', 'provision.sh')]) !== 0) {
  console.error('reliability: provisioning failed (see above)');
  process.exit(1);
}

// Nothing the suite did not start is touched (scripts/sentinels.mjs): checked after the last file.
const guard = guardRun('reliability');

// The soak first: it is the longest, and the runner starts files in this order.
const files = findTests(join(root, 'reliability'))
  .filter((f) => only.length === 0 || only.some((o) => relative(root, f).includes(o)))
  .sort((a, b) => Number(b.includes('/soak/')) - Number(a.includes('/soak/')) || a.localeCompare(b));
if (files.length === 0) {
  console.error('reliability: no test files matched');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'headroom-reliability-'));
const figuresFile = join(work, 'figures.jsonl');
const tap = join(work, 'results.tap');
writeFileSync(figuresFile, '');
console.error(`reliability: ${profile} profile, ${files.length} files, figures in ${figuresFile}`);

const status = run(process.execPath, [
  '--import', 'tsx',
  '--test',
  // The soak is mostly waiting; fuzz and faults run beside it.
  '--test-concurrency=3',
  // A file that hangs is killed and named as timed out instead of running CI into its own limit (a fuzz
  // generator whose filter could never pass once spun for an hour). Bound: the soak's length and then some.
  `--test-timeout=${profile === 'quick' ? 20 * 60_000 : 90 * 60_000}`,
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tap}`,
  ...files,
], { env: { ...process.env, HEADROOM_RELIABILITY_PROFILE: profile, HEADROOM_RELIABILITY_FIGURES: figuresFile } });

const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
let passed = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
let failed = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
if (status !== 0 && failed === 0) failed++;
const sentinels = guard.finish();
passed += sentinels.passed;
failed += sentinels.failed;

const figures = readFileSync(figuresFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const outDir = join(root, 'reliability-results');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, `figures-${profile}.json`), JSON.stringify(figures, null, 2) + '\n');

console.log(`\nreliability figures (${profile} profile):`);
for (const f of figures.sort((a, b) => a.area.localeCompare(b.area))) {
  console.log(`  ${f.ok ? 'ok    ' : 'FAILED'} ${f.area.padEnd(6)} ${f.name}: ${f.value}${f.unit ? ' ' + f.unit : ''}${f.bound ? `   (bound ${f.bound})` : ''}`);
}
console.log(`reliability: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
