/**
 * Leak trends, one small chart each: the series' own history on its own axis
 * (a container's limit, the machine's RAM for an application), the fitted line
 * and its projection to that limit, and above it the slope with its interval
 * and the time left. A projection on the host's memory axis would sit at 0 B
 * for a 200 MB container; on its own axis it reads at a glance.
 */

import { formatBytes, formatDuration, formatRate } from '../../shared/format.ts';
import type { HeadroomApi } from '../../shared/contract.ts';
import type { LeakTrend } from '../../shared/model.ts';
import { TimeChart } from '../charts/time-chart.ts';
import type { TimeWindow } from '../charts/time-window.ts';
import { isBytesSeries, seriesLabel, trendLine, trendStartMs } from '../charts/trend-line.ts';
import { h } from '../dom.ts';
import { querySeries, toPoints } from '../history.ts';
import { formatWhen } from '../when.ts';

/** Charts shown at most, soonest ETA first; the rest are named in a line below. */
const MAX_CHARTS = 6;

/** "+1.2 GB/h (0.9–1.5 GB/h) · full in ~6 min" — the slope, its interval, and the time left. */
export function trendFacts(t: LeakTrend): string {
  const bytes = isBytesSeries(t.series);
  const rate = (v: number) => (bytes ? formatRate(v) : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)}/h`);
  const interval = bytes ? `${formatBytes(t.slopeLowPerHour)}–${formatBytes(t.slopeHighPerHour)}/h` : `${t.slopeLowPerHour.toFixed(1)}–${t.slopeHighPerHour.toFixed(1)}/h`;
  const eta = t.growthStopped ? 'growth stopped' : t.etaSeconds !== null ? `full in ${formatDuration(t.etaSeconds)}` : 'no limit in sight';
  return `${rate(t.slopePerHour)} (${interval}) · ${eta}`;
}

/** True when the trend's projection reaches its limit before the chart's right edge (`endMs`). */
export function limitInView(t: LeakTrend, now: number, endMs: number): boolean {
  return t.limit !== null && t.etaSeconds !== null && now + t.etaSeconds * 1000 <= endMs;
}

interface Slot {
  card: HTMLElement;
  facts: HTMLElement;
  chart: TimeChart;
  trend: LeakTrend;
}

export class TrendCharts {
  readonly el: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly note: HTMLElement;
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly api: HeadroomApi,
    private readonly win: TimeWindow,
    private readonly now: () => number,
  ) {
    this.grid = h('div', { class: 'trend-grid' });
    this.note = h('p', { class: 'muted trend-note', 'aria-live': 'polite' });
    this.el = h('section', { class: 'card', id: 'leak-trends', 'aria-labelledby': 'leak-trends-title' }, h('h2', { id: 'leak-trends-title' }, 'Leak trends'), this.grid, this.note);
  }

  /** Shows `trends` (leaking ones, soonest ETA first): new charts are made, gone ones removed, the rest updated. */
  update(trends: readonly LeakTrend[]): void {
    const leaking = trends.filter((t) => t.leaking).sort((a, b) => (a.etaSeconds ?? Infinity) - (b.etaSeconds ?? Infinity));
    const shown = leaking.slice(0, MAX_CHARTS);
    const keep = new Set(shown.map((t) => t.series));
    for (const [series, slot] of this.slots) {
      if (keep.has(series)) continue;
      slot.chart.destroy();
      slot.card.remove();
      this.slots.delete(series);
    }
    for (const t of shown) {
      const slot = this.slots.get(t.series) ?? this.create(t);
      slot.trend = t;
      slot.facts.textContent = `${trendFacts(t)} · since ${formatWhen(trendStartMs(t))}`;
      this.grid.append(slot.card); // keeps the ETA order
    }
    const rest = leaking.slice(MAX_CHARTS);
    this.note.textContent =
      leaking.length === 0 ? 'No leak trend: nothing is growing steadily.' : rest.length > 0 ? `Also growing: ${rest.map((t) => seriesLabel(t.series)).join(', ')}.` : '';
    this.render();
  }

  /** Re-reads every chart's history for the current window. */
  async reload(): Promise<void> {
    await Promise.all(
      [...this.slots.values()].map(async (slot) => {
        try {
          const s = await querySeries(this.api, slot.trend.series, this.win);
          slot.chart.setData(0, toPoints(s));
        } catch {
          /* a series not recorded (yet): the fitted line alone is drawn */
        }
      }),
    );
    this.render();
  }

  render(): void {
    for (const slot of this.slots.values()) {
      const t = slot.trend;
      const line = trendLine(t, this.now(), this.win.max);
      slot.chart.setTrends(line ? [{ ...line, label: '' }] : []);
      // The limit is drawn, and the axis reaches it, only when the projection gets there inside the chart: a
      // limit far above (an application's share of RAM) would flatten the series to a line along the bottom.
      slot.chart.setHLines(limitInView(t, this.now(), this.win.max) ? [{ y: t.limit as number, label: `limit ${isBytesSeries(t.series) ? formatBytes(t.limit as number) : t.limit}` }] : []);
      slot.chart.render();
      slot.card.dataset.yMax = slot.chart.chart.canvas.dataset.yMax ?? '';
    }
  }

  applyTheme(): void {
    for (const slot of this.slots.values()) slot.chart.applyTheme();
  }

  private create(t: LeakTrend): Slot {
    const label = seriesLabel(t.series);
    const canvas = h('canvas', { role: 'img', 'aria-label': `${label}: its memory over time, the fitted trend and its projection to the limit` });
    const facts = h('p', { class: 'trend-facts' });
    const card = h('article', { class: 'trend-card', 'data-series': t.series }, h('h3', { class: 'trunc', title: label, tabindex: 0 }, label), facts, h('div', { class: 'chart-box small' }, canvas));
    const bytes = isBytesSeries(t.series);
    const chart = new TimeChart(canvas, {
      window: this.win,
      series: [{ label: '', color: '--c-mem', fill: true }],
      yFormat: bytes ? formatBytes : (v) => v.toFixed(0),
      yTicks: bytes ? 'bytes' : undefined,
      yMaxHint: () => {
        const tr = this.slots.get(t.series)?.trend;
        return tr && limitInView(tr, this.now(), this.win.max) ? tr.limit : null;
      },
      yEndsAtHint: true,
    });
    const slot: Slot = { card, facts, chart, trend: t };
    this.slots.set(t.series, slot);
    void querySeries(this.api, t.series, this.win).then(
      (s) => {
        chart.setData(0, toPoints(s));
        this.render();
      },
      () => {},
    );
    return slot;
  }
}
