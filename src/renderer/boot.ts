/**
 * The page's first script (boot.js, in index.html's head before main.js runs):
 * opens the connection to main and, when the page opens on the overview, asks
 * for its history at once. Both are left on `window` for main.js.
 *
 * Why a script of its own: the page's main thread is busy for ~100 ms while
 * main.js (chart.js and every view) is evaluated, and a WebSocket handshake or
 * an answer is only handled between such tasks. Started from here, the
 * handshake and the history queries run while main.js is still downloading and
 * being parsed, and the answers are waiting when it is done (measured, see
 * docs/window.md). main.js does both itself when this script is missing.
 */

import { DEFAULT_RANGE, OVERVIEW_SERIES, requestEarlyHistory } from './history.ts';
import { selectedMachine, viewApi } from './machine.ts';
import { parseRoute } from './routes.ts';
import { connect } from './transport/index.ts';

// Should main.js ever run first (boot.js loaded late or twice), it has connected and asked for everything itself.
if (!window.headroomConnection) {
  const conn = connect();
  window.headroomConnection = conn;
  if (parseRoute(location.hash).view === 'overview') {
    // The shown box's history when the page is on one (`?machine=`), like every other call the page makes.
    window.headroomEarlyHistory = requestEarlyHistory(viewApi(conn.api, selectedMachine(location.search)), OVERVIEW_SERIES, DEFAULT_RANGE.ms);
  }
}
