/**
 * The Containers view's figures and words, apart from their elements: memory
 * use against the limit, and Docker's state in a sentence. Pure, so it is
 * tested under Node.
 */

import { formatDuration, formatPercent } from '../../shared/format.ts';
import type { ContainerStats, DockerState, LeakTrend } from '../../shared/model.ts';

const MB = 1024 * 1024;

/** Usage bar levels: warn from 75 % of the limit, critical from 90 %. */
export const WARN_PERCENT = 75;
export const CRIT_PERCENT = 90;

export interface MemoryFigures {
  /** "512 MB" */
  used: string;
  /** "1024 MB", or null when the container has no limit. */
  limit: string | null;
  /** Of the limit, 0–100+ (Docker's own figure when it gave one); null without a limit. */
  percent: number | null;
  level: 'ok' | 'warn' | 'crit';
}

/** Memory of a container in MB and % of its limit; null while it has not been measured. */
export function memoryFigures(c: Pick<ContainerStats, 'memUsageBytes' | 'memLimitBytes' | 'memPercent'>): MemoryFigures | null {
  if (c.memUsageBytes === null) return null;
  const used = `${(c.memUsageBytes / MB).toFixed(0)} MB`;
  if (c.memLimitBytes === null || !(c.memLimitBytes > 0)) return { used, limit: null, percent: null, level: 'ok' };
  const percent = c.memPercent ?? (c.memUsageBytes / c.memLimitBytes) * 100;
  const level = percent >= CRIT_PERCENT ? 'crit' : percent >= WARN_PERCENT ? 'warn' : 'ok';
  return { used, limit: `${(c.memLimitBytes / MB).toFixed(0)} MB`, percent, level };
}

/** A leak reaching the limit within this is critical, within this warns, whatever the level now. */
export const CRIT_ETA_SECONDS = 3600;
export const WARN_ETA_SECONDS = 6 * 3600;

const LEVELS = ['ok', 'warn', 'crit'] as const;

/**
 * The bar's colour from the level *and* the trend: a container at 71 % that
 * will hit its limit in 20 minutes is red, a flat one at 80 % stays amber.
 * Without a leaking trend (or once growth stopped) only the level counts.
 */
export function memoryLevel(f: Pick<MemoryFigures, 'level'>, trend: Pick<LeakTrend, 'leaking' | 'etaSeconds' | 'growthStopped'> | null): MemoryFigures['level'] {
  if (!trend?.leaking || trend.growthStopped || trend.etaSeconds === null) return f.level;
  const byEta = trend.etaSeconds <= CRIT_ETA_SECONDS ? 'crit' : trend.etaSeconds <= WARN_ETA_SECONDS ? 'warn' : 'ok';
  return LEVELS[Math.max(LEVELS.indexOf(f.level), LEVELS.indexOf(byEta))];
}

/** "running", "exited (137) · OOM-killed", "restarting". */
export function stateText(c: Pick<ContainerStats, 'state' | 'exitCode' | 'oomKilled'>): string {
  const parts = [c.state];
  if (c.exitCode !== null && c.exitCode !== undefined && c.state !== 'running') parts[0] = `${c.state} (${c.exitCode})`;
  if (c.oomKilled) parts.push('OOM-killed');
  return parts.join(' · ');
}

/** How long a running container has been up ("2 h 5 min"), or null. */
export function uptimeText(c: Pick<ContainerStats, 'state' | 'startedAt'>, now: number): string | null {
  if (c.state !== 'running' || !c.startedAt) return null;
  const t = Date.parse(c.startedAt);
  return Number.isFinite(t) ? formatDuration(Math.max(0, (now - t) / 1000)).replace('~', '') : null;
}

/** "512 MB / 1024 MB · 50 %" */
export function memoryText(f: MemoryFigures): string {
  return f.limit === null || f.percent === null ? f.used : `${f.used} / ${f.limit} · ${formatPercent(f.percent)}`;
}

const STATUS_TEXT: Record<DockerState['status'], string> = {
  ok: 'Docker is running.',
  'not-installed': 'Docker is not installed on this machine.',
  'not-running': 'Docker is not running. Start it to see your containers here.',
  error: 'Docker answered with an error.',
  disabled: 'Docker monitoring is off.',
};

/**
 * Docker's state in a sentence, with the engine's reason in brackets
 * ("connect ENOENT /var/run/docker.sock") unless it only repeats the state.
 */
export function dockerStateText(d: Pick<DockerState, 'status' | 'message'>): string {
  const text = STATUS_TEXT[d.status] ?? `Docker: ${d.status}.`;
  const extra = d.message && d.status !== 'ok' && !text.toLowerCase().includes(d.message.toLowerCase()) ? ` (${d.message})` : '';
  return `${text}${extra}`;
}
