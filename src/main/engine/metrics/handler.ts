/**
 * The `/metrics` HTTP handler, mountable on any Node http server (the web
 * mode's, or the standalone exporter's). It is guarded on its own, separately
 * from the window's token: with a metrics token, a request must carry it
 * (`Authorization: Bearer <token>` or `?token=<token>`, the two ways a
 * Prometheus scrape config can send it); without one, only requests that
 * arrived on a loopback address are answered.
 *
 * DNS rebinding: any web page can make the browser send requests to
 * 127.0.0.1 under a name of its own (evil.example resolving to 127.0.0.1), and
 * then read the answers as same-origin. So Host and Origin are checked with
 * the web mode's own rules (server/security.ts): always on a loopback
 * listener, token or not, and on any listener without a token. Beyond
 * loopback with a token, the token is the guard: a rebinding page cannot know
 * it (browsers never attach a bearer token or a query string on their own),
 * while Prometheus scrapes by whatever name its config gives the target, so
 * there Host is not checked.
 * A foreign Origin is always refused: Prometheus sends none.
 *
 * Every answer carries the web mode's security headers (server/security.ts).
 */

import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostAllowed, isLoopbackHost, originAllowed, securityHeaders } from '../server/security.ts';
import type { HeadroomMetrics } from './registry.ts';

export interface MetricsHandlerOptions {
  metrics: HeadroomMetrics;
  /** The metrics token, or null to answer loopback requests only. */
  token: string | null;
  /**
   * The address the server listens on (default 127.0.0.1). On loopback the
   * Host header must name localhost or a loopback IP with the request's port;
   * beyond it, with the token required, Host is not checked.
   */
  listenHost?: string;
  log?: (line: string) => void;
}

/** Shortest token accepted: a guessable token is no guard. */
export const MIN_TOKEN_LENGTH = 16;

/** True for 127.0.0.0/8, ::1, their IPv4-mapped forms and "localhost" (the web mode's rule, server/security.ts). */
export function isLoopbackAddress(addr: string | undefined | null): boolean {
  return Boolean(addr) && isLoopbackHost(addr as string);
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
  res.writeHead(status, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(`${text}\n`);
}

/**
 * Why a request's Host or Origin is refused, or null. See the file comment:
 * Host is checked unless the listener is beyond loopback and a token is
 * required; Origin, when a browser sent one, must be the page's own.
 */
export function metricsRequestProblem(req: IncomingMessage, listenHost: string, tokenRequired: boolean): string | null {
  const tokenIsTheGuard = tokenRequired && !isLoopbackHost(listenHost);
  if (!tokenIsTheGuard && !hostAllowed(req.headers.host, { host: listenHost, port: req.socket.localPort ?? 0 })) {
    return 'forbidden: unexpected Host header';
  }
  if (!originAllowed(req.headers.origin, req.headers.host)) return 'forbidden: cross-origin request';
  return null;
}

/** Builds the `(req, res)` handler. It never throws; failures answer 500 and are logged. */
export function createMetricsHandler(o: MetricsHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  if (o.token !== null) {
    const problem = metricsTokenProblem(o.token);
    if (problem) throw new Error(problem);
  }
  const listenHost = o.listenHost ?? '127.0.0.1';
  return (req, res) => {
    const refused = metricsRequestProblem(req, listenHost, o.token !== null);
    if (refused) {
      reply(res, 403, refused);
      return;
    }
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
        res.writeHead(200, { ...securityHeaders(), 'Content-Type': o.metrics.contentType });
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
