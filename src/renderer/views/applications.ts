/**
 * Applications: which ones grew. Stacked memory of the largest groups over the
 * chosen range, a sortable table of every group with its trend per hour, and
 * the drill-down from an application to its processes (processes-panel.ts).
 * The search box filters the table.
 */

import { formatBytes, formatPercent, formatRate } from '../../shared/format.ts';
import type { HistorySeries } from '../../shared/contract.ts';
import type { LeakTrend, ProcessGroup, Snapshot } from '../../shared/model.ts';
import { TimeChart, type Point } from '../charts/time-chart.ts';
import { attachZoom } from '../charts/zoom.ts';
import { h } from '../dom.ts';
import { Latest, alignToGrid, querySeries } from '../history.ts';
import { matchesQuery } from '../search.ts';
import { ProcessesPanel } from './processes-panel.ts';
import { SortableTable } from './table.ts';
import type { View, ViewContext } from './view.ts';

/** Layers in the stacked chart; the rest of the groups are in the table. */
const TOP = 6;

/** How often the set of stacked groups may change while live. */
const RESELECT_MS = 60000;

interface Row {
  group: ProcessGroup;
  trend: LeakTrend | null;
}

const groupSeries = (name: string) => `process.group.${name}.rss`;

export function createApplications(ctx: ViewContext): View {
  const { api, store, win } = ctx;
  const canvas = h('canvas', { role: 'img', 'aria-label': 'Memory of the largest applications over time, stacked' });
  const table = new SortableTable<Row>(
    'Applications',
    [
      {
        key: 'name',
        label: 'Application',
        value: (r) => r.group.name,
        // A link to its processes; the name is cut with an ellipsis, whole on hover and focus.
        cell: (r) => h('a', { href: `#/applications/${encodeURIComponent(r.group.name)}`, class: 'trunc', title: r.group.name, 'data-group': r.group.name }, r.group.name),
      },
      { key: 'kind', label: 'Kind', value: (r) => r.group.kind, priority: 3 },
      { key: 'count', label: 'Instances', value: (r) => r.group.count, numeric: true },
      { key: 'rss', label: 'Memory (RSS)', value: (r) => r.group.rssBytes, cell: (r) => formatBytes(r.group.rssBytes), numeric: true },
      { key: 'cpu', label: 'CPU', value: (r) => r.group.cpuPercent, cell: (r) => formatPercent(r.group.cpuPercent, 1), numeric: true, priority: 2 },
      { key: 'threads', label: 'Threads', value: (r) => r.group.threads, numeric: true, priority: 3 },
      { key: 'fds', label: 'Open files', value: (r) => r.group.fds, numeric: true, priority: 3 },
      {
        key: 'trend',
        label: 'Trend / h',
        value: (r) => r.trend?.slopePerHour ?? null,
        cell: (r) =>
          r.trend ? h('span', { class: r.trend.leaking ? 'leaking' : null, title: r.trend.leaking ? 'leak trend' : 'no significant trend' }, formatRate(r.trend.slopePerHour)) : '–',
        numeric: true,
        priority: 2,
      },
    ],
    { key: 'rss', descending: true },
    'No applications yet.',
  );
  table.el.id = 'apps-table';
  const panel = new ProcessesPanel(api, store, ctx.search);
  table.decorate = (r, tr) => {
    if (r.group.name === panel.group) tr.classList.add('selected');
  };
  const el = h(
    'div',
    { class: 'view', id: 'view-applications' },
    panel.el,
    h('section', { class: 'card' }, h('h2', null, 'All applications'), h('div', { class: 'table-wrap' }, table.el)),
    h('section', { class: 'card chart-card' }, h('h2', null, 'Memory by application'), h('div', { class: 'chart-box' }, canvas)),
  );

  let chart: TimeChart | null = null;
  let visible = false;
  let stacked: string[] = [];
  let selectedAt = 0;
  let lastProcessesAt = 0;
  const latest = new Latest();

  const topNames = (s: Snapshot | null) => (s ? s.groups.slice(0, TOP).map((g) => g.name) : []);

  const ensureChart = () => {
    if (chart) return;
    chart = new TimeChart(canvas, {
      window: win,
      stacked: true,
      series: Array.from({ length: TOP }, (_, i) => ({ label: '', color: `--c-s${i + 1}`, fill: true })),
      yFormat: formatBytes,
      yTicks: 'bytes',
    });
    attachZoom(chart, win);
  };

  const loadHistory = async () => {
    if (!chart) return;
    const isLatest = latest.next();
    stacked = topNames(store.state.snapshot);
    selectedAt = Date.now();
    const results = await Promise.allSettled(stacked.map((n) => querySeries(api, groupSeries(n), win)));
    if (!isLatest() || !chart) return;
    const series = results.map((r) => (r.status === 'fulfilled' ? r.value : null)).filter((s): s is HistorySeries => s !== null);
    // The densest series sets the grid; the others are held onto it, so the layers stack at the same x.
    const grid = series.reduce<number[]>((best, s) => (s.t.length > best.length ? s.t : best), []);
    const hold = Math.max(15000, ((win.max - win.min) / Math.max(1, grid.length)) * 3);
    for (let i = 0; i < TOP; i++) {
      const name = stacked[i];
      const s = name === undefined ? undefined : series.find((x) => x.series === groupSeries(name));
      chart.setLabel(i, name ?? '');
      const values = s ? alignToGrid(grid, s, hold) : [];
      chart.setData(i, s ? grid.map((x, k): Point => ({ x, y: values[k] })) : name === undefined ? [] : grid.map((x): Point => ({ x, y: 0 })));
    }
    chart.render();
  };

  const updateTable = () => {
    const s = store.state.snapshot;
    if (!s) return;
    const trends = new Map(store.state.trends.map((t) => [t.series, t]));
    const q = ctx.search.text;
    table.setRows(s.groups.filter((g) => matchesQuery(q, [g.name, g.kind]) || g.name === panel.group).map((g) => ({ group: g, trend: trends.get(groupSeries(g.name)) ?? null })));
  };

  const onSnapshot = (s: Snapshot) => {
    // Groups are re-measured on the process interval only: append when they were.
    if (!chart || s.sampledAt.processes === lastProcessesAt) return;
    lastProcessesAt = s.sampledAt.processes;
    const due = stacked.length === 0 || Date.now() - selectedAt > RESELECT_MS;
    if (visible && win.live && due && topNames(s).join('\n') !== stacked.join('\n')) {
      void loadHistory();
      return;
    }
    const byName = new Map(s.groups.map((g) => [g.name, g.rssBytes]));
    const gap = win.rangeMs / 2000;
    for (let i = 0; i < stacked.length; i++) chart.append(i, s.sampledAt.processes, byName.get(stacked[i]) ?? 0, gap);
  };

  store.subscribe((key) => {
    const s = store.state.snapshot;
    if (key === 'snapshot' && s) onSnapshot(s);
    if (visible && (key === 'snapshot' || key === 'trends')) updateTable();
    if (visible && key === 'snapshot' && s) panel.sampled(s.sampledAt.processes);
    if (visible && key === 'fixes') panel.render();
  });
  ctx.search.onChange(() => {
    if (!visible) return;
    updateTable();
    panel.render();
  });
  win.onChange((change) => {
    if (!visible) return;
    // The new window is drawn at once with the points at hand; a new range or zoom then re-reads history for it.
    chart?.render();
    if (change !== 'slide') void loadHistory();
  });

  return {
    el,
    show(param) {
      visible = true;
      panel.open(param);
      ensureChart();
      updateTable();
      void loadHistory();
    },
    hide() {
      visible = false;
    },
    themeChanged() {
      chart?.applyTheme();
    },
  };
}
