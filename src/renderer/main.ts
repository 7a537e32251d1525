/**
 * The Headroom window's entry point: connects to main (preload bridge or
 * WebSocket, whichever exists), builds the views, and routes between them by
 * the URL hash (#/overview, #/alerts/<alert id>, …), so the tray and
 * notifications can open the window on a given alert.
 */

import { TimeWindow } from './charts/time-window.ts';
import { api, conn, machine } from './connection.ts';
import { byId, h } from './dom.ts';
import { DEFAULT_RANGE, RANGES } from './history.ts';
import { alertsLinkText, overheadText, statusText } from './labels.ts';
import { searchFor } from './machine.ts';
import { parseRoute, type ViewId } from './routes.ts';
import { SearchQuery } from './search.ts';
import { Store } from './state.ts';
import { createAlerts } from './views/alerts.ts';
import { createApplications } from './views/applications.ts';
import { createContainers } from './views/containers.ts';
import { openExportDialog } from './views/export-report.ts';
import { mountMachineSwitcher } from './views/machine-switcher.ts';
import { createOverview } from './views/overview.ts';
import { worstSeverity } from './views/overview-model.ts';
import { createSettings } from './views/settings.ts';
import type { View, ViewContext } from './views/view.ts';

/**
 * The views, by route (routes.ts). Each is built the first time it is shown, so start-up pays for the first one only.
 * `ranged`: its charts follow the time-range control; `searched`: it filters by the search box. Each control shows only where it applies.
 */
const ALL_VIEWS: { id: ViewId; title: string; create: (ctx: ViewContext) => View; ranged?: boolean; searched?: boolean }[] = [
  { id: 'overview', title: 'Overview', create: createOverview, ranged: true },
  { id: 'applications', title: 'Applications', create: createApplications, ranged: true, searched: true },
  { id: 'containers', title: 'Containers', create: createContainers, searched: true },
  { id: 'alerts', title: 'Alerts & fixes', create: createAlerts },
  { id: 'settings', title: 'Settings', create: createSettings },
];
// A followed box's settings are changed on the box (main refuses settings:set for it), so its page has no Settings view.
const VIEWS = machine === null ? ALL_VIEWS : ALL_VIEWS.filter((v) => v.id !== 'settings');

const store = new Store(api);
const win = new TimeWindow(DEFAULT_RANGE.ms);
// History boot.js already asked for (boot.ts): the overview takes it instead of asking again.
const search = new SearchQuery();
const ctx: ViewContext = { api, store, win, earlyHistory: window.headroomEarlyHistory ?? null, search };
delete window.headroomEarlyHistory;
const built = new Map<ViewId, View>();

const main = byId('main');
const nav = byId('nav');
const links = new Map<ViewId, HTMLAnchorElement>();
for (const v of VIEWS) {
  const a = h('a', { href: `#/${v.id}`, 'data-view': v.id }, v.title);
  links.set(v.id, a);
  nav.append(a);
}

function viewFor(id: ViewId): View {
  let view = built.get(id);
  if (!view) {
    view = (VIEWS.find((v) => v.id === id) ?? VIEWS[0]).create(ctx);
    view.el.hidden = true;
    main.append(view.el);
    built.set(id, view);
  }
  return view;
}

// ── Range picker: a radio group, so arrow keys move between ranges.
const ranges = byId('ranges');
for (const r of RANGES) {
  const id = `range-${r.id}`;
  const input = h('input', { type: 'radio', name: 'range', id, value: r.id, checked: r.ms === win.rangeMs });
  input.addEventListener('change', () => input.checked && win.setRange(r.ms));
  ranges.append(input, h('label', { for: id }, r.label));
}

// ── Search: applications, processes and containers filter as you type.
const searchBox = byId<HTMLInputElement>('search');
searchBox.addEventListener('input', () => search.set(searchBox.value));

// ── Export report… (the same report as the tray's).
const exportButton = byId<HTMLButtonElement>('export');
exportButton.addEventListener('click', () => void openExportDialog(api).then(() => exportButton.focus()));

// ── Machine: this one or a followed box (the rows come from this engine's own connection). Choosing reloads the
// page on the other machine, on the same view; an alert id of one machine means nothing on another.
const switcher = mountMachineSwitcher(byId<HTMLSelectElement>('machine'), byId('machine-state'), conn.api, machine, (next) => {
  const view = parseRoute(location.hash).view;
  location.assign(`${location.pathname}${searchFor(location.search, next)}#/${view === 'settings' && next !== null ? 'overview' : view}`);
});

// ── Alert count and worst severity on the nav link, so a firing alert is visible from every view.
store.subscribe((key) => {
  if (key !== 'alerts') return;
  const link = links.get('alerts');
  if (!link) return;
  const worst = worstSeverity(store.state.alerts);
  link.textContent = alertsLinkText(store.state.alerts);
  if (worst) link.append(' ', h('span', { class: `badge sev-${worst}` }, worst));
  if (worst) link.dataset.severity = worst;
  else delete link.dataset.severity;
});

// ── Overhead: Headroom's own cost, always in the corner.
const overhead = byId('overhead');
store.subscribe((key) => {
  const s = store.state.snapshot;
  if (key !== 'snapshot' || !s) return;
  overhead.textContent = overheadText(s);
  // After the store's other listeners (the views), so their live points are in before the window slides and they redraw.
  queueMicrotask(() => win.slide(s.t));
});

// ── Connection status (the web mode can lose its server; IPC cannot).
const status = byId('status');
let wasOpen = false;
conn.onStatus((st) => {
  status.dataset.state = st;
  status.textContent = statusText(st, conn.transport);
  if (st === 'open') {
    // After a reconnect, re-read everything: pushes were missed while away.
    if (wasOpen) {
      void store.refresh().then(() => win.setRange(win.rangeMs));
      switcher.refresh();
    }
    wasOpen = true;
  }
});

// ── Routing.
let current: View | null = null;
function route(): void {
  const { view: id, param } = parseRoute(location.hash);
  const entry = VIEWS.find((v) => v.id === id) ?? VIEWS[0];
  const view = viewFor(entry.id);
  if (current && current !== view) {
    current.hide();
    current.el.hidden = true;
  }
  view.el.hidden = false;
  current = view;
  for (const [id, a] of links) {
    if (id === entry.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${entry.title} · Headroom`;
  ranges.hidden = !entry.ranged;
  searchBox.hidden = !entry.searched;
  view.show(param);
}
window.addEventListener('hashchange', route);

// ── Light/dark follows the system; charts re-read their colours.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
  for (const v of built.values()) v.themeChanged?.();
});

// The view shows (and queries its history) at once; the current state arrives alongside.
route();
void store.refresh();
