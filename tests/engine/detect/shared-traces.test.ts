/**
 * Issue acceptance: every labelled trace in ../shared/traces is replayed through
 * `headroom replay` (the live LeakDetector) and judged against its label —
 * a leak reported at/after onset and within max_latency_s, its slope within
 * 25 %, and no leak.start at all for a non-leak.
 */

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TRACES_DIR, type TraceLabel } from '../../helpers/shared.ts';
import { replayJson } from './replay-json.ts';


const tracesDir = TRACES_DIR;

describe('labelled shared traces', () => {
  it('the shared traces are there', () => {
    assert.ok(existsSync(join(tracesDir, 'labels.json')), `missing ${tracesDir}/labels.json: the tests need ../shared beside the repo`);
  });
  const labels: TraceLabel[] = existsSync(join(tracesDir, 'labels.json')) ? JSON.parse(readFileSync(join(tracesDir, 'labels.json'), 'utf8')) : [];
  for (const label of labels) {
    it(`${label.file}: ${label.leak ? 'leak' : 'no leak'} (${label.why})`, async () => {
      const events = await replayJson(join(tracesDir, label.file));
      const starts = events.filter((e) => e.event === 'leak.start' && e.series === label.series);
      const summary = events.find((e) => e.event === 'summary' && e.series === label.series);
      assert.ok(summary, 'no summary line for the labelled series');
      if (!label.leak) {
        assert.equal(starts.length, 0, `false alarm: ${JSON.stringify(starts[0])}`);
        assert.equal(summary.leak, false);
        return;
      }
      assert.ok(starts.length > 0, 'the leak was never reported');
      const first = starts[0];
      const t = first.t as number;
      assert.ok(t >= (label.onset_s ?? 0), `reported at ${t} s, before the onset at ${label.onset_s} s`);
      assert.ok(t - (label.onset_s ?? 0) <= (label.max_latency_s as number), `reported ${t - (label.onset_s ?? 0)} s after onset; allowed ${label.max_latency_s} s`);
      const truth = label.slope_per_hour as number;
      for (const [what, slope] of [['leak.start', first.slope_per_hour], ['summary', summary.slope_per_hour]] as const) {
        const err = Math.abs((slope as number) - truth) / truth;
        assert.ok(err <= 0.25, `${what} slope ${slope} B/h is ${(err * 100).toFixed(0)} % off the true ${truth} B/h`);
      }
      assert.equal(summary.leak, true);
    });
  }
});

describe('replay input errors', () => {
  it('a malformed line gets one error naming the line, and exit 2', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'headroom-replay-'));
    const cases: [string, RegExp][] = [
      ['t,series,value,limit\n0,a,100,\n5,a,NaN,\n', /line 3: value must be a non-negative number/],
      ['time,name,v\n0,a,1\n', /line 1: expected the header/],
      ['t,series,value,limit\n10,a,100,\n5,a,100,\n', /line 3: t goes backwards for a/],
      ['t,series,value,limit\n0,a,-5,\n', /line 2: value must be a non-negative/],
      ['t,series,value,limit\n0,a,5\n', /line 2: expected 4 fields/],
      [`t,series,value,limit\n0,${'x'.repeat(70000)},5,\n`, /line 2: longer than 65536 characters/],
      ['', /line 1: empty file/],
    ];
    for (const [i, [text, message]] of cases.entries()) {
      const file = join(dir, `bad${i}.csv`);
      writeFileSync(file, text);
      const errors: string[] = [];
      const { main } = await import('../../../src/cli.ts');
      const code = await main(['replay', file, '--json'], { out: () => {}, err: (s) => errors.push(s) });
      assert.equal(code, 2, `case ${i}`);
      assert.equal(errors.length, 1);
      assert.match(errors[0], message);
    }
    const errors: string[] = [];
    const { main } = await import('../../../src/cli.ts');
    assert.equal(await main(['replay', join(dir, 'missing.csv')], { out: () => {}, err: (s) => errors.push(s) }), 2);
    assert.match(errors[0], /cannot read .*missing\.csv: ENOENT/);
  });
});
