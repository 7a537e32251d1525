/**
 * A time-series chart on chart.js: a linear x axis of epoch ms with local-time
 * ticks, data as {x, y} points appended in place (`update('none')`, so a live
 * chart never redraws from scratch or animates), horizontal limit lines,
 * trend lines with labels, and the zoom selection overlay.
 *
 * Only the chart.js parts used here are registered, which keeps the bundle lean.
 */

import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
  type Plugin,
} from 'chart.js';
import { withAlpha } from './colors.ts';
import type { Point } from './point.ts';
import { formatTick, formatTooltipTime, localTicks, tickStep } from './time-axis.ts';
import type { TrendLine } from './trend-line.ts';
import type { TimeWindow } from './time-window.ts';
import { byteTicks, byteTicksTo, yAxisTop } from './y-axis.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, Filler, Tooltip, Legend);
// The page's font (already resolved for the HTML), not chart.js's default list: each family in
// that list that is not installed ('Helvetica Neue', Helvetica, Arial) is a font lookup on first draw.
Chart.defaults.font.family = 'system-ui, sans-serif';

export type { Point } from './point.ts';

export interface SeriesSpec {
  label: string;
  /** A CSS custom property holding the colour, e.g. "--c-mem". */
  color: string;
  fill?: boolean;
  /** 'y2' puts the series on a right-hand axis with its own format. */
  axis?: 'y' | 'y2';
}

export interface TimeChartOptions {
  series: SeriesSpec[];
  window: TimeWindow;
  yFormat: (v: number) => string;
  y2Format?: (v: number) => string;
  stacked?: boolean;
  /** 'bytes': y ticks on round binary sizes (2 GB, 4 GB, 8 GB…) instead of decimal fractions of them. */
  yTicks?: 'bytes';
  /** Fixed upper bound hint for y (e.g. total RAM), kept in view even when the data is lower. */
  yMaxHint?: () => number | null;
  /** The y axis ends exactly at the hint (RAM, a limit) while everything drawn fits under it, not at the next round number. */
  yEndsAtHint?: boolean;
  /** Axis titles naming the units ("% of time stalled", "pages/s"). */
  yTitle?: string;
  y2Title?: string;
  /** Called once, after the first render that had data (for the first-paint mark). */
  onFirstDataPaint?: () => void;
}

export interface HLine {
  y: number;
  label: string;
}

/** The theme's colours, read from the page's CSS custom properties in one style computation. */
interface Theme {
  text: string;
  grid: string;
  limit: string;
  trend: string;
  accent: string;
  /** Background behind overlay labels, so lines never run through their text. */
  card: string;
  /** Colour of each series, in order. */
  series: string[];
}

function readTheme(series: readonly SeriesSpec[]): Theme {
  const style = getComputedStyle(document.documentElement);
  const get = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: get('--fg-muted', '#666666'),
    grid: get('--grid', '#dddddd'),
    limit: get('--c-limit', '#cc3333'),
    trend: get('--c-trend', '#d35400'),
    accent: get('--accent', '#3366cc'),
    card: get('--card', '#ffffff'),
    series: series.map((s) => get(s.color, '#888888')),
  };
}

/** Drawn on top of the datasets: limit lines, trend lines and their labels, the zoom selection. */
const overlayPlugin: Plugin<'line'> = {
  id: 'headroomOverlay',
  afterDatasetsDraw(chart) {
    const owner = (chart as unknown as { $timeChart?: TimeChart }).$timeChart;
    owner?.drawOverlay();
  },
};

/** The highest value in `data` (stacked layers summed at each x). */
function dataMax(data: readonly (readonly Point[])[], stacked: boolean): number {
  if (stacked) {
    const sums = new Map<number, number>();
    for (const d of data) for (const p of d) sums.set(p.x, (sums.get(p.x) ?? 0) + p.y);
    return Math.max(0, ...sums.values());
  }
  let max = 0;
  for (const d of data) for (const p of d) if (p.y > max) max = p.y;
  return max;
}

export class TimeChart {
  readonly chart: Chart<'line', Point[]>;
  private readonly opts: TimeChartOptions;
  private hlines: HLine[] = [];
  private trends: TrendLine[] = [];
  private painted = false;
  /** The exact top of the y axis while it ends at the hint (yEndsAtHint), else undefined. */
  private fixedTop: number | undefined;
  private step = 60000;
  private theme: Theme;
  /** The drag selection of the zoom interaction, in pixels, or null. */
  selection: { x0: number; x1: number } | null = null;

  /**
   * Creates and draws the chart. Pass what is known already (`initial`): chart.js lays out and draws
   * once on creation, and every later update is another full layout and draw.
   */
  constructor(canvas: HTMLCanvasElement, opts: TimeChartOptions, initial: { data?: Point[][]; hlines?: HLine[]; trends?: TrendLine[] } = {}) {
    this.opts = opts;
    this.hlines = initial.hlines ?? [];
    this.trends = initial.trends ?? [];
    // Colours go into the options before the chart exists: setting them afterwards would cost a second full draw.
    const theme = (this.theme = readTheme(opts.series));
    const fillAlpha = opts.stacked ? 0.55 : 0.18;
    const datasets: ChartDataset<'line', Point[]>[] = opts.series.map((s, i) => ({
      label: s.label,
      data: initial.data?.[i] ?? [],
      borderColor: theme.series[i],
      backgroundColor: s.fill ? withAlpha(theme.series[i], fillAlpha) : theme.series[i],
      yAxisID: s.axis ?? 'y',
      fill: s.fill ? (opts.stacked && i > 0 ? '-1' : 'origin') : false,
      borderWidth: 1.5,
      pointRadius: 0,
      pointHitRadius: 4,
      tension: 0,
    }));
    const hasY2 = opts.series.some((s) => s.axis === 'y2');
    this.fixedTop = this.topAtHint(initial.data ?? []);
    this.chart = new Chart<'line', Point[]>(canvas, {
      type: 'line',
      data: { datasets },
      plugins: [overlayPlugin],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        spanGaps: false,
        // Stacked layers share their x values, so one tooltip can list every layer at that time.
        interaction: { mode: opts.stacked ? 'index' : 'nearest', axis: 'x', intersect: false },
        scales: {
          x: {
            type: 'linear',
            min: opts.window.min,
            max: opts.window.max,
            afterBuildTicks: (axis) => {
              const maxTicks = Math.max(2, Math.floor(axis.width / 90));
              this.step = tickStep(axis.min, axis.max, maxTicks);
              axis.ticks = localTicks(axis.min, axis.max, maxTicks).map((value) => ({ value }));
            },
            ticks: { callback: (v) => formatTick(Number(v), this.step), maxRotation: 0, autoSkip: false, color: theme.text },
            grid: { color: theme.grid },
          },
          y: {
            type: 'linear',
            beginAtZero: true,
            suggestedMax: this.yTop(),
            max: this.fixedTop,
            stacked: opts.stacked ?? false,
            ...(opts.yTicks === 'bytes'
              ? {
                  afterBuildTicks: (axis) => {
                    if (this.fixedTop !== undefined) {
                      axis.ticks = byteTicksTo(this.fixedTop).map((value) => ({ value }));
                      return;
                    }
                    const { max, ticks } = byteTicks(axis.max);
                    axis.max = max;
                    axis.ticks = ticks.map((value) => ({ value }));
                  },
                }
              : {}),
            ...(opts.yTitle ? { title: { display: true, text: opts.yTitle, color: theme.text } } : {}),
            ticks: { callback: (v) => opts.yFormat(Number(v)), maxTicksLimit: 6, color: theme.text },
            grid: { color: theme.grid },
          },
          ...(hasY2
            ? {
                y2: {
                  type: 'linear' as const,
                  position: 'right' as const,
                  beginAtZero: true,
                  grid: { drawOnChartArea: false, color: theme.grid },
                  ...(opts.y2Title ? { title: { display: true, text: opts.y2Title, color: theme.text } } : {}),
                  ticks: { callback: (v: string | number) => (opts.y2Format ?? opts.yFormat)(Number(v)), maxTicksLimit: 6, color: theme.text },
                },
              }
            : {}),
        },
        plugins: {
          // Unused slots (an empty label) stay out of the legend.
          legend: { position: 'top', align: 'end', labels: { boxWidth: 12, boxHeight: 12, color: theme.text, filter: (item) => item.text !== '' } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? formatTooltipTime(items[0].parsed.x ?? 0) : ''),
              label: (item) => {
                const spec = opts.series[item.datasetIndex];
                const fmt = spec?.axis === 'y2' ? (opts.y2Format ?? opts.yFormat) : opts.yFormat;
                const raw = item.raw as Point;
                return `${item.dataset.label ?? ''}: ${fmt(raw.y)}`;
              },
            },
          },
        },
      },
    });
    (this.chart as unknown as { $timeChart?: TimeChart }).$timeChart = this;
    this.afterDraw();
  }

  /** Replaces one series' points (after a history query). */
  setData(index: number, points: Point[]): void {
    this.chart.data.datasets[index].data = points;
  }

  /** Renames one series (the applications chart reuses its slots as the top groups change). */
  setLabel(index: number, label: string): void {
    this.chart.data.datasets[index].label = label;
  }

  /** Appends one live point if it is newer than the last by at least `minGapMs`, and drops points long out of view. */
  append(index: number, x: number, y: number, minGapMs = 0): void {
    const data = this.chart.data.datasets[index].data;
    const last = data[data.length - 1];
    if (last && x < last.x + minGapMs) return;
    data.push({ x, y });
    // Trim only well behind the window, so a small zoom-out still has data; one shift per append keeps it O(1).
    const keepFrom = this.opts.window.min - (this.opts.window.max - this.opts.window.min);
    if (this.opts.window.live && data.length > 2 && data[0].x < keepFrom) data.shift();
  }

  setHLines(lines: HLine[]): void {
    this.hlines = lines;
  }

  setTrends(lines: TrendLine[]): void {
    this.trends = lines;
  }

  /** Redraws with the current window and data, without animation. */
  render(): void {
    const x = this.chart.options.scales?.x;
    if (x) {
      x.min = this.opts.window.min;
      x.max = this.opts.window.max;
    }
    const y = this.chart.options.scales?.y;
    if (y) {
      const top = this.yTop();
      (y as { suggestedMax?: number }).suggestedMax = top;
      this.fixedTop = this.topAtHint(this.chart.data.datasets.map((d) => d.data));
      (y as { max?: number }).max = this.fixedTop;
    }
    this.chart.update('none');
    this.afterDraw();
  }

  /** The exact axis top while `data` fits under the hint (yEndsAtHint), else undefined. */
  private topAtHint(data: readonly (readonly Point[])[]): number | undefined {
    const top = this.yTop();
    return this.opts.yEndsAtHint && top !== undefined && dataMax(data, this.opts.stacked ?? false) <= top ? top : undefined;
  }

  /** The least top the y axis must reach: the hint (RAM), the limit lines, the trend lines' ends. */
  private yTop(): number | undefined {
    return yAxisTop(this.opts.yMaxHint?.(), this.hlines, this.trends);
  }

  private afterDraw(): void {
    // What is drawn, readable from outside the canvas (tests, and anyone inspecting the page).
    const canvas = this.chart.canvas;
    canvas.dataset.points = String(this.chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
    canvas.dataset.spanMs = String(Math.round(this.opts.window.max - this.opts.window.min));
    canvas.dataset.trends = String(this.trends.length);
    // The y axis as drawn (tests check it ends at RAM, or at a container's limit).
    const ys = this.chart.scales.y;
    if (ys) canvas.dataset.yMax = String(ys.max);
    if (!this.painted && this.chart.data.datasets.some((d) => d.data.length > 0)) {
      this.painted = true;
      this.opts.onFirstDataPaint?.();
    }
  }

  /** Re-reads the theme's colours (light/dark) into the chart. */
  applyTheme(): void {
    const theme = (this.theme = readTheme(this.opts.series));
    this.opts.series.forEach((s, i) => {
      const ds = this.chart.data.datasets[i];
      ds.borderColor = theme.series[i];
      ds.backgroundColor = s.fill ? withAlpha(theme.series[i], this.opts.stacked ? 0.55 : 0.18) : theme.series[i];
    });
    for (const sc of Object.values(this.chart.options.scales ?? {})) {
      const scale = sc as { ticks?: { color?: string }; grid?: { color?: string } };
      if (scale.ticks) scale.ticks.color = theme.text;
      if (scale.grid) scale.grid.color = theme.grid;
    }
    const legend = this.chart.options.plugins?.legend;
    if (legend?.labels) legend.labels.color = theme.text;
    this.chart.update('none');
  }

  /** Pixel ↔ time, for the zoom interaction. */
  timeAtPixel(px: number): number {
    return this.chart.scales.x.getValueForPixel(px) ?? this.opts.window.min;
  }

  get area(): { left: number; right: number; top: number; bottom: number } {
    return this.chart.chartArea;
  }

  /** Called by the overlay plugin inside chart.js's draw. */
  drawOverlay(): void {
    const { ctx, chartArea: area, scales } = this.chart;
    if (!area) return;
    const xs = scales.x;
    const ys = scales.y;
    ctx.save();
    ctx.beginPath();
    ctx.rect(area.left, area.top, area.right - area.left, area.bottom - area.top);
    ctx.clip();
    ctx.font = '11px system-ui, sans-serif';
    const limitColor = this.theme.limit;
    for (const l of this.hlines) {
      const y = ys.getPixelForValue(l.y);
      if (y < area.top || y > area.bottom) continue;
      ctx.strokeStyle = limitColor;
      ctx.fillStyle = limitColor;
      ctx.setLineDash([2, 3]);
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(area.left, y);
      ctx.lineTo(area.right, y);
      ctx.stroke();
      ctx.textAlign = 'left';
      ctx.fillText(l.label, area.left + 4, y - 4);
    }
    const trendColor = this.theme.trend;
    const labels: { text: string; x: number; y: number }[] = [];
    for (const t of this.trends) {
      ctx.strokeStyle = trendColor;
      ctx.fillStyle = trendColor;
      ctx.lineWidth = 2;
      for (let i = 1; i < t.points.length; i++) {
        const a = t.points[i - 1];
        const b = t.points[i];
        // Solid over the fitted segment, dashed where it is a projection into the future.
        ctx.setLineDash(i === 1 ? [] : [6, 4]);
        ctx.beginPath();
        ctx.moveTo(xs.getPixelForValue(a.x), ys.getPixelForValue(a.y));
        ctx.lineTo(xs.getPixelForValue(b.x), ys.getPixelForValue(b.y));
        ctx.stroke();
      }
      const end = t.points[t.points.length - 1];
      const ex = Math.min(xs.getPixelForValue(end.x), area.right - 2);
      if (t.label) labels.push({ text: t.label, x: ex, y: Math.max(area.top + 12, Math.min(area.bottom - 6, ys.getPixelForValue(end.y) - 8)) });
      ctx.setLineDash([]);
      if (t.reachesLimit) {
        ctx.beginPath();
        ctx.arc(xs.getPixelForValue(end.x), ys.getPixelForValue(end.y), 3, 0, Math.PI * 2);
        ctx.fill();
      }
    }
    // Labels of lines that end close together are pushed apart, lowest first, so none hides another,
    // each on a backing of the card's colour so that no line runs through its text.
    labels.sort((a, b) => b.y - a.y);
    for (let i = 1; i < labels.length; i++) labels[i].y = Math.min(labels[i].y, labels[i - 1].y - 15);
    ctx.textAlign = 'right';
    ctx.textBaseline = 'alphabetic';
    for (const l of labels) {
      const y = Math.max(area.top + 11, l.y);
      const w = ctx.measureText(l.text).width;
      ctx.fillStyle = withAlpha(this.theme.card, 0.85);
      ctx.fillRect(l.x - w - 3, y - 10, w + 6, 14);
      ctx.fillStyle = trendColor;
      ctx.fillText(l.text, l.x, y);
    }
    if (this.selection) {
      const x0 = Math.max(area.left, Math.min(this.selection.x0, this.selection.x1));
      const x1 = Math.min(area.right, Math.max(this.selection.x0, this.selection.x1));
      ctx.fillStyle = withAlpha(this.theme.accent, 0.15);
      ctx.fillRect(x0, area.top, x1 - x0, area.bottom - area.top);
    }
    ctx.restore();
  }

  destroy(): void {
    this.chart.destroy();
  }
}
