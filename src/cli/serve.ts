/**
 * `headroom serve`: the engine with the Headroom window in a browser — for
 * headless boxes, and for `npm start` where Electron cannot run. Serves the
 * built renderer and the API over a WebSocket on loopback, behind a random
 * token carried in the printed URL. Prometheus's /metrics is served beside it
 * (unless --no-metrics), under its own guard: the metrics token from
 * HEADROOM_METRICS_TOKEN or --metrics-token-file, else loopback scrapes only.
 * The browser is opened through a launch page (browser-launch.ts), so the
 * token never appears in another process's argv.
 */

import { createApi } from '../main/engine/api/handlers.ts';
import { hostEngine } from '../main/engine/channel/host.ts';
import { createHeadroomMetrics, createMetricsHandler, METRICS_TOKEN_ENV } from '../main/engine/metrics/index.ts';
import { attachNotifications, createNodeNotifier } from '../main/engine/notify/index.ts';
import { followMachines } from '../main/engine/remote/follow.ts';
import { isLoopbackHost } from '../main/engine/server/security.ts';
import { startWebServer } from '../main/engine/server/server.ts';
import { findRendererDir } from '../main/engine/server/static-files.ts';
import { quoteInput } from '../shared/safe-text.ts';
import { parseFlags } from './args.ts';
import { hasDisplay, openTokenUrl } from './browser-launch.ts';
import { UsageError, type CliIo } from './io.ts';
import { resolveMetricsToken } from './metrics.ts';

/** The port tried first; a fixed default makes SSH tunnels and bookmarks of the host:port stable. */
export const DEFAULT_PORT = 7761;

function parsePort(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new UsageError(`headroom serve: --port: expected 0..65535, got ${quoteInput(text, 20)}`);
  return n;
}

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    'serve',
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'no-docker': { type: 'boolean' },
      'no-open': { type: 'boolean' },
      'no-metrics': { type: 'boolean' },
      'metrics-token-file': { type: 'string' },
    },
    false,
  );
  const host = values.host ?? '127.0.0.1';
  if (!isLoopbackHost(host) && !values['allow-remote']) {
    throw new UsageError(
      `headroom serve: --host ${quoteInput(host, 60)} is reachable from other machines, and this page can stop processes; ` +
        'pass --allow-remote as well if that is what you want',
    );
  }
  // /metrics has its own guard: a token from a file or the environment (never argv, which `ps` shows), else loopback only.
  const metricsToken = values['no-metrics'] ? null : resolveMetricsToken({ 'token-file': values['metrics-token-file'] }, process.env, 'headroom serve', '--metrics-token-file');
  const rendererDir = findRendererDir();
  if (!rendererDir) throw new Error('the window is not built (no dist/renderer/main.js): run `npm run build` first');

  // The engine of this data directory: holds its lock (a second engine refuses) and serves the local channel.
  const h = await hostEngine('serve', { docker: values['no-docker'] ? false : undefined });
  attachNotifications(h, createNodeNotifier());
  // The boxes in settings.machines, followed over SSH (docs/remote.md); none by default.
  const followed = followMachines(h, createNodeNotifier());
  const api = createApi({ ...h, log: h.log, machines: followed.machines });
  const metrics = values['no-metrics']
    ? null
    : createMetricsHandler({ metrics: createHeadroomMetrics(h.engine, { topGroups: () => h.settings.get().groups.topN }), token: metricsToken, listenHost: host, log: h.log });
  const common = { api, pushes: h.engine, machines: followed.machines, rendererDir, host, allowRemote: values['allow-remote'], log: h.log, metrics };
  let server;
  try {
    if (values.port !== undefined) server = await startWebServer({ ...common, port: parsePort(values.port) });
    else {
      try {
        server = await startWebServer({ ...common, port: DEFAULT_PORT });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
        server = await startWebServer({ ...common, port: 0 });
      }
    }
  } catch (err) {
    await followed.close();
    await h.close();
    throw err;
  }
  h.engine.start();

  if (!isLoopbackHost(host)) {
    const boxes = h.settings.get().machines.length;
    const alsoBoxes = boxes > 0 ? ` — and those of the ${boxes} machine${boxes === 1 ? '' : 's'} it follows over SSH` : '';
    io.err(`headroom serve: WARNING: listening on ${host}, reachable from other machines. Anyone with the URL can see your processes and stop them${alsoBoxes}.`);
  }
  io.out(`Headroom is running at ${server.url}`);
  io.out('(the URL carries the access token; Ctrl-C to stop)');
  if (metrics) {
    const metricsUrl = `${new URL(server.url).origin}/metrics`;
    io.out(
      metricsToken
        ? `Prometheus metrics at ${metricsUrl} (bearer token from ${values['metrics-token-file'] ? '--metrics-token-file' : METRICS_TOKEN_ENV} required)`
        : `Prometheus metrics at ${metricsUrl} (loopback scrapes only; set ${METRICS_TOKEN_ENV} to allow others)`,
    );
  }
  // The browser is given a 0600 launch page, never the token URL itself: argv is readable by every user.
  const removeLaunchFile = !values['no-open'] && hasDisplay() ? openTokenUrl(h.dataDir, server.url, h.log) : () => {};

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  removeLaunchFile();
  await server.close();
  await followed.close();
  await h.close();
  return 0;
}
