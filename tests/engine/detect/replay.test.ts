/**
 * `headroom replay`, called directly: events and summaries as JSON lines or a
 * readable table, the same verdicts as the detector, and one-line errors with
 * exit 2 for bad input or flags.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { replayCommand } from '../../../src/cli/replay.ts';
import { makeTrace } from './synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'headroom-replay-'));
const home = mkdtempSync(join(tmpdir(), 'headroom-home-'));
const prevHome = process.env.HEADROOM_HOME;
process.env.HEADROOM_HOME = home; // default detector settings, never the user's
after(() => {
  if (prevHome === undefined) delete process.env.HEADROOM_HOME;
  else process.env.HEADROOM_HOME = prevHome;
});

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await replayCommand(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}

/** Two labelled series interleaved in one file, as `history --csv` of several series would give. */
function twoSeriesFile(): string {
  const leak = makeTrace('containerLeak', 7);
  const calm = makeTrace('gcSawtoothFlat', 7);
  const rows = [...leak.samples.map((s) => ({ ...s, series: leak.series })), ...calm.samples.filter((s) => s.t <= 6 * 3600).map((s) => ({ ...s, series: calm.series }))].sort((a, b) => a.t - b.t);
  const file = join(dir, 'two.csv');
  writeFileSync(file, `t,series,value,limit\n${rows.map((r) => `${r.t},${r.series},${Math.round(r.value)},${r.limit ?? ''}`).join('\n')}\n`);
  return file;
}

describe('replay command', () => {
  it('--json: leak events as they happen, then one summary per series', async () => {
    const { code, out, err } = await run([twoSeriesFile(), '--json']);
    assert.equal(code, 0, err.join('\n'));
    const lines = out.map((l) => JSON.parse(l));
    const starts = lines.filter((l) => l.event === 'leak.start');
    assert.deepEqual(starts.map((l) => l.series), ['container.api.mem']);
    assert.equal(typeof starts[0].slope_per_hour, 'number');
    assert.ok('eta_s' in starts[0]);
    const summaries = lines.filter((l) => l.event === 'summary');
    assert.deepEqual(summaries.map((l) => [l.series, l.leak]), [
      ['container.api.mem', true],
      ['process.group.code.rss', false],
    ]);
    assert.equal(lines.indexOf(summaries[0]), lines.length - 2, 'summaries come last');
    const truth = makeTrace('containerLeak', 7).label.slope_per_hour as number;
    assert.ok(Math.abs(summaries[0].slope_per_hour / truth - 1) < 0.25);
  });

  it('without --json: a readable table', async () => {
    const { code, out } = await run([twoSeriesFile()]);
    assert.equal(code, 0);
    const text = out.join('\n');
    assert.match(text, /leak starts\s+container\.api\.mem\s+\+\d\.\d GB\/h/);
    assert.match(text, /LEAK\s+container\.api\.mem/);
    assert.match(text, /flat\s+process\.group\.code\.rss/);
  });

  it('a malformed file: one error line naming the line, exit 2', async () => {
    const cases: [string, RegExp][] = [
      ['t,series,value,limit\n0,a,100,\n10,a,abc,\n', /line 3: value must be a non-negative number/],
      ['t,series,value,limit\n0,a,100,\nInfinity,a,100,\n', /line 3: t must be/],
      ['t,series,value,limit\n0,a,100,-1\n', /line 2: limit must be empty or a positive number/],
      ['t;series;value;limit\n', /line 1: expected the header/],
      ['t,series,value,limit\n20,a,1,\n10,a,1,\n', /line 3: t goes backwards for a/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const file = join(dir, `bad-${i}.csv`);
      writeFileSync(file, text);
      const { code, err, out } = await run([file, '--json']);
      assert.equal(code, 2, `case ${i}`);
      assert.equal(err.length, 1, `case ${i}: ${err.join(' | ')}`);
      assert.match(err[0], message);
      assert.ok(!err[0].includes('\n'));
      assert.deepEqual(out, []);
    }
  });

  it('bad flags or a missing file: exit 2', async () => {
    assert.equal((await run(['--bogus', 'x.csv'])).code, 2);
    assert.equal((await run([])).code, 2);
    const missing = await run([join(dir, 'nope.csv')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err[0], /ENOENT/);
  });

  it('a byte-order mark and CRLF line ends are fine', async () => {
    const file = join(dir, 'bom.csv');
    writeFileSync(file, '\uFEFFt,series,value,limit\r\n0,a,100,\r\n10,a,100,\r\n');
    const { code, out } = await run([file, '--json']);
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(out[0]), { event: 'summary', series: 'a', leak: false, slope_per_hour: 0 });
  });
});
