/**
 * The desktop app's optional /metrics exporter. Off unless the user asks for
 * it with HEADROOM_METRICS_PORT, because a tray app should not open ports on
 * its own. Always loopback: a workstation is scraped by a local agent (or an
 * SSH tunnel); a box scraped from elsewhere runs `headroom serve` or
 * `headroom metrics`, which take a host and a token.
 *
 * Bad configuration is a clear log line and no exporter, never a crash: the
 * monitor matters more than its metrics.
 */

import type { Headroom } from '../create.ts';
import { startMetricsExporter, type MetricsExporter } from './exporter.ts';
import { metricsTokenProblem } from './handler.ts';
import { createHeadroomMetrics } from './registry.ts';

export const METRICS_PORT_ENV = 'HEADROOM_METRICS_PORT';

export type DesktopExporterConfig = { enabled: false } | { enabled: true; port: number; token: string | null } | { enabled: false; problem: string };

/** Reads the exporter's configuration from the environment. Pure. */
export function desktopExporterConfig(env: NodeJS.ProcessEnv): DesktopExporterConfig {
  const portText = env[METRICS_PORT_ENV]?.trim();
  if (!portText) return { enabled: false };
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) {
    return { enabled: false, problem: `${METRICS_PORT_ENV}: expected a port 1..65535, got "${portText.slice(0, 20)}"` };
  }
  const token = env.HEADROOM_METRICS_TOKEN?.trim() || null;
  if (token !== null) {
    const problem = metricsTokenProblem(token);
    if (problem) return { enabled: false, problem: `HEADROOM_METRICS_TOKEN: ${problem}` };
  }
  return { enabled: true, port, token };
}

/**
 * Starts the loopback exporter when the environment asks for it. Resolves to
 * null when it is off or could not start (the reason is logged).
 */
export async function startDesktopExporter(h: Pick<Headroom, 'engine' | 'settings' | 'log'>, env: NodeJS.ProcessEnv = process.env): Promise<MetricsExporter | null> {
  const config = desktopExporterConfig(env);
  if (!config.enabled) {
    if ('problem' in config) h.log(`metrics: exporter not started: ${config.problem}`);
    return null;
  }
  const metrics = createHeadroomMetrics(h.engine, { topGroups: () => h.settings.get().groups.topN });
  try {
    const exporter = await startMetricsExporter({ metrics, host: '127.0.0.1', port: config.port, token: config.token, log: h.log });
    h.log(`metrics: serving ${exporter.url}${config.token ? ' (bearer token required)' : ' (loopback only)'}`);
    return exporter;
  } catch (err) {
    h.log(`metrics: exporter not started on 127.0.0.1:${config.port}: ${(err as Error).message}`);
    return null;
  }
}
