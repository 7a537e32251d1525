/**
 * Containers: what users look for — state with exit code and OOM kill,
 * uptime, restarts, memory against the limit coloured by level *and* ETA, a
 * sparkline of the last hour — and, for one container, its last log lines
 * (read on demand, `container:logs`) and its fixes. A Docker that is absent
 * or stopped is a state shown here, not an error. The search box filters.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { ContainerStats, LeakTrend } from '../../shared/model.ts';
import { h } from '../dom.ts';
import { querySeries } from '../history.ts';
import { matchesQuery } from '../search.ts';
import { toApiError } from '../transport/errors.ts';
import { formatWhen } from '../when.ts';
import { dockerStateText, memoryFigures, memoryLevel, memoryText, stateText, uptimeText } from './container-figures.ts';
import { FixActions, targetKeys } from './fix-card.ts';
import { containerSeries } from './overview-model.ts';
import { sparkline } from './sparkline.ts';
import { SortableTable, truncated } from './table.ts';
import { trendFacts } from './trend-charts.ts';
import type { View, ViewContext } from './view.ts';

/** Sparklines cover the last hour, re-read at most this often. */
const SPARK_MS = 3600_000;
const SPARK_EVERY_MS = 30_000;
/** Log lines asked for. */
const LOG_LINES = 50;

interface Row {
  c: ContainerStats;
  trend: LeakTrend | null;
}

/** Usage bar with the figure in MB and %, coloured by level and ETA; "no limit" when unbounded. */
function usageCell({ c, trend }: Row): Node {
  const f = memoryFigures(c);
  if (!f) return h('span', { class: 'muted' }, c.state === 'running' ? 'measuring…' : '–');
  if (f.percent === null) {
    return h('span', null, `${f.used} `, h('span', { class: 'badge warn', title: 'This container can use all of the host’s memory' }, 'no limit'));
  }
  const level = memoryLevel(f, trend);
  const why = trend?.leaking ? ` · ${trendFacts(trend)}` : '';
  const bar = h('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(f.percent), 'aria-label': `${c.name} memory${why}`, title: `${memoryText(f)}${why}`, 'data-level': level });
  const fill = h('span', { class: `bar-fill${level === 'ok' ? '' : ` ${level}`}` });
  fill.style.width = `${Math.min(100, f.percent).toFixed(1)}%`;
  bar.append(fill);
  return h('span', { class: 'usage' }, bar, ` ${memoryText(f)}`);
}

export function createContainers(ctx: ViewContext): View {
  const { api, store } = ctx;
  const state = h('p', { class: 'docker-state', role: 'status' });
  const sparks = new Map<string, number[]>();
  let sparksAt = 0;
  const table = new SortableTable<Row>(
    'Containers',
    [
      {
        key: 'name',
        label: 'Container',
        value: (r) => r.c.name,
        cell: (r) => h('a', { href: `#/containers/${encodeURIComponent(r.c.name)}`, class: 'trunc', title: `${r.c.name} (${r.c.image})${r.c.composeProject ? ` · ${r.c.composeProject}` : ''}`, 'data-container': r.c.name }, r.c.name),
      },
      { key: 'state', label: 'State', value: (r) => r.c.state, cell: (r) => h('span', { class: r.c.oomKilled || (r.c.exitCode ?? 0) !== 0 ? 'badge crit' : null }, stateText(r.c)) },
      { key: 'up', label: 'Uptime', value: (r) => (r.c.startedAt && r.c.state === 'running' ? -Date.parse(r.c.startedAt) : null), cell: (r) => uptimeText(r.c, Date.now()) ?? '–', numeric: true, priority: 2 },
      {
        key: 'restarts',
        label: 'Restarts',
        value: (r) => r.c.restartCount,
        cell: (r) => h('span', { class: r.c.recentRestarts > 0 ? 'badge crit' : null }, `${r.c.restartCount}${r.c.recentRestarts > 0 ? ` (${r.c.recentRestarts} recent)` : ''}`),
        numeric: true,
        priority: 2,
      },
      { key: 'mem', label: 'Memory (usage / limit)', value: (r) => r.c.memUsageBytes, cell: usageCell, numeric: true },
      { key: 'spark', label: 'Last hour', value: (r) => r.trend?.slopePerHour ?? null, cell: (r) => sparkline(sparks.get(r.c.name) ?? [], `${r.c.name} memory, last hour`, r.c.memLimitBytes ?? undefined), priority: 3 },
      { key: 'cpu', label: 'CPU', value: (r) => r.c.cpuPercent, cell: (r) => (r.c.cpuPercent === null ? '–' : formatPercent(r.c.cpuPercent, 1)), numeric: true, priority: 3 },
      { key: 'health', label: 'Health', value: (r) => r.c.health, cell: (r) => (r.c.health ? h('span', { class: r.c.health === 'healthy' ? 'ok' : 'badge warn' }, r.c.health) : '–'), priority: 3 },
    ],
    { key: 'mem', descending: true },
    'No containers.',
  );
  table.el.id = 'containers-table';
  const actions = new FixActions(api, store, () => renderDetail());
  const detail = h('section', { class: 'card', id: 'container-detail', hidden: true, 'aria-labelledby': 'container-detail-title' });
  const logs = h('pre', { class: 'logs', tabindex: 0, 'aria-label': 'Last log lines' });
  const logNote = h('p', { class: 'muted', role: 'status' });
  const disk = h('dl', { class: 'disk' });
  const diskNote = h('p', { class: 'muted' });
  const el = h(
    'div',
    { class: 'view', id: 'view-containers' },
    h('section', { class: 'card' }, h('h2', null, 'Containers'), state, h('div', { class: 'table-wrap' }, table.el)),
    detail,
    h('section', { class: 'card' }, h('h2', null, 'Disk Docker could reclaim'), disk, diskNote),
  );
  let visible = false;
  let selected: string | null = null;
  let containersAt: number | null = null;
  /** The container whose log is shown: read once on opening, then on Refresh. */
  let logsFor: string | null = null;
  table.decorate = (r, tr) => {
    if (r.c.name === selected) tr.classList.add('selected');
  };

  const current = (): ContainerStats | null => store.state.snapshot?.containers.find((c) => c.name === selected) ?? null;

  const loadLogs = async () => {
    const c = current();
    if (!c) return;
    logsFor = c.id;
    logNote.textContent = 'Reading the log…';
    try {
      const r = await api.invoke('container:logs', { id: c.id, lines: LOG_LINES });
      logs.textContent = r.lines.length ? r.lines.join('\n') : '';
      logNote.textContent = r.lines.length ? `Last ${r.lines.length} lines${r.truncated ? ' (long lines cut)' : ''}, read ${formatWhen(Date.now())}.` : 'The log is empty.';
    } catch (e) {
      logs.textContent = '';
      logNote.textContent = `No log: ${toApiError(e).message}`;
    }
  };

  /** The selected container's facts, log and fixes. */
  const renderDetail = () => {
    const c = current();
    detail.hidden = selected === null;
    if (selected === null) return;
    if (!c) {
      detail.replaceChildren(h('h2', { id: 'container-detail-title' }, truncated(selected)), h('p', { class: 'muted' }, 'Not in the engine’s list (removed, or not measured yet).'));
      return;
    }
    const trend = store.state.trends.find((t) => t.series === containerSeries(c.name)) ?? null;
    const facts: [string, string][] = [
      ['State', stateText(c)],
      ['Exit code', c.exitCode === null || c.exitCode === undefined ? '–' : String(c.exitCode)],
      ['OOM-killed', c.oomKilled ? 'yes' : 'no'],
      ['Started', c.startedAt ? formatWhen(Date.parse(c.startedAt)) : '–'],
      ['Uptime', uptimeText(c, Date.now()) ?? '–'],
      ['Restarts', `${c.restartCount}${c.recentRestarts ? ` (${c.recentRestarts} recent)` : ''}`],
      ['Memory', c.memUsageBytes === null ? '–' : `${formatBytes(c.memUsageBytes)}${c.memLimitBytes ? ` of ${formatBytes(c.memLimitBytes)}` : ' (no limit)'}`],
      ['Trend', trend?.leaking ? trendFacts(trend) : 'steady'],
      ['Image', c.image],
    ];
    const mine = store.state.fixes.filter((f) => targetKeys(f).includes(`container:${c.id}`));
    const done = actions.results((o) => o.targetKeys.includes(`container:${c.id}`));
    detail.replaceChildren(
      h('div', { class: 'panel-head' }, h('h2', { id: 'container-detail-title' }, truncated(c.name)), h('a', { href: '#/containers', class: 'close' }, 'Close')),
      h('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [h('dt', null, k), h('dd', { 'data-fact': k }, truncated(v))])),
      h('div', { class: 'panel-head' }, h('h3', null, 'Last log lines'), h('button', { type: 'button', class: 'secondary', onclick: () => void loadLogs() }, 'Refresh')),
      logNote,
      logs,
      h('h3', null, 'Fixes'),
      done ?? '',
      ...(mine.length ? mine.map((f) => actions.card(f)) : [h('p', { class: 'muted' }, 'No fix on offer for this container.')]),
    );
    if (logsFor !== c.id) void loadLogs();
  };

  const loadSparks = async () => {
    const s = store.state.snapshot;
    if (!s || Date.now() - sparksAt < SPARK_EVERY_MS) return;
    sparksAt = Date.now();
    const win = { min: Date.now() - SPARK_MS, max: Date.now(), live: true };
    await Promise.all(
      s.containers.map(async (c) => {
        try {
          const r = await querySeries(api, containerSeries(c.name), win);
          // Sixty points are plenty for 80 pixels.
          const every = Math.max(1, Math.floor(r.v.length / 60));
          sparks.set(c.name, r.v.filter((_, i) => i % every === 0));
        } catch {
          sparks.delete(c.name);
        }
      }),
    );
    render();
  };

  const render = () => {
    const s = store.state.snapshot;
    if (!s) return;
    const d = s.docker;
    state.className = `docker-state ${d.status === 'ok' ? 'ok' : 'warn'}`;
    state.textContent = dockerStateText(d);
    const trends = new Map(store.state.trends.map((t) => [t.series, t]));
    const q = ctx.search.text;
    table.setRows(
      d.status === 'ok'
        ? s.containers.filter((c) => c.name === selected || matchesQuery(q, [c.name, c.image, c.composeProject, c.state])).map((c) => ({ c, trend: trends.get(containerSeries(c.name)) ?? null }))
        : [],
    );
    const w = d.disk;
    if (!w) {
      disk.replaceChildren();
      diskNote.textContent = d.status === 'ok' ? 'Not measured yet.' : 'Needs a running Docker.';
      return;
    }
    const rows: [string, { count: number; reclaimableBytes: number }, string?][] = [
      ['Dangling images', w.danglingImages],
      ['Anonymous volumes', w.anonymousVolumes],
      ['Unused named volumes', w.namedUnusedVolumes, w.namedUnusedVolumes.names.slice(0, 5).join(', ')],
      ['Build cache', w.buildCache],
      ['Stopped containers', w.stoppedContainers],
    ];
    disk.replaceChildren(
      ...rows.flatMap(([label, v, extra]) => [
        h('dt', null, label),
        h('dd', null, `${formatBytes(v.reclaimableBytes)} · ${v.count}`, extra ? h('span', { class: 'muted' }, ' (', truncated(extra), ')') : null),
      ]),
    );
    diskNote.textContent = `Measured ${formatWhen(w.measuredAt)}. Pruning is offered under Alerts & fixes.`;
  };

  store.subscribe((key) => {
    if (!visible) return;
    if (key === 'snapshot' || key === 'trends') {
      render();
      void loadSparks();
    }
    // The details follow a new container reading (every 15 s), not every system tick: a card rebuilt under the pointer loses its click.
    const at = store.state.snapshot?.sampledAt.containers ?? null;
    if (key === 'snapshot' && at !== containersAt) {
      containersAt = at;
      renderDetail();
    }
    if (key === 'fixes' || key === 'trends') renderDetail();
  });
  ctx.search.onChange(() => visible && render());

  return {
    el,
    show(param) {
      visible = true;
      const changed = param !== selected;
      selected = param;
      if (changed) {
        logs.textContent = '';
        logsFor = null;
      }
      render();
      renderDetail();
      void loadSparks();
    },
    hide() {
      visible = false;
    },
  };
}
