/**
 * Overview: is the machine OK, and who is eating it? A status line, headline
 * figures, the top applications and containers with trend and ETA, and the
 * firing alerts with their fixes — all above the fold — then each leak trend
 * on its own small chart, and memory and pressure over the chosen range.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { Snapshot } from '../../shared/model.ts';
import { TimeChart, type Point } from '../charts/time-chart.ts';
import { attachZoom } from '../charts/zoom.ts';
import { h } from '../dom.ts';
import { Latest, OVERVIEW_SERIES, earlyHistoryFits, querySeries, toPoints } from '../history.ts';
import { formatWhen } from '../when.ts';
import { arrangeAlerts } from './alert-layout.ts';
import { loadLevel, statusLine, topConsumers } from './overview-model.ts';
import { truncated } from './table.ts';
import { TrendCharts } from './trend-charts.ts';
import type { View, ViewContext } from './view.ts';

/** Firing alerts listed on the Overview; the rest are a link away. */
const MAX_ALERTS = 5;

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
  const zoomState = h('div', { class: 'zoom-state', 'aria-live': 'polite' });
  const status = h('p', { class: 'status-line', id: 'status-line', role: 'status', 'aria-live': 'polite', 'data-level': 'ok' }, '…');
  const topBody = h('tbody');
  const topTable = h(
    'table',
    { class: 'data compact', id: 'top-consumers' },
    h('caption', { class: 'sr-only' }, 'Largest applications and containers'),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col', class: 'num' }, 'Memory'), h('th', { scope: 'col', class: 'num' }, 'Trend'), h('th', { scope: 'col', class: 'num' }, 'Full in'))),
    topBody,
  );
  const alertList = h('ul', { class: 'overview-alerts', id: 'overview-alerts' });
  const trendCharts = new TrendCharts(api, win, () => store.state.snapshot?.t ?? Date.now());
  const el = h(
    'div',
    { class: 'view', id: 'view-overview' },
    status,
    h('div', { class: 'stats' }, mem.card, swap.card, pressure.card, load.card, procs.card),
    h(
      'div',
      { class: 'overview-top' },
      h('section', { class: 'card', 'aria-labelledby': 'top-title' }, h('h2', { id: 'top-title' }, 'Top consumers'), h('div', { class: 'table-wrap' }, topTable)),
      h('section', { class: 'card', 'aria-labelledby': 'firing-title' }, h('h2', { id: 'firing-title' }, h('a', { href: '#/alerts' }, 'Firing alerts')), alertList),
    ),
    trendCharts.el,
    zoomState,
    memCard.card,
    psiCard.card,
  );

  let memChart: TimeChart | null = null;
  let psiChart: TimeChart | null = null;
  let visible = false;
  const latest = new Latest();
  /** What boot.js asked for already: used for the first draw if it still fits the window. */
  let early = ctx.earlyHistory;

  /** The memory chart's RAM line (leak projections have their own charts, on their own axes). */
  const memOverlays = () => {
    const s = store.state.snapshot;
    if (!s) return { hlines: [], trends: [] };
    return { hlines: [{ y: s.memory.totalBytes, label: `RAM ${formatBytes(s.memory.totalBytes)}` }], trends: [] };
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
        // The axis ends at the machine's RAM (23.5 GB), not at the next round size (32 GB).
        yEndsAtHint: true,
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
          yTitle: '% of time stalled',
          y2Title: 'pages/s',
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
    void trendCharts.reload();
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
    const busy = loadLevel(s.load[0], s.host.cores);
    load.card.dataset.level = busy.level;
    const verdict = busy.level === 'crit' ? ' · overloaded' : busy.level === 'warn' ? ' · busy' : '';
    load.sub.textContent = `${s.host.cores} cores · ${busy.perCore.toFixed(1)} per core${verdict} · CPU ${formatPercent(s.cpuPercent)}`;
    procs.value.textContent = String(s.processCount);
    procs.sub.textContent = `${s.threadCount} threads · ${s.zombies.length} zombies · ${s.orphans.length} orphans`;
  };

  const updateTrends = () => {
    trendCharts.update(store.state.trends);
    // Room to the right of "now" for the projections, only while there is something to project.
    win.forwardMs = store.state.trends.some((t) => t.leaking) ? win.rangeMs / 4 : 0;
  };

  /** The status line: "All clear", or the worst firing alert in a few words. */
  const updateStatus = () => {
    const line = statusLine(store.state.alerts, store.state.trends);
    status.dataset.level = line.level;
    status.textContent = line.text;
  };

  const updateTop = () => {
    const s = store.state.snapshot;
    if (!s) return;
    const rows = topConsumers(s, store.state.trends);
    topBody.replaceChildren(
      ...rows.map((r) =>
        h(
          'tr',
          { 'data-kind': r.kind },
          h('td', null, h('span', { class: 'kind' }, r.kind === 'application' ? 'app' : 'ctr'), ' ', h('a', { href: r.href }, truncated(r.name))),
          h('td', { class: 'num' }, formatBytes(r.bytes)),
          h('td', { class: `num${r.leaking ? ' leaking' : ''}` }, r.trend),
          h('td', { class: `num${r.etaSeconds !== null ? ' leaking' : ''}` }, r.eta),
        ),
      ),
    );
  };

  const updateAlerts = () => {
    const { cards } = arrangeAlerts(store.state.alerts, store.state.fixes);
    const fixTitle = new Map(store.state.fixes.map((f) => [f.id, f.title]));
    if (cards.length === 0) {
      alertList.replaceChildren(h('li', { class: 'calm' }, 'No alerts. Nothing needs fixing.'));
      return;
    }
    alertList.replaceChildren(
      ...cards.slice(0, MAX_ALERTS).map(({ alert: a }) => {
        const href = `#/alerts/${encodeURIComponent(a.id)}`;
        const fixes = a.fixIds.map((id) => fixTitle.get(id)).filter((t): t is string => t !== undefined);
        return h(
          'li',
          { class: `sev-${a.severity}`, 'data-alert-id': a.id },
          h('span', { class: `badge sev-${a.severity}` }, a.severity),
          ' ',
          h('a', { href, class: 'alert-link' }, truncated(a.title)),
          fixes.length ? h('div', { class: 'fix-hint' }, 'Fix: ', h('a', { href }, truncated(fixes[0])), fixes.length > 1 ? ` (+${fixes.length - 1} more)` : '') : null,
        );
      }),
      ...(cards.length > MAX_ALERTS ? [h('li', null, h('a', { href: '#/alerts' }, `${cards.length - MAX_ALERTS} more…`))] : []),
    );
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
    trendCharts.render();
  };

  store.subscribe((key) => {
    const s = store.state.snapshot;
    if (key === 'snapshot' && s) {
      updateStats(s);
      if (visible) updateTop();
      const gap = win.rangeMs / 2000;
      memChart?.append(0, s.t, s.memory.usedBytes, gap);
      memChart?.append(1, s.t, s.memory.swapUsedBytes, gap);
      if (s.pressure) psiChart?.append(0, s.t, s.pressure.someAvg10, gap);
      psiChart?.append(1, s.t, s.swapInPerSec, gap);
    }
    if (key === 'trends') {
      updateTrends();
      updateTop();
    }
    if (key === 'alerts' || key === 'trends') updateStatus();
    if (key === 'alerts' || key === 'fixes') updateAlerts();
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
      updateStatus();
      updateAlerts();
      updateTop();
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
      trendCharts.applyTheme();
    },
  };
}
