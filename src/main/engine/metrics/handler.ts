/**
 * The `/metrics` HTTP handler, mountable on any Node http server (the web
 * mode's, or the standalone exporter's). It is guarded on its own, separately
 * from the window's token: with a metrics token, a request must carry it
 * (`Authorization: Bearer <token>` or `?token=<token>`, the two ways a
 * Prometheus scrape config can send it); without one, only requests that
 * arrived on a loopback address are answered.
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeadroomMetrics } from './registry.ts';

export interface MetricsHandlerOptions {
  metrics: HeadroomMetrics;
  /** The metrics token, or null to answer loopback requests only. */
  token: string | null;
  log?: (line: string) => void;
}

/** Shortest token accepted: a guessable token is no guard. */
export const MIN_TOKEN_LENGTH = 16;

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(addr: string | undefined | null): boolean {
  if (!addr) return false;
  const a = addr.startsWith('::ffff:') ? addr.slice(7) : addr;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === 'localhost';
}

/** A clear reason when a token cannot be used, else null. */
export function metricsTokenProblem(token: string): string | null {
  if (token.length < MIN_TOKEN_LENGTH) return `the metrics token must be at least ${MIN_TOKEN_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the metrics token must be printable ASCII without spaces';
  return null;
}

/** Constant-time comparison, on digests so the lengths never leak either. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The token a request carries, from the Authorization header or the query string. */
export function tokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (m) return m[1];
  }
  const q = (req.url ?? '').indexOf('?');
  if (q >= 0) {
    const t = new URLSearchParams((req.url ?? '').slice(q + 1)).get('token');
    if (t) return t;
  }
  return null;
}

function reply(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

/** Builds the `(req, res)` handler. It never throws; failures answer 500 and are logged. */
export function createMetricsHandler(o: MetricsHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (o.token !== null) {
    const problem = metricsTokenProblem(o.token);
    if (problem) throw new Error(problem);
  }
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      reply(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
      return;
    }
    if (o.token !== null) {
      const given = tokenOf(req);
      if (given === null || !sameToken(given, o.token)) {
        reply(res, 401, 'metrics token required', { 'WWW-Authenticate': 'Bearer realm="headroom-metrics"' });
        return;
      }
    } else if (!isLoopbackAddress(req.socket.localAddress)) {
      reply(res, 403, 'metrics are served on loopback only unless a metrics token is set');
      return;
    }
    o.metrics.metricsText().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': o.metrics.contentType, 'Cache-Control': 'no-store' });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (err: Error) => {
        o.log?.(`metrics: scrape failed: ${err.message}`);
        if (!res.headersSent) reply(res, 500, 'metrics failed');
        else res.end();
      },
    );
  };
}
