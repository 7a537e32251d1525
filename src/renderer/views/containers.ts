/**
 * Containers: usage against limit, restarts, health, containers with no limit,
 * and the disk Docker could give back. A Docker that is absent or stopped is a
 * state shown here, not an error.
 */

import { formatBytes, formatPercent } from '../../shared/format.ts';
import type { ContainerStats, DockerState } from '../../shared/model.ts';
import { formatWhen, h } from '../dom.ts';
import { SortableTable } from './table.ts';
import type { View, ViewContext } from './view.ts';

const MB = 1024 * 1024;

const STATUS_TEXT: Record<DockerState['status'], string> = {
  ok: 'Docker is running.',
  'not-installed': 'Docker is not installed on this machine.',
  'not-running': 'Docker is not running. Start it to see your containers here.',
  error: 'Docker answered with an error.',
  disabled: 'Docker monitoring is off.',
};

/** Usage bar with the figure in MB and %; "no limit" when unbounded. */
function usageCell(c: ContainerStats): Node {
  if (c.memUsageBytes === null) return h('span', { class: 'muted' }, 'measuring…');
  const mb = `${(c.memUsageBytes / MB).toFixed(0)} MB`;
  if (c.memLimitBytes === null) {
    return h('span', null, `${mb} `, h('span', { class: 'badge warn', title: 'This container can use all of the host’s memory' }, 'no limit'));
  }
  const pct = c.memPercent ?? (c.memUsageBytes / c.memLimitBytes) * 100;
  const bar = h('span', { class: 'bar', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct), 'aria-label': `${c.name} memory` });
  const fill = h('span', { class: `bar-fill${pct >= 90 ? ' crit' : pct >= 75 ? ' warn' : ''}` });
  fill.style.width = `${Math.min(100, pct).toFixed(1)}%`;
  bar.append(fill);
  return h('span', { class: 'usage' }, bar, ` ${mb} / ${(c.memLimitBytes / MB).toFixed(0)} MB · ${formatPercent(pct)}`);
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
    const text = STATUS_TEXT[d.status];
    // The engine's message adds the reason ("connect ENOENT /var/run/docker.sock") unless it only repeats the state.
    const extra = d.message && d.status !== 'ok' && !text.toLowerCase().includes(d.message.toLowerCase()) ? ` (${d.message})` : '';
    state.textContent = `${text}${extra}`;
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
