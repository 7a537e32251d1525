/**
 * Turns TrayState into what the tray needs to show (icon spec, tooltip, menu)
 * and decides what actually changed since the last update, so the Electron glue
 * touches the native tray only when something visible differs: re-setting an
 * image or a menu every 2 s costs CPU, flickers on some panels, and on Linux
 * closes a menu the user has open.
 */

import { buildTrayMenu, type TrayMenuItem } from './menu.ts';
import { leakActive, memoryPercent, trayLevel, type TrayLevel, type TrayState } from './state.ts';
import { buildTrayTooltip, WINDOWS_TOOLTIP_MAX, withMachineLines } from './tooltip.ts';
import { trayIconKey } from './icon.ts';

export interface TrayView {
  icon: { percent: number; level: TrayLevel; leak: boolean; template: boolean };
  iconKey: string;
  tooltip: string;
  menu: TrayMenuItem[];
  /** Equal keys mean equal menus. */
  menuKey: string;
}

/** Everything the tray shows for `state` on `platform`. */
export function computeTrayView(state: TrayState, platform: NodeJS.Platform): TrayView {
  const level = trayLevel(state);
  const icon = {
    percent: state.snapshot ? memoryPercent(state.snapshot) : 0,
    level,
    leak: leakActive(state),
    // A template image cannot be coloured: macOS gets one only while all is calm.
    template: platform === 'darwin' && level === 'normal',
  };
  const menu = buildTrayMenu(state);
  const tooltipMax = platform === 'win32' ? WINDOWS_TOOLTIP_MAX : 1000;
  return {
    icon,
    iconKey: trayIconKey(icon),
    tooltip: withMachineLines(buildTrayTooltip(state.snapshot, tooltipMax), state.machines ?? [], tooltipMax),
    menu,
    menuKey: JSON.stringify(menu),
  };
}

export interface TrayChanges {
  icon: boolean;
  tooltip: boolean;
  menu: boolean;
}

/**
 * Remembers what was last shown. Menus whose only change is a status figure
 * (memory moving by 0.1 GB) are refreshed at most every `menuMinIntervalMs`;
 * a change in alerts, fixes or controls shows at once.
 */
export class TrayRedrawGate {
  private iconKey: string | null = null;
  private tooltip: string | null = null;
  private menuKey: string | null = null;
  private structureKey: string | null = null;
  private menuAt = -Infinity;

  constructor(private readonly menuMinIntervalMs = 10_000) {}

  /** Which parts to push to the native tray now; records them as shown. */
  update(view: TrayView, now: number): TrayChanges {
    const icon = view.iconKey !== this.iconKey;
    const tooltip = view.tooltip !== this.tooltip;
    const structure = structureKey(view.menu);
    let menu = false;
    if (structure !== this.structureKey) menu = true;
    else if (view.menuKey !== this.menuKey && now - this.menuAt >= this.menuMinIntervalMs) menu = true;
    if (icon) this.iconKey = view.iconKey;
    if (tooltip) this.tooltip = view.tooltip;
    if (menu) {
      this.menuKey = view.menuKey;
      this.structureKey = structure;
      this.menuAt = now;
    }
    return { icon, tooltip, menu };
  }
}

/**
 * What can be clicked and what it does, without the wording: alert titles and
 * fix sizes carry live figures (a percentage, an ETA) that change every few
 * ticks, and those refresh on the slower interval with the status lines.
 */
function structureKey(menu: readonly TrayMenuItem[]): string {
  return JSON.stringify(
    menu.map((i) => {
      switch (i.type) {
        case 'status':
        case 'separator':
          return i.type;
        case 'item':
          return [i.enabled, i.action];
        case 'checkbox':
          return [i.enabled, i.checked, i.action];
        case 'submenu':
          return ['submenu', structureKey(i.items)];
      }
    }),
  );
}
