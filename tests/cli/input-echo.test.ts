/**
 * Security #4 and #5 (issue 16): the CLI echoed raw, unbounded input, and
 * called a sub-second period an empty report. Each bad value must be a usage
 * error: exit code 2 and one short line on stderr, the value shown escaped
 * and cut, never a terminal escape code or a second line.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli, tempHome, type CliResult } from '../helpers/cli.ts';

const ESC = '\x1b';
const home = tempHome('headroom-input-echo-');

/** Exit code 2, nothing on stdout, exactly one line on stderr without ESC and at most `maxChars` long. */
function assertOneLineUsageError(r: CliResult, maxChars = 400): string {
  assert.equal(r.status, 2, `exit code 2 for a usage error; stderr: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  assert.ok(!r.stderr.includes(ESC) && !r.stdout.includes(ESC), `an ESC byte reached the terminal: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line: ${JSON.stringify(r.stderr.slice(0, 300))}`);
  assert.ok(lines[0].length <= maxChars, `short (${lines[0].length} characters)`);
  return lines[0];
}

describe('security #4: the CLI echoes input escaped and bounded', () => {
  it('report --since with a newline and escape codes: one line, the value escaped', async () => {
    const line = assertOneLineUsageError(await runCli(['report', '--since', `3h\n${ESC}[2J`, '--no-live'], home));
    assert.match(line, /--since/);
    assert.ok(line.includes('3h\\n\\x1b[2J'), line);
  });

  it('report --since of 50 KB: refused, echoed cut short', async () => {
    const line = assertOneLineUsageError(await runCli(['report', '--since', '9'.repeat(50_000), '--no-live'], home));
    assert.match(line, /50000 characters/);
  });

  it('history with escape codes in the series name: refused', async () => {
    const line = assertOneLineUsageError(await runCli(['history', `process.group.${ESC}[2J${ESC}[31mPWN.rss`, '--since', '1h'], home));
    assert.match(line, /unknown series/);
  });

  it('history with a 5 KB series name: refused, echoed cut short', async () => {
    const line = assertOneLineUsageError(await runCli(['history', `process.group.${'a'.repeat(5000)}.rss`, '--since', '1h'], home));
    assert.match(line, /unknown series/);
  });

  it('an unknown flag holding escape codes: one line, escaped', async () => {
    assertOneLineUsageError(await runCli(['snapshot', `--${ESC}[2J${'x'.repeat(10_000)}`], home));
  });
});

describe('security #5: a sub-second report period is a usage error', () => {
  it('report --since 0.0000001s --no-live exits 2, not 1', async () => {
    const line = assertOneLineUsageError(await runCli(['report', '--since', '0.0000001s', '--no-live'], home));
    assert.match(line, /--since: duration out of range/);
  });
});
