/**
 * What the machine switcher shows, from the followed boxes' rows
 * (machines:list / machines:push) and the box the page is on. Pure, so it is
 * tested under Node; machine-switcher.ts puts it on the page.
 */

import type { MachineSummary } from '../../shared/contract.ts';
import { MACHINE_STATE_LABEL, machineLive } from '../../shared/machines.ts';

export interface SwitcherOption {
  /** The box's name; '' for this machine. */
  value: string;
  label: string;
  selected: boolean;
}

export interface SwitcherBanner {
  /** 'ok': the box is live; 'stale': its last data, or none; 'gone': no longer followed. */
  level: 'ok' | 'stale' | 'gone';
  text: string;
}

export interface SwitcherModel {
  /** No boxes followed and none selected: nothing to switch between. */
  hidden: boolean;
  options: SwitcherOption[];
  /** Only while a box is shown: which one, and whether its data is live. */
  banner: SwitcherBanner | null;
}

export const THIS_MACHINE = 'This machine';

function rowLabel(r: MachineSummary): string {
  const name = r.status.name;
  if (!machineLive(r.status)) return `${name} — ${MACHINE_STATE_LABEL[r.status.state]}`;
  const slow = r.status.state === 'slow' ? ` (${MACHINE_STATE_LABEL.slow})` : '';
  if (r.firing === 0) return `${name}${slow}`;
  return `${name} — ${r.firing} ${r.worst ?? ''} alert${r.firing === 1 ? '' : 's'}${slow}`.replace('  ', ' ');
}

/** `rows` null: not known yet (the page has just opened); nothing is claimed about the box until they are. */
export function switcherModel(rows: readonly MachineSummary[] | null, selected: string | null): SwitcherModel {
  if (rows === null) {
    const options: SwitcherOption[] = [{ value: '', label: THIS_MACHINE, selected: selected === null }];
    if (selected !== null) options.push({ value: selected, label: selected, selected: true });
    return { hidden: selected === null, options, banner: null };
  }
  const options: SwitcherOption[] = [{ value: '', label: THIS_MACHINE, selected: selected === null }];
  for (const r of rows) options.push({ value: r.status.name, label: rowLabel(r), selected: r.status.name === selected });
  const row = selected === null ? undefined : rows.find((r) => r.status.name === selected);
  if (selected !== null && !row) options.push({ value: selected, label: `${selected} — not followed`, selected: true });

  let banner: SwitcherBanner | null = null;
  if (selected !== null) {
    if (!row) banner = { level: 'gone', text: `${selected} is not in settings.machines: there is nothing to show for it. Switch to ${THIS_MACHINE} or a followed box.` };
    else if (machineLive(row.status)) banner = { level: 'ok', text: `Showing ${selected} (${row.status.destination}, over SSH). Fixes run there.` };
    else {
      const why = row.status.reason ? ` (${row.status.reason})` : '';
      banner = { level: 'stale', text: `${selected}: ${MACHINE_STATE_LABEL[row.status.state]}${why}. What shows here is its last data, if any.` };
    }
  }
  return { hidden: rows.length === 0 && selected === null, options, banner };
}
