/**
 * What every view gets, and what the router needs from it.
 */

import type { HeadroomApi } from '../../shared/contract.ts';
import type { TimeWindow } from '../charts/time-window.ts';
import type { EarlyHistory } from '../history.ts';
import type { SearchQuery } from '../search.ts';
import type { Store } from '../state.ts';

export interface ViewContext {
  api: HeadroomApi;
  store: Store;
  /** The visible time span, shared by every chart (zooming one zooms all). */
  win: TimeWindow;
  /** History asked for before the views existed (boot.ts), for the overview's first draw; null when none. */
  earlyHistory: EarlyHistory | null;
  /** The top bar's search box: applications, processes and containers filter by it. */
  search: SearchQuery;
}

export interface View {
  readonly el: HTMLElement;
  /** Made visible; `param` is the rest of the route (e.g. an alert id). */
  show(param: string | null): void;
  hide(): void;
  /** The theme changed (light/dark): charts re-read their colours. */
  themeChanged?(): void;
}
