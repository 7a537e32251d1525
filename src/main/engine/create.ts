/**
 * The composition root: builds a complete Headroom (settings, history, engine,
 * detector, Docker, remediation) for the CLI, the web mode, the desktop app and
 * the tests. Everything below it receives its dependencies from here.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../../shared/model.ts';
import { createAnalyzer } from './detect/analyzer.ts';
import { warmStartDetector } from './detect/warm-start.ts';
import { firingAtLastStop } from './decisions/read.ts';
import { createDockerMonitor, type DockerMonitor } from './collectors/docker/index.ts';
import { Engine } from './engine.ts';
import { HistoryStore } from './history/store.ts';
import { createRemedies } from './remedies/index.ts';
import type { Remedies } from './remedies/types.ts';
import { createLogger, type Logger } from './log.ts';
import { defaultDataDir } from './paths.ts';
import { SettingsStore } from './settings/store.ts';

export interface HeadroomOptions {
  /** Data directory; defaults to HEADROOM_HOME or the platform's data folder. */
  dataDir?: string;
  /** Record history to SQLite (off for one-shot commands such as `snapshot`). */
  history?: boolean;
  /** Watch Docker (defaults to settings.docker.enabled). */
  docker?: boolean;
  /**
   * Seed the detector from recorded history (warm start). For engines (channel/host.ts):
   * one-shot commands only plan from one sample and need no trends.
   */
  warmStart?: boolean;
  /** Where log lines go (default stderr); they are also kept in `log.recent()`. */
  log?: (line: string) => void;
  procRoot?: string;
}

export interface Headroom {
  dataDir: string;
  log: Logger;
  settings: SettingsStore;
  history: HistoryStore | null;
  docker: DockerMonitor | null;
  engine: Engine;
  remedies: Remedies;
  /** Stops sampling and closes files. Safe to call twice. */
  close(): Promise<void>;
}

export function createHeadroom(opts: HeadroomOptions = {}): Headroom {
  const dataDir = opts.dataDir ?? defaultDataDir();
  mkdirSync(dataDir, { recursive: true });
  const log = createLogger(opts.log);
  const settings = new SettingsStore(dataDir);
  if (settings.notice) log(settings.notice);

  const history =
    opts.history === false
      ? null
      : HistoryStore.open({ path: join(dataDir, 'history.db'), retention: settings.get().history, log });
  const useDocker = opts.docker ?? settings.get().docker.enabled;
  const docker = useDocker ? createDockerMonitor({ settings: settings.get(), log }) : null;
  const detectorSettings = settings.get().detector;
  // A warm start also resumes the alerts the previous run left firing (no second notification, same `since`).
  const resumedAlerts = opts.warmStart && history ? resumableAlerts(history, detectorSettings.maxWindowSeconds, log) : [];
  if (resumedAlerts.length > 0) log(`alerts: resumed from the previous run: ${resumedAlerts.map((a) => a.id).join(', ')}`);
  const analyzer = createAnalyzer(settings.get(), {
    resumeAlerts: resumedAlerts,
    warmStart:
      opts.warmStart && history
        ? (detector) => {
            const r = warmStartDetector(detector, history, { now: Date.now(), windowSeconds: detectorSettings.maxWindowSeconds, log });
            if (r.series > 0) log(`detector: warm start from history: ${r.series} series, ${r.samples} samples in ${r.ms} ms${r.resumed.length ? `; leaks resumed: ${r.resumed.join(', ')}` : ''}`);
          }
        : undefined,
  });

  const engine = new Engine({
    settings: () => settings.get(),
    log,
    history,
    analyzer,
    containers: docker,
    procRoot: opts.procRoot,
    resumedAlerts,
  });

  const remedies = createRemedies({ settings: () => settings.get(), log, history, docker, engine });
  engine.setPlanner(remedies);

  let closed = false;
  return {
    dataDir,
    log,
    settings,
    history,
    docker,
    engine,
    remedies,
    async close() {
      if (closed) return;
      closed = true;
      await engine.stop();
      history?.close();
    },
  };
}

/** The alerts the previous run left firing, from its recorded transitions; none when history cannot say. */
function resumableAlerts(history: HistoryStore, windowSeconds: number, log: (line: string) => void): Alert[] {
  try {
    // As far back as the warm start reads: the previous run's engine.start is within it, or nothing is resumed.
    // As Alerts: the recorded fix titles belong to the report, not to the live alert (its fixes are planned afresh).
    return firingAtLastStop(history.events(Date.now() - 6 * windowSeconds * 1000)).map(({ fixTitles: _titles, ...a }) => ({ ...a, detail: '' }));
  } catch (err) {
    log(`alerts: could not read the previous run's alerts (${(err as Error).message}); they fire again when sustained`);
    return [];
  }
}
