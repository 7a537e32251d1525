/**
 * The tray icon, drawn at run time from state: a vertical gauge filled from the
 * bottom to the memory percent, coloured normal / warning / critical, with a
 * round badge in the top-right corner while a leak trend is active. Pure (pixels
 * in a buffer, encoded with pngjs), so its output is checked pixel by pixel.
 *
 * macOS wants "template" images: black plus alpha, recoloured by the system for
 * light and dark menu bars. A template cannot carry a colour, so the glue uses
 * a template only while things are normal and the coloured icon otherwise.
 */

import { PNG } from 'pngjs';
import type { TrayLevel } from './state.ts';

export type Rgb = readonly [number, number, number];

/** The palette; chosen to read on both light and dark panels. */
export const TRAY_COLOURS: Readonly<Record<TrayLevel | 'frame' | 'leak', Rgb>> = {
  normal: [63, 185, 80],
  warning: [232, 163, 23],
  critical: [248, 81, 73],
  frame: [139, 148, 158],
  leak: [163, 113, 247],
};

export interface TrayIconSpec {
  /** Used memory, 0–100. */
  percent: number;
  level: TrayLevel;
  leak: boolean;
  /** Width and height in pixels. */
  size: number;
  /** Monochrome black + alpha (macOS template image). */
  template?: boolean;
}

/** One bitmap of an icon: its pixel size and the display scale it is meant for. */
export interface IconRepresentation {
  size: number;
  scaleFactor: number;
}

/**
 * The bitmaps to draw per platform: macOS menu bar 16 pt (@1x, @2x); Windows
 * notification area 16 px at 100/150/200 %; Linux panels mostly 22–24 px.
 */
export function iconRepresentations(platform: NodeJS.Platform): IconRepresentation[] {
  if (platform === 'darwin') return [{ size: 16, scaleFactor: 1 }, { size: 32, scaleFactor: 2 }];
  if (platform === 'win32') return [{ size: 16, scaleFactor: 1 }, { size: 24, scaleFactor: 1.5 }, { size: 32, scaleFactor: 2 }];
  return [{ size: 24, scaleFactor: 1 }, { size: 48, scaleFactor: 2 }];
}

/** Every size `scripts/make-icons.mjs` writes to assets/ (16/22/24/32/48/64 and their @2x). */
export const ASSET_TRAY_SIZES = [16, 22, 24, 32, 48, 64] as const;

/**
 * The redraw key: two states with the same key draw the same pixels, so the
 * glue redraws only when the key changes (memory moving 0.3 % does not redraw).
 */
export function trayIconKey(spec: Omit<TrayIconSpec, 'size'>): string {
  return `${Math.round(clampPercent(spec.percent))}|${spec.level}|${spec.leak ? 'leak' : '-'}|${spec.template ? 't' : 'c'}`;
}

/** Draws the icon and returns it as a PNG. */
export function renderTrayIcon(spec: TrayIconSpec): Buffer {
  const size = Math.round(spec.size);
  if (!(size >= 8 && size <= 1024)) throw new RangeError(`tray icon size must be 8–1024 px, got ${spec.size}`);
  const canvas = new Canvas(size, size);
  const ink = (c: Rgb): Rgb => (spec.template ? [0, 0, 0] : c);
  drawGauge(canvas, { x: 0, y: 0, w: size, h: size }, clampPercent(spec.percent), ink(TRAY_COLOURS[spec.level]), ink(TRAY_COLOURS.frame));
  if (spec.leak) drawBadge(canvas, size, ink(TRAY_COLOURS.leak));
  return canvas.toPng();
}

/**
 * The application icon (installers, window, notifications): the same gauge,
 * calm and green, on a dark rounded square.
 */
export function renderAppIcon(size: number): Buffer {
  const canvas = new Canvas(size, size);
  canvas.roundedRect(0, 0, size, size, size * 0.22, [22, 27, 34]);
  const inset = Math.round(size * 0.16);
  drawGauge(canvas, { x: inset, y: inset, w: size - 2 * inset, h: size - 2 * inset }, 62, TRAY_COLOURS.normal, [201, 209, 217]);
  return canvas.toPng();
}

function clampPercent(p: number): number {
  return Number.isFinite(p) ? Math.min(100, Math.max(0, p)) : 0;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The gauge: a framed vertical bar in the middle of `box`, its inside filled from the bottom. */
function drawGauge(c: Canvas, box: Box, percent: number, fill: Rgb, frame: Rgb): void {
  const s = Math.min(box.w, box.h);
  const border = Math.max(1, Math.round(s / 16));
  const barW = Math.max(4, Math.round(s * 0.625));
  const margin = Math.max(0, Math.round(s / 16));
  const x0 = box.x + Math.round((box.w - barW) / 2);
  const x1 = x0 + barW;
  const y0 = box.y + margin;
  const y1 = box.y + box.h - margin;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const inX = x >= x0 + border && x < x1 - border;
      const inY = y >= y0 + border && y < y1 - border;
      if (inX && inY) continue;
      // Leave the outermost corner pixels out: a rounded frame at any size.
      const cornerX = x < x0 + border || x >= x1 - border;
      const cornerY = y < y0 + border || y >= y1 - border;
      if (cornerX && cornerY) continue;
      c.set(x, y, frame, 255);
    }
  }
  const innerH = y1 - y0 - 2 * border;
  const filled = Math.min(innerH, Math.round((innerH * percent) / 100));
  for (let y = y1 - border - filled; y < y1 - border; y++) {
    for (let x = x0 + border; x < x1 - border; x++) c.set(x, y, fill, 255);
  }
}

/** The leak badge: a dot in the top-right corner, with a transparent ring cut around it so it reads over the gauge. */
function drawBadge(c: Canvas, size: number, colour: Rgb): void {
  const r = size * 0.2;
  const ring = Math.max(1, size / 16);
  const cx = size - r;
  const cy = r;
  const reach = Math.ceil(r + ring);
  const SUB = 4;
  for (let y = Math.max(0, Math.floor(cy - reach)); y < Math.min(size, Math.ceil(cy + reach)); y++) {
    for (let x = Math.max(0, Math.floor(cx - reach)); x < Math.min(size, Math.ceil(cx + reach)); x++) {
      let inDot = 0;
      let inCut = 0;
      for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
          const dx = x + (sx + 0.5) / SUB - cx;
          const dy = y + (sy + 0.5) / SUB - cy;
          const d = Math.sqrt(dx * dx + dy * dy);
          if (d <= r) inDot++;
          if (d <= r + ring) inCut++;
        }
      }
      if (inCut === 0) continue;
      c.erase(x, y, inCut / (SUB * SUB));
      if (inDot > 0) c.over(x, y, colour, inDot / (SUB * SUB));
    }
  }
}

/** A tiny RGBA canvas: just what the icons need. */
class Canvas {
  readonly data: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.data = Buffer.alloc(width * height * 4);
  }

  set(x: number, y: number, [r, g, b]: Rgb, a: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const i = (y * this.width + x) * 4;
    this.data[i] = r;
    this.data[i + 1] = g;
    this.data[i + 2] = b;
    this.data[i + 3] = a;
  }

  /** Reduces a pixel's opacity by `amount` (0–1). */
  erase(x: number, y: number, amount: number): void {
    const i = (y * this.width + x) * 4;
    this.data[i + 3] = Math.round(this.data[i + 3] * (1 - amount));
  }

  /** Paints `colour` at `alpha` (0–1) over the pixel ("source over"). */
  over(x: number, y: number, [r, g, b]: Rgb, alpha: number): void {
    const i = (y * this.width + x) * 4;
    const da = this.data[i + 3] / 255;
    const oa = alpha + da * (1 - alpha);
    if (oa === 0) return;
    const mix = (src: number, dst: number) => Math.round((src * alpha + dst * da * (1 - alpha)) / oa);
    this.data[i] = mix(r, this.data[i]);
    this.data[i + 1] = mix(g, this.data[i + 1]);
    this.data[i + 2] = mix(b, this.data[i + 2]);
    this.data[i + 3] = Math.round(oa * 255);
  }

  roundedRect(x0: number, y0: number, w: number, h: number, radius: number, colour: Rgb): void {
    for (let y = y0; y < y0 + h; y++) {
      for (let x = x0; x < x0 + w; x++) {
        // Distance outside the inner rectangle whose corners are the arcs' centres; 2x2 samples soften the edge.
        let hits = 0;
        for (const [sx, sy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
          const px = x + sx;
          const py = y + sy;
          const dx = Math.max(x0 + radius - px, 0, px - (x0 + w - radius));
          const dy = Math.max(y0 + radius - py, 0, py - (y0 + h - radius));
          if (dx * dx + dy * dy <= radius * radius) hits++;
        }
        if (hits > 0) this.over(x, y, colour, hits / 4);
      }
    }
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    this.data.copy(png.data);
    return PNG.sync.write(png);
  }
}

/** Sizes of the application icon set (Linux hicolor sizes; electron-builder builds .icns and .ico from icon.png). */
export const APP_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512] as const;

/**
 * Every icon file kept in assets/, by path relative to the repository, as
 * `scripts/make-icons.mjs` writes them. The tray draws itself at run time; the
 * static tray files are for packaging, docs and a first frame, and the macOS
 * template pair is the calm menu-bar icon.
 */
export function assetIconFiles(): { path: string; png: Buffer }[] {
  const files: { path: string; png: Buffer }[] = [{ path: 'assets/icon.png', png: renderAppIcon(1024) }];
  for (const s of APP_ICON_SIZES) files.push({ path: `assets/icons/${s}x${s}.png`, png: renderAppIcon(s) });
  const calm = { percent: 30, level: 'normal' as const, leak: false };
  for (const s of ASSET_TRAY_SIZES) {
    files.push({ path: `assets/tray/tray-${s}.png`, png: renderTrayIcon({ ...calm, size: s }) });
    files.push({ path: `assets/tray/tray-${s}@2x.png`, png: renderTrayIcon({ ...calm, size: s * 2 }) });
  }
  files.push({ path: 'assets/tray/trayTemplate.png', png: renderTrayIcon({ ...calm, size: 16, template: true }) });
  files.push({ path: 'assets/tray/trayTemplate@2x.png', png: renderTrayIcon({ ...calm, size: 32, template: true }) });
  return files;
}
