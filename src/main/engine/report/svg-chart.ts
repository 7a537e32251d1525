/**
 * A tiny line-chart renderer that writes SVG text: the HTML report embeds its
 * charts inline, so a report is one self-contained file that needs no browser,
 * canvas or network to produce. Pure and deterministic: the same input gives
 * the same bytes (fixed number formatting, no ids drawn from a counter).
 */

export interface ChartLine {
  name: string;
  /** Epoch milliseconds, ascending. */
  t: readonly number[];
  v: readonly number[];
  /** CSS colour. */
  color: string;
  /** Draw dashed, for projections and thresholds. */
  dashed?: boolean;
  /** Join every point whatever their spacing (a projection's two ends); sampled lines split at `maxStepMs`. */
  continuous?: boolean;
}

export interface ChartOptions {
  title: string;
  lines: readonly ChartLine[];
  /** Horizontal reference lines (a limit, an alert threshold). */
  thresholds?: readonly { label: string; value: number; color: string }[];
  /** Time spans with no samples, shaded so a gap never reads as a flat line. */
  gaps?: readonly { startMs: number; endMs: number }[];
  formatY: (v: number) => string;
  formatX: (t: number) => string;
  width?: number;
  height?: number;
  /** Force the y axis to start at zero (memory charts), instead of the data minimum. */
  yFromZero?: boolean;
  /** Points further apart than this are not joined, so a sampling gap is not drawn as a straight line. */
  maxStepMs?: number;
  /** The time axis, when it must show a whole period rather than just the span with data. */
  xRange?: [number, number];
  /** Values are bytes: axis steps are round in binary units (1, 2, 5 × MB or GB), as formatBytes prints them. */
  byteAxis?: boolean;
}

const PAD = { left: 70, right: 16, top: 28, bottom: 40 };

/** Escapes text for SVG/HTML content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Two decimals at most, no trailing zeros: stable, compact coordinates. */
function num(n: number): string {
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** 1, 2 or 5 × 10^k steps, so axis labels land on round values. */
export function niceStep(range: number, targetTicks: number): number {
  if (!(range > 0)) return 1;
  const raw = range / Math.max(1, targetTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10;
  return step * mag;
}

/** Round steps in binary units: 512 MB, 2 GB, 5 GB… so byte labels come out whole. */
export function niceByteStep(range: number, targetTicks: number): number {
  let unit = 1;
  while (range / unit >= 1024 * targetTicks && unit < 1024 ** 5) unit *= 1024;
  return niceStep(range / unit, targetTicks) * unit;
}

/**
 * Renders one chart as an `<svg>` element string. Lines with fewer than one
 * point are skipped; with no points at all the chart says "no samples" rather
 * than drawing empty axes that look like a zero reading.
 */
export function renderLineChart(opts: ChartOptions): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 240;
  const plotW = width - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const lines = opts.lines.filter((l) => l.t.length > 0 && l.t.length === l.v.length);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(opts.title)}" font-family="sans-serif" font-size="11">`,
  );
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${PAD.left}" y="16" font-size="13" font-weight="bold" fill="#222">${escapeXml(opts.title)}</text>`);

  if (lines.length === 0) {
    out.push(`<text x="${num(width / 2)}" y="${num(height / 2)}" text-anchor="middle" fill="#777">no samples in this period</text>`);
    out.push('</svg>');
    return out.join('');
  }

  let tMin = Infinity;
  let tMax = -Infinity;
  let vMin = Infinity;
  let vMax = -Infinity;
  for (const l of lines) {
    for (let i = 0; i < l.t.length; i++) {
      const t = l.t[i];
      const v = l.v[i];
      if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
      if (t < tMin) tMin = t;
      if (t > tMax) tMax = t;
      if (v < vMin) vMin = v;
      if (v > vMax) vMax = v;
    }
  }
  for (const th of opts.thresholds ?? []) {
    if (th.value > vMax) vMax = th.value;
    if (th.value < vMin) vMin = th.value;
  }
  if (opts.xRange) {
    tMin = Math.min(tMin, opts.xRange[0]);
    tMax = Math.max(tMax, opts.xRange[1]);
  }
  if (opts.yFromZero && vMin > 0) vMin = 0;
  if (tMax === tMin) tMax = tMin + 1;
  if (vMax === vMin) vMax = vMin + (Math.abs(vMin) > 0 ? Math.abs(vMin) * 0.1 : 1);
  const yStep = opts.byteAxis ? niceByteStep(vMax - vMin, 4) : niceStep(vMax - vMin, 4);
  const yLo = Math.floor(vMin / yStep) * yStep;
  const yHi = Math.ceil(vMax / yStep) * yStep;

  const x = (t: number) => PAD.left + ((t - tMin) / (tMax - tMin)) * plotW;
  const y = (v: number) => PAD.top + plotH - ((v - yLo) / (yHi - yLo)) * plotH;

  // Axes and grid.
  for (let v = yLo, i = 0; v <= yHi + yStep / 2 && i < 20; v += yStep, i++) {
    const yy = num(y(v));
    out.push(`<line x1="${PAD.left}" y1="${yy}" x2="${PAD.left + plotW}" y2="${yy}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle" fill="#555">${escapeXml(opts.formatY(v))}</text>`);
  }
  const xTicks = 5;
  for (let i = 0; i <= xTicks; i++) {
    const t = tMin + ((tMax - tMin) * i) / xTicks;
    const xx = num(x(t));
    out.push(`<line x1="${xx}" y1="${PAD.top + plotH}" x2="${xx}" y2="${PAD.top + plotH + 4}" stroke="#999"/>`);
    out.push(`<text x="${xx}" y="${PAD.top + plotH + 16}" text-anchor="middle" fill="#555">${escapeXml(opts.formatX(t))}</text>`);
  }
  out.push(`<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`);

  for (const g of opts.gaps ?? []) {
    const a = Math.max(tMin, g.startMs);
    const b = Math.min(tMax, g.endMs);
    if (b <= a) continue;
    out.push(`<rect x="${num(x(a))}" y="${PAD.top}" width="${num(x(b) - x(a))}" height="${plotH}" fill="#f3e3c0" opacity="0.7"><title>no samples</title></rect>`);
  }

  for (const th of opts.thresholds ?? []) {
    const yy = num(y(th.value));
    out.push(`<line x1="${PAD.left}" y1="${yy}" x2="${PAD.left + plotW}" y2="${yy}" stroke="${escapeXml(th.color)}" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${PAD.left + plotW - 4}" y="${num(y(th.value) - 4)}" text-anchor="end" fill="${escapeXml(th.color)}">${escapeXml(th.label)}</text>`);
  }

  const maxStep = opts.maxStepMs ?? Infinity;
  for (const l of lines) {
    const dash = l.dashed ? ' stroke-dasharray="5 4"' : '';
    let pts: string[] = [];
    let prevT = -Infinity;
    const flush = () => {
      // A lone point between gaps still shows, as a short tick.
      if (pts.length === 1) pts.push(pts[0].replace(/^([\d.-]+)/, (m) => num(Number(m) + 1)));
      if (pts.length > 1) out.push(`<polyline fill="none" stroke="${escapeXml(l.color)}" stroke-width="1.5"${dash} points="${pts.join(' ')}"/>`);
      pts = [];
    };
    for (let i = 0; i < l.t.length; i++) {
      if (!Number.isFinite(l.t[i]) || !Number.isFinite(l.v[i])) continue;
      if (!l.continuous && l.t[i] - prevT > maxStep) flush();
      prevT = l.t[i];
      pts.push(`${num(x(l.t[i]))},${num(y(l.v[i]))}`);
    }
    flush();
  }

  // Legend.
  let lx = PAD.left;
  const ly = height - 8;
  for (const l of lines) {
    out.push(`<line x1="${lx}" y1="${ly - 4}" x2="${lx + 16}" y2="${ly - 4}" stroke="${escapeXml(l.color)}" stroke-width="2"${l.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    out.push(`<text x="${lx + 20}" y="${ly}" fill="#333">${escapeXml(l.name)}</text>`);
    lx += 28 + l.name.length * 6.2;
  }
  out.push('</svg>');
  return out.join('');
}
