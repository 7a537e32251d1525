/**
 * Which machine the window shows: this one, or a followed box named by the
 * page's `?machine=` (the switcher, the tray's box sections and a box's
 * notification open the page so). Choosing another reloads the page, so every
 * view, chart and cached answer belongs to one machine from its first request.
 */

import type { HeadroomApi } from '../shared/contract.ts';
import { machineApi } from './transport/machine-api.ts';

/** The followed box the page shows, or null for this machine. */
export function selectedMachine(search: string): string | null {
  const name = new URLSearchParams(search).get('machine');
  return name === null || name.trim() === '' ? null : name;
}

/** The page's search string for `machine` (null: this machine), keeping any other parameters. */
export function searchFor(search: string, machine: string | null): string {
  const params = new URLSearchParams(search);
  if (machine === null) params.delete('machine');
  else params.set('machine', machine);
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The API the views use: the engine's own, or the selected box's through it. */
export function viewApi(api: HeadroomApi, machine: string | null): HeadroomApi {
  return machine === null ? api : machineApi(api, machine);
}
