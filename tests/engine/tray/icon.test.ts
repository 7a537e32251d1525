import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import {
  ASSET_TRAY_SIZES,
  iconRepresentations,
  renderAppIcon,
  renderTrayIcon,
  TRAY_COLOURS,
  trayIconKey,
  type Rgb,
  type TrayIconSpec,
} from '../../../src/main/engine/tray/icon.ts';
import { leakActive, trayLevel } from '../../../src/main/engine/tray/state.ts';
import { alert, settings, snapshot, trend } from './fixtures.ts';

interface Decoded {
  width: number;
  height: number;
  px(x: number, y: number): [number, number, number, number];
}

function decode(buf: Buffer): Decoded {
  assert.deepEqual([...buf.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  const png = PNG.sync.read(buf);
  return {
    width: png.width,
    height: png.height,
    px(x, y) {
      const i = (y * png.width + x) * 4;
      return [png.data[i], png.data[i + 1], png.data[i + 2], png.data[i + 3]];
    },
  };
}

const is = (p: number[], c: Rgb) => p[3] === 255 && p[0] === c[0] && p[1] === c[1] && p[2] === c[2];

/**
 * Reads the gauge down the icon's middle column, as a person would: the frame
 * at the top and bottom, and between them the inside, filled from the bottom.
 */
function readGauge(img: Decoded, fill: Rgb, frame: Rgb) {
  const x = Math.floor(img.width / 2);
  const column = Array.from({ length: img.height }, (_, y) => img.px(x, y));
  const frameRows = column.map((p, y) => (is(p, frame) ? y : -1)).filter((y) => y >= 0);
  assert.ok(frameRows.length >= 2, 'the frame is drawn top and bottom');
  const top = Math.min(...frameRows);
  const bottom = Math.max(...frameRows);
  let insideTop = top;
  while (is(column[insideTop + 1], frame)) insideTop++;
  let insideBottom = bottom;
  while (is(column[insideBottom - 1], frame)) insideBottom--;
  const inside = column.slice(insideTop + 1, insideBottom);
  const filled = inside.filter((p) => is(p, fill)).length;
  const empty = inside.filter((p) => p[3] === 0).length;
  assert.equal(filled + empty, inside.length, 'inside the gauge every pixel is either fill or clear');
  const firstFill = inside.findIndex((p) => is(p, fill));
  if (filled > 0) assert.ok(inside.slice(firstFill).every((p) => is(p, fill)), 'the fill is one block, from the bottom up');
  return { inside: inside.length, filled, fraction: filled / inside.length };
}

function countColour(img: Decoded, c: Rgb, region?: (x: number, y: number) => boolean): number {
  let n = 0;
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) {
      const p = img.px(x, y);
      if (p[3] > 0 && p[0] === c[0] && p[1] === c[1] && p[2] === c[2] && (!region || region(x, y))) n++;
    }
  return n;
}

/** The spec the glue would draw for a machine at `percent` memory with default thresholds (70 / 85). */
function specAt(percent: number, size: number, leak = false): TrayIconSpec {
  const s = { snapshot: snapshot({ usedPercent: percent }), alerts: [], settings: settings() };
  return { percent, level: trayLevel(s), leak, size };
}

describe('renderTrayIcon', () => {
  const cases = [
    { percent: 30, level: 'normal' },
    { percent: 75, level: 'warning' },
    { percent: 92, level: 'critical' },
  ] as const;

  for (const { percent, level } of cases) {
    test(`${percent}% memory: ${level} colour, filled to ${percent}%`, () => {
      const spec = specAt(percent, 32);
      assert.equal(spec.level, level);
      const img = decode(renderTrayIcon(spec));
      assert.equal(img.width, 32);
      assert.equal(img.height, 32);
      const g = readGauge(img, TRAY_COLOURS[level], TRAY_COLOURS.frame);
      assert.ok(Math.abs(g.fraction - percent / 100) <= 1 / g.inside, `filled ${g.filled}/${g.inside} rows for ${percent}%`);
      for (const other of ['normal', 'warning', 'critical'] as const) {
        if (other !== level) assert.equal(countColour(img, TRAY_COLOURS[other]), 0, `no ${other} pixels`);
      }
      // The fill spans the gauge's width, not just the middle column.
      const fillPixels = countColour(img, TRAY_COLOURS[level]);
      assert.equal(fillPixels % g.filled, 0, 'every filled row is equally wide');
      assert.ok(fillPixels / g.filled >= 14, `rows are ${fillPixels / g.filled} px wide`);
      assert.equal(countColour(img, TRAY_COLOURS.leak), 0, 'no leak badge without a leak');
    });
  }

  test('more memory means more fill, at every size', () => {
    for (const size of [...ASSET_TRAY_SIZES, ...ASSET_TRAY_SIZES.map((s) => s * 2)]) {
      const fills = cases.map(({ percent, level }) => {
        const img = decode(renderTrayIcon(specAt(percent, size)));
        assert.equal(img.width, size);
        const g = readGauge(img, TRAY_COLOURS[level], TRAY_COLOURS.frame);
        assert.ok(Math.abs(g.fraction - percent / 100) <= 1 / g.inside + 1e-9, `${size}px at ${percent}%: ${g.filled}/${g.inside}`);
        return g.fraction;
      });
      assert.ok(fills[0] < fills[1] && fills[1] < fills[2], `${size}px: ${fills.join(' < ')}`);
    }
  });

  test('0% and 100% are an empty and a full gauge', () => {
    const empty = readGauge(decode(renderTrayIcon({ percent: 0, level: 'normal', leak: false, size: 24 })), TRAY_COLOURS.normal, TRAY_COLOURS.frame);
    assert.equal(empty.filled, 0);
    const full = readGauge(decode(renderTrayIcon({ percent: 100, level: 'critical', leak: false, size: 24 })), TRAY_COLOURS.critical, TRAY_COLOURS.frame);
    assert.equal(full.filled, full.inside);
  });

  test('a leak shows a badge in the top-right corner only', () => {
    const state = { alerts: [alert({ id: 'leak:process.group.claude.rss', title: 'claude', rule: 'leak' })], trends: [] };
    assert.equal(leakActive(state), true);
    assert.equal(leakActive({ alerts: [], trends: [trend({ series: 'x', leaking: false })] }), false);
    assert.equal(leakActive({ alerts: [], trends: [trend({ series: 'x' })] }), true);
    const img = decode(renderTrayIcon(specAt(92, 32, true)));
    const topRight = (x: number, y: number) => x >= 16 && y < 16;
    const badge = countColour(img, TRAY_COLOURS.leak);
    assert.ok(badge >= 20, `a solid badge (${badge} px)`);
    assert.equal(countColour(img, TRAY_COLOURS.leak, (x, y) => !topRight(x, y)), 0, 'all of it in the top-right quarter');
    // The gauge is still readable below the badge.
    const g = readGauge(img, TRAY_COLOURS.critical, TRAY_COLOURS.frame);
    assert.ok(Math.abs(g.fraction - 0.92) <= 1 / g.inside);
  });

  test('a macOS template is black and alpha only, still showing fill and badge', () => {
    const img = decode(renderTrayIcon({ ...specAt(75, 32, true), template: true }));
    let opaque = 0;
    for (let y = 0; y < 32; y++)
      for (let x = 0; x < 32; x++) {
        const [r, g, b, a] = img.px(x, y);
        if (a > 0) {
          assert.deepEqual([r, g, b], [0, 0, 0], `pixel ${x},${y} is black`);
          opaque++;
        }
      }
    assert.ok(opaque > 100);
    // Frame and fill are both black, so read the middle column between the first and last opaque pixel: the clear part is the unfilled quarter.
    const column = Array.from({ length: 32 }, (_, y) => img.px(16, y)[3]);
    const first = column.findIndex((a) => a > 0);
    const last = column.findLastIndex((a) => a > 0);
    const clear = column.slice(first, last + 1).filter((a) => a === 0).length;
    const ratio = clear / (last - first + 1);
    assert.ok(ratio > 0.15 && ratio < 0.3, `about a quarter of the gauge is clear (${clear} of ${last - first + 1} px)`);
    assert.ok(column.slice(first, last + 1).slice(-10).every((a) => a === 255), 'the bottom is filled');
  });

  test('the redraw key changes only with what is drawn', () => {
    const k = (percent: number, level: 'normal' | 'warning' = 'normal', leak = false) => trayIconKey({ percent, level, leak });
    assert.equal(k(41.2), k(40.8));
    assert.notEqual(k(41.2), k(42.6));
    assert.notEqual(k(70, 'normal'), k(70, 'warning'));
    assert.notEqual(k(70), k(70, 'normal', true));
    assert.equal(k(NaN), k(0));
  });

  test('bad sizes are refused with a clear error', () => {
    assert.throws(() => renderTrayIcon({ percent: 10, level: 'normal', leak: false, size: 2 }), /8–1024 px/);
    assert.throws(() => renderTrayIcon({ percent: 10, level: 'normal', leak: false, size: NaN }), /8–1024 px/);
  });

  test('each platform gets its sizes, and the app icon renders', () => {
    assert.deepEqual(iconRepresentations('darwin').map((r) => r.size), [16, 32]);
    assert.deepEqual(iconRepresentations('win32').map((r) => r.scaleFactor), [1, 1.5, 2]);
    assert.deepEqual(iconRepresentations('linux').map((r) => r.size), [24, 48]);
    const app = decode(renderAppIcon(256));
    assert.equal(app.width, 256);
    assert.equal(app.px(0, 0)[3], 0, 'rounded corners are clear');
    assert.equal(app.px(128, 10)[3], 255, 'the background is opaque');
    assert.ok(countColour(app, TRAY_COLOURS.normal) > 1000, 'the gauge is green');
  });
});
