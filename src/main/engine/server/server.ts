/**
 * The web mode's server: the renderer's files over HTTP and the API over a
 * WebSocket, for headless boxes and wherever Electron cannot run.
 *
 * Every URL is /<token>/…: the page's relative URLs carry the token, so no
 * cookie is needed and nothing without it gets an answer beyond 401. Host and
 * Origin are checked before the token (see security.ts for why).
 */

import { STATUS_CODES, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { PushChannel, PushChannels } from '../../../shared/contract.ts';
import type { Api } from '../api/handlers.ts';
import { forwardMachinePushes, forwardPushes, type MachinePushSource, type PushSource } from '../api/push.ts';
import { hostAllowed, isLoopbackHost, newToken, originAllowed, securityHeaders, splitTokenPath, tokensEqual } from './security.ts';
import { loadStaticFiles } from './static-files.ts';
import { DEFAULT_CLIENT_LIMITS, WsClients, type ClientLimits } from './ws-clients.ts';

export interface WebServerOptions {
  api: Api;
  /** The engine, whose snapshot/alerts/fixes events are pushed to every page. */
  pushes?: PushSource | null;
  /** The followed remote boxes, pushed as machines:push and machine:push (serve; none for the CLI's one-shots). */
  machines?: MachinePushSource | null;
  /** The built renderer (see findRendererDir). */
  rendererDir: string;
  /** Default 127.0.0.1. Anything that is not loopback needs `allowRemote`. */
  host?: string;
  /** Default 0: the system picks a free port. */
  port?: number;
  /** Required to bind a non-loopback address: the token is then all that guards the machine's processes. */
  allowRemote?: boolean;
  /** Default: a fresh random token. */
  token?: string;
  log?: (line: string) => void;
  limits?: Partial<ClientLimits> & { maxClients?: number };
  /**
   * Prometheus's `/metrics` (see metrics/handler.ts), mounted outside the
   * window's token path: a scrape config cannot follow a per-run token, so the
   * handler applies its own guard (metrics token, or loopback only), Host and
   * Origin checks included.
   */
  metrics?: ((req: IncomingMessage, res: ServerResponse) => void) | null;
}

export interface WebServer {
  /** The URL to open, token included. */
  url: string;
  host: string;
  port: number;
  token: string;
  clients: WsClients;
  /** Sends one push to every connected page. */
  broadcast(channel: PushChannel, payload: unknown): void;
  close(): Promise<void>;
}

/** Thrown for options that must not be used, e.g. a public address without allowRemote. */
export class ServerOptionError extends Error {}

function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the web mode's HTTP + WebSocket server. Resolves once it is listening. */
export async function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !opts.allowRemote) {
    throw new ServerOptionError(`refusing to listen on ${host}: it is reachable from other machines (pass allowRemote to do it anyway)`);
  }
  const token = opts.token ?? newToken();
  if (!/^[A-Za-z0-9_-]{16,128}$/.test(token)) throw new ServerOptionError('the token must be 16 to 128 URL-safe characters');
  const log = opts.log ?? (() => {});
  const files = loadStaticFiles(opts.rendererDir);
  if (!files.has('/index.html')) throw new ServerOptionError(`no index.html in ${opts.rendererDir}: build the renderer first (npm run build)`);
  const maxClients = opts.limits?.maxClients ?? 64;
  const clients = new WsClients(opts.api, { ...DEFAULT_CLIENT_LIMITS, ...opts.limits }, log);
  const bound = { host, port: 0 };
  const headers = securityHeaders();

  const refuse = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  };

  /** The common gate for HTTP and WebSocket: Host, Origin, token. Returns the path after the token, or the refusal. */
  const gate = (req: IncomingMessage): { rest: string } | { status: number; text: string } => {
    if (!hostAllowed(req.headers.host, bound)) return { status: 403, text: 'Forbidden: unexpected Host header\n' };
    if (!originAllowed(req.headers.origin, req.headers.host)) return { status: 403, text: 'Forbidden: cross-origin request\n' };
    const split = splitTokenPath(req.url ?? '/');
    if (!split || !tokensEqual(split.token, token)) {
      return { status: 401, text: 'Unauthorized: open the URL that `headroom serve` printed (it carries the access token)\n' };
    }
    return { rest: split.rest };
  };

  const server = createServer((req, res) => {
    if (opts.metrics && (req.url ?? '').split('?')[0] === '/metrics') {
      // The handler checks Host and Origin itself (metrics/handler.ts), by the same rule as the standalone exporter.
      return opts.metrics(req, res);
    }
    const g = gate(req);
    if ('status' in g) return refuse(res, g.status, g.text);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return refuse(res, 405, 'Method Not Allowed\n');
    }
    if (g.rest === '') {
      // /<token> → /<token>/ so that the page's relative URLs resolve under the token.
      res.writeHead(308, { ...headers, Location: `/${token}/`, 'Content-Length': 0 });
      return res.end();
    }
    if (g.rest === '/ws') return refuse(res, 426, 'Upgrade Required: this is the WebSocket endpoint\n');
    const file = files.get(g.rest);
    if (!file) return refuse(res, 404, 'Not Found\n');
    res.writeHead(200, { ...headers, 'Content-Type': file.contentType, 'Content-Length': file.body.length });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  });

  // 256 KB covers the largest settings patch (500 group rules); a bigger frame closes the connection.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const g = gate(req);
    let status = 'status' in g ? g.status : g.rest === '/ws' ? 0 : 404;
    let text = 'status' in g ? g.text : 'Not Found\n';
    if (status === 0 && clients.size >= maxClients) {
      status = 503;
      text = 'Service Unavailable: too many pages connected\n';
    }
    if (status !== 0) {
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
          `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
      );
      return;
    }
    // The box the page shows, from `?machine=` on the socket URL (renderer/transport/ws.ts): only its pushes go there.
    const machine = new URL(req.url ?? '/', 'http://page').searchParams.get('machine');
    wss.handleUpgrade(req, socket, head, (ws) => clients.add(ws, machine));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  bound.port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  server.on('error', (err) => log(`web: server error: ${err.message}`));

  const sink = <C extends PushChannel>(channel: C, payload: PushChannels[C]) =>
    channel === 'machine:push' ? clients.broadcast(channel, payload, (payload as PushChannels['machine:push']).machine) : clients.broadcast(channel, payload);
  const unsubscribeEngine = opts.pushes ? forwardPushes(opts.pushes, sink) : () => {};
  const unsubscribeMachines = opts.machines ? forwardMachinePushes(opts.machines, sink) : () => {};
  const unsubscribe = () => {
    unsubscribeEngine();
    unsubscribeMachines();
  };
  const heartbeat = setInterval(() => clients.heartbeat(), 30000);
  heartbeat.unref();

  // A wildcard bind is reached through some address of the machine; loopback is the one that surely works here.
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${formatHost(urlHost)}:${bound.port}/${token}/`,
    host,
    port: bound.port,
    token,
    clients,
    broadcast: (channel, payload) => clients.broadcast(channel, payload),
    close() {
      closed ??= new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(heartbeat);
        clients.closeAll();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
