/**
 * `headroom metrics [--port 9464] [--host 127.0.0.1] [--token-file FILE | --token T] [--no-docker] [--no-history]`:
 * runs the engine headless and serves its Prometheus metrics at /metrics — for
 * k3s nodes, Docker hosts and CI runners that already have a Prometheus.
 *
 * The token can come from HEADROOM_METRICS_TOKEN or a file as well as --token
 * (a token on the command line is visible to every user in `ps`). Without a
 * token only loopback is allowed.
 */

import { readFileSync } from 'node:fs';
import { hostEngine } from '../main/engine/channel/host.ts';
import { createHeadroom } from '../main/engine/create.ts';
import { createHeadroomMetrics, isLoopbackAddress, METRICS_TOKEN_ENV, metricsTokenProblem, startMetricsExporter } from '../main/engine/metrics/index.ts';
import { parseFlags } from './args.ts';
import { UsageError, type CliIo } from './io.ts';

/** Default port; 9464 is the usual one for a Prometheus exporter embedded in an application. */
export const DEFAULT_METRICS_PORT = 9464;

/** The token from --token, --token-file or the environment (in that order), validated; null when none is given. */
export function resolveMetricsToken(
  values: { token?: string; 'token-file'?: string },
  env: NodeJS.ProcessEnv = process.env,
  command = 'headroom metrics',
  fileFlag = '--token-file',
): string | null {
  if (values.token !== undefined && values['token-file'] !== undefined) throw new UsageError(`${command}: give --token or ${fileFlag}, not both`);
  let token: string | null = null;
  if (values.token !== undefined) token = values.token;
  else if (values['token-file'] !== undefined) {
    try {
      token = readFileSync(values['token-file'], 'utf8').trim();
    } catch (err) {
      throw new UsageError(`${command}: ${fileFlag}: ${(err as Error).message}`);
    }
  } else if (env[METRICS_TOKEN_ENV]) token = String(env[METRICS_TOKEN_ENV]).trim();
  if (token === null) return null;
  const problem = metricsTokenProblem(token);
  if (problem) throw new UsageError(`${command}: ${problem}`);
  return token;
}

/** Runs the engine and serves /metrics until SIGINT/SIGTERM; returns the exit code. */
export async function metricsCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseFlags(
    'metrics',
    args,
    {
      port: { type: 'string', default: String(DEFAULT_METRICS_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      'token-file': { type: 'string' },
      'no-docker': { type: 'boolean' },
      'no-history': { type: 'boolean' },
    },
    false,
  );
  const portText = values.port as string;
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) throw new UsageError(`headroom metrics: --port: expected 0..65535, got "${portText.slice(0, 20)}"`);
  const token = resolveMetricsToken(values);
  const host = values.host as string;
  if (token === null && !isLoopbackAddress(host)) {
    throw new UsageError(`headroom metrics: refusing to serve metrics on ${host.slice(0, 60)} without a metrics token (set ${METRICS_TOKEN_ENV} or --token-file)`);
  }

  const opts = { docker: values['no-docker'] ? false : undefined, history: values['no-history'] ? false : undefined, log: io.err };
  // With history it is the engine of this data directory (one writer of history); without, a read-only exporter beside one.
  const h = values['no-history'] ? createHeadroom(opts) : await hostEngine('metrics', opts);
  const metrics = createHeadroomMetrics(h.engine, { topGroups: () => h.settings.get().groups.topN });
  let exporter;
  try {
    exporter = await startMetricsExporter({ metrics, host, port, token, log: h.log });
  } catch (err) {
    await h.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`headroom metrics: port ${port} is in use (try --port)`);
    throw err;
  }
  h.engine.start();
  io.out(`headroom metrics: serving ${exporter.url}${token ? ' (bearer token required)' : ' (loopback only)'} — Ctrl-C to stop`);
  // The engine's timers are unref'd; this keeps the process alive until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  await exporter.close();
  await h.close();
  return 0;
}
