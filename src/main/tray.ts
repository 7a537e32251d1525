/**
 * The tray: the live icon, the tooltip and the glance menu. Everything it shows
 * comes from the pure engine/tray functions (computeTrayView → buildTrayMenu,
 * renderTrayIcon, buildTrayTooltip); this file only turns that model into an
 * Electron Tray and Menu, pushes updates when something visible changed, and
 * carries out the menu's actions.
 */

import { Menu, Tray, app, dialog, nativeImage, shell, type MenuItemConstructorOptions, type NativeImage } from 'electron';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Headroom } from './engine/create.ts';
import type { Lifecycle } from './lifecycle.ts';
import type { SettingsControls } from './settings.ts';
import type { Notifier } from './engine/notify/notifier.ts';
import { fixResultNotification } from './engine/notify/policy.ts';
import { fixConfirmation, type TrayAction, type TrayMenuItem } from './engine/tray/menu.ts';
import { iconRepresentations, renderTrayIcon } from './engine/tray/icon.ts';
import { computeTrayView, TrayRedrawGate, type TrayView } from './engine/tray/view.ts';
import type { TrayState } from './engine/tray/state.ts';
import type { RemoteMachines } from './engine/remote/manager.ts';
import { onMachine } from './engine/notify/remote.ts';
import { exportReportFor } from './engine/report/api.ts';
import { localTimeZone, reportFileName } from './engine/report/index.ts';

/** The period "Export report…" covers. */
const REPORT_PERIOD_MS = 24 * 3600_000;

export interface TrayDeps {
  headroom: Headroom;
  settings: SettingsControls;
  lifecycle: Lifecycle;
  /** Where fix results are announced ("Stopped 12 processes, 4.1 GB freed"). */
  notifier: Notifier;
  /** Opens the window, on an alert when one is given (a followed box's alert: on that box). */
  openWindow(alertId: string | null, machine?: string): void;
  /** The icon, menu and click behaviour differ per platform; a parameter so each can be exercised anywhere. */
  platform: NodeJS.Platform;
  /** Followed boxes: a menu section each; their fixes run on their own engines. */
  machines?: RemoteMachines;
}

export interface TrayHandle {
  /** Runs a fix by proposal id: at once, or after a native confirmation when it is destructive. */
  runFix(fixId: string): Promise<void>;
  /** Re-reads state and updates what changed (after a settings or autostart change). */
  refresh(): void;
  dispose(): void;
}

/** Creates the tray icon and keeps it in step with the engine. Call after app ready. */
export function setupTray(deps: TrayDeps): TrayHandle {
  const { headroom, platform } = deps;
  const gate = new TrayRedrawGate();
  let autostart = deps.lifecycle.getAutostart();
  let running = false;

  const first = computeTrayView(state(), platform);
  const tray = new Tray(iconImage(first, platform));
  tray.setToolTip(first.tooltip);
  if (platform === 'win32') tray.on('click', () => tray.popUpContextMenu());
  apply(first, true);

  function state(): TrayState {
    const e = headroom.engine;
    return {
      snapshot: e.latest(),
      alerts: e.alerts(),
      trends: e.trends(),
      fixes: e.fixes(),
      settings: headroom.settings.get(),
      autostart,
      now: Date.now(),
      reportAvailable: headroom.history !== null,
      notice: deps.settings.notice(),
      machines: deps.machines?.views() ?? [],
    };
  }

  function apply(view: TrayView, force = false): void {
    const changed = gate.update(view, Date.now());
    if (changed.icon && !force) tray.setImage(iconImage(view, platform));
    if (changed.tooltip && !force) tray.setToolTip(view.tooltip);
    if (changed.menu || force) tray.setContextMenu(Menu.buildFromTemplate(view.menu.map(toTemplate)));
  }

  function refresh(): void {
    try {
      apply(computeTrayView(state(), platform));
    } catch (err) {
      headroom.log(`tray: update failed: ${(err as Error).message}`);
    }
  }

  function toTemplate(item: TrayMenuItem): MenuItemConstructorOptions {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'status':
        return { label: item.label, enabled: false, toolTip: item.tooltip };
      case 'item':
        return { label: item.label, enabled: item.enabled, toolTip: item.tooltip, click: () => void act(item.action) };
      case 'checkbox':
        return { type: 'checkbox', label: item.label, checked: item.checked, enabled: item.enabled, toolTip: item.tooltip, click: () => void act(item.action) };
      case 'submenu':
        return { label: item.label, submenu: item.items.map(toTemplate) };
    }
  }

  async function act(action: TrayAction): Promise<void> {
    switch (action.kind) {
      case 'open-window':
        deps.openWindow(action.alertId, action.machine);
        return;
      case 'run-fix':
        await (action.machine === undefined ? runFix(action.fixId) : runMachineFix(action.machine, action.fixId));
        return;
      case 'export-report':
        await exportReport();
        return;
      case 'pause-alerts':
        deps.settings.pauseAlerts(action.forMs);
        break;
      case 'resume-alerts':
        deps.settings.resumeAlerts();
        break;
      case 'set-autostart':
        deps.lifecycle.setAutostart(action.enabled);
        autostart = deps.lifecycle.getAutostart();
        break;
      case 'quit':
        deps.lifecycle.quit();
        return;
    }
    refresh();
  }

  async function runFix(fixId: string): Promise<void> {
    if (running) return; // one fix at a time: a double click must not run it twice
    const fix = headroom.remedies.list().find((f) => f.id === fixId) ?? headroom.engine.fixes().find((f) => f.id === fixId);
    if (!fix) {
      void deps.notifier.notify({ tag: `fix:${fixId}`, title: 'That fix is out of date', body: 'The situation changed; the menu now shows the current fixes.', urgency: 'low', silent: true, alertId: null, action: null }).catch(() => {});
      refresh();
      return;
    }
    running = true;
    try {
      if (fix.destructive) {
        const c = fixConfirmation(fix);
        const { response } = await dialog.showMessageBox({ type: 'warning', title: c.title, message: c.message, detail: c.detail, buttons: [c.confirmLabel, 'Cancel'], defaultId: 1, cancelId: 1, noLink: true });
        if (response !== 0) return;
      }
      const result = await headroom.remedies.run(fixId);
      await deps.notifier.notify(fixResultNotification(result, fix.title)).catch((err: Error) => headroom.log(`tray: could not announce a fix result: ${err.message}`));
    } catch (err) {
      const message = (err as Error).message;
      headroom.log(`tray: fix ${fixId} failed: ${message}`);
      void deps.notifier.notify({ tag: `fix:${fixId}`, title: `Could not run: ${fix.title}`, body: message, urgency: 'normal', silent: false, alertId: null, action: null }).catch(() => {});
    } finally {
      running = false;
      refresh();
    }
  }

  /** A box's fix: confirmed like a local one (the dialog names the box), run by the box's engine through its re-check. */
  async function runMachineFix(machine: string, fixId: string): Promise<void> {
    const fix = deps.machines?.view(machine)?.fixes.find((f) => f.id === fixId);
    if (!fix || running) return;
    running = true;
    try {
      if (fix.destructive) {
        const c = fixConfirmation(fix, machine);
        const { response } = await dialog.showMessageBox({ type: 'warning', title: c.title, message: c.message, detail: c.detail, buttons: [c.confirmLabel, 'Cancel'], defaultId: 1, cancelId: 1, noLink: true });
        if (response !== 0) return;
      }
      const result = await (deps.machines as RemoteMachines).invoke(machine, 'fix:run', { id: fixId });
      await deps.notifier.notify(onMachine(fixResultNotification(result, fix.title), machine)).catch(() => {});
    } catch (err) {
      const message = (err as { message?: string }).message ?? String(err);
      headroom.log(`tray: fix ${fixId} on ${machine} failed: ${message}`);
      void deps.notifier.notify(onMachine({ tag: `fix:${fixId}`, title: `Could not run: ${fix.title}`, body: message, urgency: 'normal', silent: false, alertId: null, action: null }, machine)).catch(() => {});
    } finally {
      running = false;
      refresh();
    }
  }

  /** Asks where to save, then writes the last 24 hours as HTML (or Markdown, by the chosen extension). */
  async function exportReport(): Promise<void> {
    const now = Date.now();
    const { canceled, filePath } = await dialog.showSaveDialog({
      title: 'Export report',
      defaultPath: join(app.getPath('documents'), reportFileName(now, 'html', localTimeZone())),
      filters: [
        { name: 'Report (HTML)', extensions: ['html'] },
        { name: 'Report (Markdown)', extensions: ['md'] },
      ],
    });
    if (canceled || !filePath) return;
    try {
      const format = filePath.toLowerCase().endsWith('.md') ? 'md' : 'html';
      const { text } = exportReportFor(headroom, { sinceMs: now - REPORT_PERIOD_MS, format });
      await writeFile(filePath, text);
      shell.showItemInFolder(filePath);
    } catch (err) {
      const message = (err as Error).message;
      headroom.log(`tray: report export failed: ${message}`);
      void deps.notifier.notify({ tag: 'report', title: 'Could not export the report', body: message, urgency: 'normal', silent: false, alertId: null, action: null }).catch(() => {});
    }
  }

  const onUpdate = () => refresh();
  headroom.engine.on('snapshot', onUpdate);
  headroom.engine.on('alerts', onUpdate);
  headroom.engine.on('fixes', onUpdate);
  deps.machines?.on('change', onUpdate);

  return {
    runFix,
    refresh,
    dispose() {
      headroom.engine.off('snapshot', onUpdate);
      headroom.engine.off('alerts', onUpdate);
      headroom.engine.off('fixes', onUpdate);
      deps.machines?.off('change', onUpdate);
      tray.destroy();
    },
  };
}

/** The icon for a view, with a bitmap per display scale; a template image on macOS when calm. */
function iconImage(view: TrayView, platform: NodeJS.Platform): NativeImage {
  const image = nativeImage.createEmpty();
  for (const rep of iconRepresentations(platform)) {
    image.addRepresentation({ scaleFactor: rep.scaleFactor, buffer: renderTrayIcon({ ...view.icon, size: rep.size }) });
  }
  if (platform === 'darwin') image.setTemplateImage(view.icon.template);
  return image;
}
