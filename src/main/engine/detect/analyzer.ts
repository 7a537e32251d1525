/**
 * The analyzer the engine runs on every snapshot: feeds the watched series to
 * the same LeakDetector that `headroom replay` runs, then evaluates the alert
 * rules on the snapshot and the trends.
 */

import type { Alert, LeakTrend, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { SnapshotAnalyzer } from '../engine.ts';
import { LeakDetector } from './leak-detector.ts';
import { AlertRules } from './rules.ts';
import { RecentGrowth, withRecentGrowth } from './recent-growth.ts';
import { leakSeriesFromSnapshot, pidSetReplaced, type WatchedSeries } from './series.ts';

export interface AnalyzerOutput {
  trends: LeakTrend[];
  alerts: Alert[];
  /** Alerts that changed state on this tick. */
  transitions: Alert[];
}

export interface Analyzer extends SnapshotAnalyzer {
  observe(s: Snapshot, watched?: readonly WatchedSeries[]): AnalyzerOutput;
  alerts(): Alert[];
  trends(): LeakTrend[];
}

/** A series not fed for this long (its group went away) is forgotten, keeping state bounded. */
const FORGET_AFTER_MS = 10 * 60 * 1000;

export interface AnalyzerOptions {
  /** Seeds the detector from recorded history before the first snapshot (detect/warm-start.ts). */
  warmStart?: (detector: LeakDetector) => void;
  /** Alerts the previous run left firing, resumed by the rules (decisions/read.ts firingAtLastStop). */
  resumeAlerts?: readonly Alert[];
}

export function createAnalyzer(settings: Settings, opts: AnalyzerOptions = {}): Analyzer {
  const detector = new LeakDetector(settings.detector);
  opts.warmStart?.(detector);
  const recent = new RecentGrowth();
  const rules = new AlertRules(settings);
  if (opts.resumeAlerts) rules.resume(opts.resumeAlerts);
  const segmentKeys = new Map<string, string>();
  const groupPids = new Map<string, number[]>();
  const lastFed = new Map<string, number>();
  let prevProcessesAt = -1;
  let prevContainersAt: number | null = null;
  let latest: AnalyzerOutput = { trends: [], alerts: [], transitions: [] };

  return {
    observe(s: Snapshot, watched?: readonly WatchedSeries[]): AnalyzerOutput {
      const tSec = s.t / 1000;
      const processesFresh = s.sampledAt.processes !== prevProcessesAt;
      if (processesFresh) {
        // A group whose PID set was replaced restarted: its old evidence no longer applies.
        for (const g of s.groups) {
          if (pidSetReplaced(groupPids.get(g.name), g.pids)) {
            for (const suffix of ['rss', 'threads', 'fds']) detector.newSegment(`process.group.${g.name}.${suffix}`, tSec);
          }
          groupPids.set(g.name, g.pids);
        }
      }
      // The engine passes the watched series it already took from the registry for history; alone, they are taken here.
      for (const w of watched ?? leakSeriesFromSnapshot(s, prevProcessesAt, prevContainersAt)) {
        if (w.segmentKey !== '') {
          const prev = segmentKeys.get(w.series);
          if (prev !== undefined && prev !== w.segmentKey) detector.newSegment(w.series, tSec);
          segmentKeys.set(w.series, w.segmentKey);
        }
        detector.push(w.series, tSec, w.value, w.limit);
        recent.push(w.series, tSec, w.value);
        lastFed.set(w.series, s.t);
      }
      prevProcessesAt = s.sampledAt.processes;
      prevContainersAt = s.sampledAt.containers;
      for (const [series, at] of lastFed) {
        if (s.t - at > FORGET_AFTER_MS) {
          detector.forget(series, tSec);
          recent.forget(series);
          lastFed.delete(series);
          segmentKeys.delete(series);
        }
      }
      if (processesFresh && groupPids.size > 4 * s.groups.length + 100) {
        const live = new Set(s.groups.map((g) => g.name));
        for (const name of groupPids.keys()) if (!live.has(name)) groupPids.delete(name);
      }
      // The detector counts in seconds; everything past the analyzer (model, window, tray, metrics) in epoch ms.
      // Surfaces show the ETA from the current level and recent slope, and no countdown once growth stopped.
      const trends = detector.trends().map((tr) => withRecentGrowth({ ...tr, segmentStart: tr.segmentStart * 1000 }, recent));
      const { alerts, transitions } = rules.evaluate(s, trends);
      latest = { trends, alerts, transitions };
      return latest;
    },
    updateSettings(s: Settings) {
      detector.updateSettings(s.detector);
      rules.updateSettings(s);
    },
    clockJumped(t: number, deltaMs: number) {
      detector.clockJumped();
      rules.clockJumped(deltaMs);
      // Ages are wall-time differences: measured across the jump they would be an hour off either way
      // (forgetting every series at once, or keeping a vanished one an hour too long). Age them from the jump.
      for (const series of lastFed.keys()) lastFed.set(series, t);
    },
    alerts: () => latest.alerts,
    trends: () => latest.trends,
  };
}
