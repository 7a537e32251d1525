/**
 * Prometheus metrics for Headroom. Mount `createMetricsHandler` at /metrics on
 * an existing server, or start `startMetricsExporter` on its own port.
 *
 *   const metrics = createHeadroomMetrics(h.engine, { topGroups: () => h.settings.get().groups.topN });
 *   server.on('request', (req, res) => { if (req.url?.startsWith('/metrics')) handler(req, res); });
 */

export { createHeadroomMetrics, type HeadroomMetrics, type MetricsOptions, type MetricsSource } from './registry.ts';
export { createMetricsHandler, isLoopbackAddress, metricsTokenProblem, tokenOf, MIN_TOKEN_LENGTH, type MetricsHandlerOptions } from './handler.ts';
export { startMetricsExporter, type ExporterOptions, type MetricsExporter } from './exporter.ts';
export { topGroupsWithOther, OTHER, type GroupRow } from './bounded.ts';
export { startDesktopExporter, desktopExporterConfig, METRICS_PORT_ENV, type DesktopExporterConfig } from './desktop-exporter.ts';

/** The environment variable a metrics token is read from (argv is visible to every user in `ps`). */
export const METRICS_TOKEN_ENV = 'HEADROOM_METRICS_TOKEN';
