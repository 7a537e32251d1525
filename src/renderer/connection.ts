/**
 * The page's one connection to main: the one boot.js opened ahead of this
 * bundle (see boot.ts), else a new one.
 */

import { connect, type Connection } from './transport/index.ts';

export const conn: Connection = window.headroomConnection ?? connect();
// Should boot.js still arrive, it finds this connection and does nothing.
window.headroomConnection = conn;
