/**
 * The window's routes: `#/<view>` or `#/<view>/<param>` (the tray and
 * notifications open `#/alerts/<alert id>`). Pure, and free of the views
 * themselves, so boot.js can tell which view the page opens on without
 * loading them.
 */

/** The views, in the order of the navigation bar; the first is the default. */
export const VIEW_IDS = ['overview', 'applications', 'containers', 'alerts', 'settings'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface Route {
  view: ViewId;
  /** The rest of the route, decoded (an alert id), or null. */
  param: string | null;
}

/** The route a location hash names; an empty, malformed or unknown hash is the overview. */
export function parseRoute(hash: string): Route {
  const [, id, ...rest] = hash.split('/');
  const view = VIEW_IDS.find((v) => v === id) ?? VIEW_IDS[0];
  if (view !== id || rest.length === 0) return { view, param: null };
  const raw = rest.join('/');
  let param: string;
  try {
    param = decodeURIComponent(raw);
  } catch {
    // A stray '%' in a hand-typed URL: keep it as typed rather than break routing.
    param = raw;
  }
  return { view, param: param === '' ? null : param };
}
