/**
 * A standalone `/metrics` server: `headroom metrics` on a headless box, or the
 * desktop app's optional loopback exporter. Refuses to listen beyond loopback
 * without a metrics token. Host, Origin and the security headers are the
 * handler's (handler.ts), the same as on the web mode's /metrics.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { securityHeaders } from '../server/security.ts';
import { createMetricsHandler, isLoopbackAddress } from './handler.ts';
import type { HeadroomMetrics } from './registry.ts';

export interface ExporterOptions {
  metrics: HeadroomMetrics;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  token: string | null;
  log?: (line: string) => void;
}

export interface MetricsExporter {
  host: string;
  port: number;
  /** http://host:port/metrics */
  url: string;
  close(): Promise<void>;
}

/** Starts listening; rejects on a bind error or an unguarded non-loopback host. */
export function startMetricsExporter(o: ExporterOptions): Promise<MetricsExporter> {
  const host = o.host ?? '127.0.0.1';
  if (o.token === null && !isLoopbackAddress(host)) {
    return Promise.reject(new Error(`refusing to serve metrics on ${host} without a metrics token: set one, or bind to 127.0.0.1`));
  }
  const handle = createMetricsHandler({ metrics: o.metrics, token: o.token, listenHost: host, log: o.log });
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return handle(req, res);
    res.writeHead(404, { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found: metrics are at /metrics\n');
  });
  // Scrapes are short; an idle keep-alive connection must not hold close() up.
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, host, () => {
      server.off('error', reject);
      const addr = server.address() as AddressInfo;
      const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve({
        host: addr.address,
        port: addr.port,
        url: `http://${shown}:${addr.port}/metrics`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
