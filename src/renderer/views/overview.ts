/**
 * Overview: how memory got here. Headline figures, then memory and swap, and
 * pressure, over the chosen range, with leak trends drawn forward to the limit.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { LeakTrend, Snapshot } from '../../shared/model.ts';
import { TimeChart, type Point } from '../charts/time-chart.ts';
import { isBytesSeries, trendLabel, trendLine, trendStartMs } from '../charts/trend-line.ts';
import { attachZoom } from '../charts/zoom.ts';
import { h } from '../dom.ts';
import { Latest, OVERVIEW_SERIES, earlyHistoryFits, querySeries, toPoints } from '../history.ts';
import { formatWhen } from '../when.ts';
import type { View, ViewContext } from './view.ts';

/** Trend lines drawn at most: more would hide the data they are about. */
const MAX_TREND_LINES = 4;

/** A labelled figure on a card; returns the element whose text is updated. */
function statCard(label: string): { card: HTMLElement; value: HTMLElement; sub: HTMLElement } {
  const value = h('div', { class: 'stat-value' }, '–');
  const sub = h('div', { class: 'stat-sub' });
  const card = h('div', { class: 'stat', role: 'group', 'aria-label': label }, h('div', { class: 'stat-label' }, label), value, sub);
  return { card, value, sub };
}

function chartCard(title: string, description: string): { card: HTMLElement; canvas: HTMLCanvasElement } {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${title}: ${description}` });
  const card = h('section', { class: 'card chart-card' }, h('h2', null, title), h('div', { class: 'chart-box' }, canvas));
  return { card, canvas };
}

export function createOverview(ctx: ViewContext): View {
  const { api, store, win } = ctx;
  const mem = statCard('Memory');
  const swap = statCard('Swap');
  const pressure = statCard('Pressure');
  const load = statCard('Load');
  const procs = statCard('Processes');
  const memCard = chartCard('Memory', 'used memory and swap over time, with leak trends projected to the limit');
  const psiCard = chartCard('Pressure', 'time stalled on memory (PSI) and pages swapped in per second');
  const trendList = h('ul', { class: 'trend-list', 'aria-live': 'polite' });
  const zoomState = h('div', { class: 'zoom-state', 'aria-live': 'polite' });
  const el = h(
    'div',
    { class: 'view', id: 'view-overview' },
    h('div', { class: 'stats' }, mem.card, swap.card, pressure.card, load.card, procs.card),
    zoomState,
    memCard.card,
    psiCard.card,
    h('section', { class: 'card' }, h('h2', null, 'Leak trends'), trendList),
  );

  let memChart: TimeChart | null = null;
  let psiChart: TimeChart | null = null;
  let visible = false;
  const latest = new Latest();
  /** What boot.js asked for already: used for the first draw if it still fits the window. */
  let early = ctx.earlyHistory;

  /** The memory chart's limit lines and trend lines for the current state. */
  const memOverlays = () => {
    const s = store.state.snapshot;
    if (!s) return { hlines: [], trends: [] };
    return {
      hlines: [{ y: s.memory.totalBytes, label: `RAM ${formatBytes(s.memory.totalBytes)}` }],
      trends: drawnTrends()
        .map((t) => trendLine(t, s.t, win.max))
        .filter((l) => l !== null),
    };
  };

  /**
   * Each chart is created with its first data, so chart.js lays it out and draws it once; the
   * pressure chart a task after the memory chart, so the memory chart reaches the screen first.
   */
  const createCharts = (mem: Point[][], psi: Point[][]) => {
    memChart = new TimeChart(
      memCard.canvas,
      {
        window: win,
        series: [
          { label: 'Used', color: '--c-mem', fill: true },
          { label: 'Swap used', color: '--c-swap', fill: true },
        ],
        yFormat: formatBytes,
        yTicks: 'bytes',
        yMaxHint: () => store.state.snapshot?.memory.totalBytes ?? null,
        // The bench and the e2e read this mark: time to the first chart drawn with real history.
        onFirstDataPaint: () => performance.mark('first-chart-paint'),
      },
      { data: mem, ...memOverlays() },
    );
    attachZoom(memChart, win);
    setTimeout(() => {
      psiChart = new TimeChart(
        psiCard.canvas,
        {
          window: win,
          series: [
            { label: 'PSI some (10 s avg)', color: '--c-psi', fill: true },
            { label: 'Swap-in pages/s', color: '--c-swapin', axis: 'y2' },
          ],
          yFormat: (v) => formatPercent(v, v < 10 ? 1 : 0),
          y2Format: (v) => (v < 10 ? v.toFixed(1) : v.toFixed(0)),
        },
        { data: psi },
      );
      attachZoom(psiChart, win);
    }, 0);
  };

  const loadHistory = async () => {
    const isLatest = latest.next();
    const asked = earlyHistoryFits(early, OVERVIEW_SERIES, win, Date.now()) ? early.results : Promise.allSettled(OVERVIEW_SERIES.map((n) => querySeries(api, n, win)));
    early = null;
    const results = await asked;
    if (!isLatest()) return;
    const [used, swapUsed, psi, swapin] = results.map((r) => (r.status === 'fulfilled' ? toPoints(r.value) : []));
    // Which range's history is on screen (tests wait for it; live appends do not change it).
    el.dataset.historyRange = String(win.rangeMs);
    if (!memChart) {
      // The bench reads this mark with 'first-chart-paint': waiting for history, then drawing it.
      performance.mark('first-history');
      createCharts([used, swapUsed], [psi, swapin]);
      return;
    }
    memChart.setData(0, used);
    memChart.setData(1, swapUsed);
    psiChart?.setData(0, psi);
    psiChart?.setData(1, swapin);
    render();
  };

  const updateStats = (s: Snapshot) => {
    const m = s.memory;
    mem.value.textContent = `${formatBytes(m.usedBytes)} / ${formatBytes(m.totalBytes)}`;
    mem.sub.textContent = `${formatPercent((m.usedBytes / m.totalBytes) * 100)} used · ${formatBytes(m.availableBytes)} available`;
    swap.value.textContent = m.swapTotalBytes > 0 ? `${formatBytes(m.swapUsedBytes)} / ${formatBytes(m.swapTotalBytes)}` : 'none';
    swap.sub.textContent = `${s.swapInPerSec.toFixed(0)} pages/s swapped in`;
    pressure.value.textContent = s.pressure ? formatPercent(s.pressure.someAvg10, 1) : 'n/a';
    pressure.sub.textContent = s.pressure ? `some avg60 ${formatPercent(s.pressure.someAvg60, 1)}` : 'PSI is not available here';
    load.value.textContent = s.load.map((l) => l.toFixed(2)).join(' ');
    load.sub.textContent = `${s.host.cores} cores · CPU ${formatPercent(s.cpuPercent)}`;
    procs.value.textContent = String(s.processCount);
    procs.sub.textContent = `${s.threadCount} threads · ${s.zombies.length} zombies · ${s.orphans.length} orphans`;
  };

  /** Trends worth drawing on the memory chart: leaking, in bytes, steepest first. */
  const drawnTrends = (): LeakTrend[] =>
    store.state.trends
      .filter((t) => t.leaking && isBytesSeries(t.series))
      .sort((a, b) => b.slopePerHour - a.slopePerHour)
      .slice(0, MAX_TREND_LINES);

  const updateTrends = () => {
    const leaking = store.state.trends.filter((t) => t.leaking).sort((a, b) => (a.etaSeconds ?? Infinity) - (b.etaSeconds ?? Infinity));
    trendList.replaceChildren(
      ...(leaking.length === 0
        ? [h('li', { class: 'muted' }, 'No leak trend: nothing is growing steadily.')]
        : leaking.map((t) => h('li', null, h('span', { class: 'trend-dot', 'aria-hidden': 'true' }), trendLabel(t), h('span', { class: 'muted' }, ` · since ${formatWhen(trendStartMs(t))}`)))),
    );
    // Room to the right of "now" for the projections, only while there is something to project.
    win.forwardMs = drawnTrends().length > 0 ? win.rangeMs / 4 : 0;
  };

  const updateZoomState = () => {
    if (win.live) {
      zoomState.replaceChildren(h('span', { class: 'muted' }, 'Live · drag to zoom, shift-drag to pan, double-click to reset'));
    } else {
      zoomState.replaceChildren(
        h('span', null, `Zoomed: ${formatWhen(win.min)} – ${formatWhen(win.max)} `),
        h('button', { type: 'button', class: 'link', onclick: () => win.resetZoom() }, 'Back to live'),
      );
    }
  };

  const render = () => {
    if (!visible || !memChart) return;
    const { hlines, trends } = memOverlays();
    memChart.setHLines(hlines);
    memChart.setTrends(trends);
    memChart.render();
    psiChart?.render();
  };

  store.subscribe((key) => {
    const s = store.state.snapshot;
    if (key === 'snapshot' && s) {
      updateStats(s);
      const gap = win.rangeMs / 2000;
      memChart?.append(0, s.t, s.memory.usedBytes, gap);
      memChart?.append(1, s.t, s.memory.swapUsedBytes, gap);
      if (s.pressure) psiChart?.append(0, s.t, s.pressure.someAvg10, gap);
      psiChart?.append(1, s.t, s.swapInPerSec, gap);
    }
    if (key === 'trends') updateTrends();
  });
  win.onChange((change) => {
    updateZoomState();
    if (!visible) return;
    // The new window is drawn at once with the points at hand; a new range or zoom then re-reads history for it.
    render();
    if (change !== 'slide') void loadHistory();
  });

  return {
    el,
    show() {
      visible = true;
      updateZoomState();
      updateTrends();
      if (store.state.snapshot) updateStats(store.state.snapshot);
      // Always re-read on show: while hidden, the window slid without appending history.
      void loadHistory();
      render();
    },
    hide() {
      visible = false;
    },
    themeChanged() {
      memChart?.applyTheme();
      psiChart?.applyTheme();
    },
  };
}
