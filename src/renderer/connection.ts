/**
 * The page's one connection to main: the one boot.js opened ahead of this
 * bundle (see boot.ts), else a new one.
 */

import { selectedMachine, viewApi } from './machine.ts';
import { connect, type Connection } from './transport/index.ts';

export const conn: Connection = window.headroomConnection ?? connect();
// Should boot.js still arrive, it finds this connection and does nothing.
window.headroomConnection = conn;

/** The followed box the page shows (`?machine=`), or null for this machine. */
export const machine = selectedMachine(location.search);
/** What the views call: this engine, or the shown box's through it. */
export const api = viewApi(conn.api, machine);
