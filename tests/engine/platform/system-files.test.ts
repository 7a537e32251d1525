import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cpuPercentBetween,
  parseBootTime,
  parseCpuLine,
  parseLoadavg,
  parseMeminfo,
  parsePressure,
  parseSwapIns,
} from '../../../src/main/engine/platform/linux/system-files.ts';

const MEMINFO = `MemTotal:       24401296 kB
MemFree:         1000000 kB
MemAvailable:    8283648 kB
Buffers:          100000 kB
Cached:          3000000 kB
SwapCached:            0 kB
SReclaimable:     200000 kB
SwapTotal:       2097148 kB
SwapFree:        1947648 kB
`;

describe('/proc system file parsers', () => {
  it('meminfo: used is total − available, cache includes buffers and reclaimable slab', () => {
    const m = parseMeminfo(MEMINFO);
    assert.equal(m.totalBytes, 24401296 * 1024);
    assert.equal(m.usedBytes, (24401296 - 8283648) * 1024);
    assert.equal(m.cachedBytes, (3000000 + 100000 + 200000) * 1024);
    assert.equal(m.swapUsedBytes, (2097148 - 1947648) * 1024);
  });

  it('meminfo without MemAvailable (old kernels) estimates it from free + cache', () => {
    const m = parseMeminfo(MEMINFO.replace(/^MemAvailable.*\n/m, ''));
    assert.equal(m.availableBytes, (1000000 + 3000000 + 100000 + 200000) * 1024);
  });

  it('meminfo without MemTotal is an error, not a zero', () => {
    assert.throws(() => parseMeminfo('garbage\n'), /MemTotal missing/);
  });

  it('cpu line: busy excludes idle and iowait; percent between readings', () => {
    const a = parseCpuLine('cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 2 3\n');
    const b = parseCpuLine('cpu  150 0 150 800 100 0 0 0 0 0\n');
    assert.deepEqual(a, { busy: 200, total: 1000 });
    assert.equal(cpuPercentBetween(a, b), 50);
    assert.equal(cpuPercentBetween(b, b), 0);
    assert.throws(() => parseCpuLine('intr 1 2 3'), /no aggregate cpu line/);
  });

  it('btime, loadavg, pressure and pswpin', () => {
    assert.equal(parseBootTime('cpu  1 2\nbtime 1763900000\n'), 1763900000);
    assert.deepEqual(parseLoadavg('3.73 2.10 1.50 2/620 12345\n'), [3.73, 2.1, 1.5]);
    assert.throws(() => parseLoadavg('x y z'), /cannot parse/);
    const p = parsePressure('some avg10=1.50 avg60=0.80 avg300=0.10 total=123\nfull avg10=0.50 avg60=0.20 avg300=0.00 total=45\n');
    assert.equal(p.someAvg10, 1.5);
    assert.equal(p.fullAvg60, 0.2);
    assert.throws(() => parsePressure(''), /no "some" line/);
    assert.equal(parseSwapIns('pgpgin 5\npswpin 42\npswpout 7\n'), 42);
    assert.equal(parseSwapIns('pgpgin 5\n'), 0);
  });
});
