/**
 * Containers: usage against limit, restarts, health, containers with no limit,
 * and the disk Docker could give back. A Docker that is absent or stopped is a
 * state shown here, not an error.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { ContainerStats } from '../../shared/model.ts';
import { h } from '../dom.ts';
import { formatWhen } from '../when.ts';
import { dockerStateText, memoryFigures, memoryText } from './container-figures.ts';
import { SortableTable } from './table.ts';
import type { View, ViewContext } from './view.ts';

/** Usage bar with the figure in MB and %; "no limit" when unbounded. */
function usageCell(c: ContainerStats): Node {
  const f = memoryFigures(c);
  if (!f) return h('span', { class: 'muted' }, 'measuring…');
  if (f.percent === null) {
    return h('span', null, `${f.used} `, h('span', { class: 'badge warn', title: 'This container can use all of the host’s memory' }, 'no limit'));
  }
  const bar = h('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(f.percent), 'aria-label': `${c.name} memory` });
  const fill = h('span', { class: `bar-fill${f.level === 'ok' ? '' : ` ${f.level}`}` });
  fill.style.width = `${Math.min(100, f.percent).toFixed(1)}%`;
  bar.append(fill);
  return h('span', { class: 'usage' }, bar, ` ${memoryText(f)}`);
}

export function createContainers(ctx: ViewContext): View {
  const { store } = ctx;
  const state = h('p', { class: 'docker-state', role: 'status' });
  const table = new SortableTable<ContainerStats>(
    'Containers',
    [
      { key: 'name', label: 'Container', value: (c) => c.name, cell: (c) => h('span', { title: c.image }, c.name, c.composeProject ? h('span', { class: 'muted' }, ` (${c.composeProject})`) : null) },
      { key: 'state', label: 'State', value: (c) => c.state },
      { key: 'health', label: 'Health', value: (c) => c.health, cell: (c) => (c.health ? h('span', { class: c.health === 'healthy' ? 'ok' : 'badge warn' }, c.health) : '–') },
      { key: 'mem', label: 'Memory (usage / limit)', value: (c) => c.memUsageBytes, cell: usageCell, numeric: true },
      { key: 'cpu', label: 'CPU', value: (c) => c.cpuPercent, cell: (c) => (c.cpuPercent === null ? '–' : formatPercent(c.cpuPercent, 1)), numeric: true },
      {
        key: 'restarts',
        label: 'Restarts',
        value: (c) => c.restartCount,
        cell: (c) => h('span', { class: c.recentRestarts > 0 ? 'badge crit' : null }, `${c.restartCount}${c.recentRestarts > 0 ? ` (${c.recentRestarts} recent)` : ''}`),
        numeric: true,
      },
      { key: 'oom', label: 'OOM-killed', value: (c) => (c.oomKilled ? 'yes' : 'no'), cell: (c) => (c.oomKilled ? h('span', { class: 'badge crit' }, 'yes') : 'no') },
    ],
    { key: 'mem', descending: true },
    'No containers.',
  );
  const disk = h('dl', { class: 'disk' });
  const diskNote = h('p', { class: 'muted' });
  const el = h(
    'div',
    { class: 'view', id: 'view-containers' },
    h('section', { class: 'card' }, h('h2', null, 'Containers'), state, h('div', { class: 'table-wrap' }, table.el)),
    h('section', { class: 'card' }, h('h2', null, 'Disk Docker could reclaim'), disk, diskNote),
  );
  let visible = false;

  const render = () => {
    const s = store.state.snapshot;
    if (!s) return;
    const d = s.docker;
    state.className = `docker-state ${d.status === 'ok' ? 'ok' : 'warn'}`;
    state.textContent = dockerStateText(d);
    table.setRows(d.status === 'ok' ? s.containers : []);
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
        h('dd', null, `${formatBytes(v.reclaimableBytes)} · ${v.count}`, extra ? h('span', { class: 'muted' }, ` (${extra})`) : null),
      ]),
    );
    diskNote.textContent = `Measured ${formatWhen(w.measuredAt)}. Pruning is offered under Alerts & fixes.`;
  };

  store.subscribe((key) => {
    if (visible && key === 'snapshot') render();
  });

  return {
    el,
    show() {
      visible = true;
      render();
    },
    hide() {
      visible = false;
    },
  };
}
