// `npm test`: everything CI checks, from a fresh clone.
//   1. setup (npm packages, build) and the system parts the tests really use
//      (dockerd, Chromium, Xvfb + dunst for notifications), installed if missing;
//   2. typecheck of every tsconfig;
//   3. unit and integration tests with Node's test runner (real processes,
//      real SQLite, real dockerd);
//   4. the Playwright e2e in Debian's Chromium;
//   5. the sentinel check (scripts/sentinels.mjs): agent-like processes and the
//      system dockerd with its containers, recorded before the tests, are
//      untouched after them.
// Ends with one line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { guardRun } from './sentinels.mjs';
import { ensureSetup, findTests, root, run } from './setup.mjs';

const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));
const skipE2e = args.includes('--no-e2e');

ensureSetup();

if (run('bash', [join(root, 'scripts', 'provision.sh')]) !== 0) {
  console.error('test: provisioning failed (see above); the tests need these parts for real and do not skip them');
  process.exit(1);
}

let failed = 0;
let passed = 0;

// Sentinels for "the suite touches nothing it did not start" (scripts/sentinels.mjs): started before any test,
// checked after the last one; each of the two checks counts as a test.
const guard = guardRun('test');

if (only.length === 0) {
  console.error('test: typecheck');
  for (const cfg of ['tsconfig.node.json', 'tsconfig.electron.json', 'tsconfig.web.json']) {
    const status = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', cfg]);
    if (status === 0) passed++;
    else {
      console.error(`test: typecheck failed for ${cfg}`);
      failed++;
    }
  }
}


const files = findTests(join(root, 'tests')).filter((f) => only.length === 0 || only.some((o) => relative(root, f).includes(o)));
if (files.length > 0) {
  const tap = join(mkdtempSync(join(tmpdir(), 'headroom-test-')), 'results.tap');
  const status = run(process.execPath, [
    '--import', 'tsx',
    '--test',
    // Node's default on 2 cores is one file at a time; most of our files wait on real processes,
    // dockerd or timers, so two at a time nearly halves the run without starving the CPU-bound ones.
    '--test-concurrency=2',
    // A file that hangs (a loop that never yields, a wait with no bound) is killed and named as timed out,
    // rather than running CI into its own limit. The slowest file takes about 5 minutes on a loaded machine.
    '--test-timeout=1200000',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...files,
  ]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const pass = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  passed += pass;
  failed += fail;
  if (status !== 0 && fail === 0) failed++; // the runner itself failed
}

const e2eSpecs = existsSync(join(root, 'e2e')) ? readdirSync(join(root, 'e2e')).filter((f) => f.endsWith('.spec.ts')) : [];
if (!skipE2e && only.length === 0 && e2eSpecs.length > 0) {
  const r = spawnSync(process.execPath, [join(root, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=list,json'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: join(root, 'test-results', 'e2e.json') },
  });
  try {
    const report = JSON.parse(readFileSync(join(root, 'test-results', 'e2e.json'), 'utf8'));
    passed += report.stats.expected ?? 0;
    failed += (report.stats.unexpected ?? 0) + (report.stats.flaky ?? 0);
  } catch {
    failed++;
  }
  if (r.status !== 0 && failed === 0) failed++;
}

const sentinels = guard.finish();
passed += sentinels.passed;
failed += sentinels.failed;

console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
