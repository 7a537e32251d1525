/**
 * The interactive `headroom watch` on a terminal: keys (q quits, m/c/n/t sort
 * the applications, f offers the top fix and y confirms it), colour unless
 * NO_COLOR is set, a frame fitted to the terminal's width and height and
 * redrawn as a diff (screen.ts). The fix runs by its proposal id through the
 * same re-check path as the tray and the window (the engine's `fix:run`).
 */

import type { Alert, FixProposal, FixResult, Snapshot } from '../../shared/model.ts';
import { safeText } from '../../shared/safe-text.ts';
import { painter } from './ansi.ts';
import { Screen } from './screen.ts';
import { buildWatchLines, offeredFixes, SORT_KEYS, type SortKey } from './watch-view.ts';

export interface WatchTuiOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** "attached to serve (PID 123)" or "this watch is the engine". */
  source: string;
  memWarnPercent: number;
  memCritPercent: number;
  runFix(id: string): Promise<FixResult>;
  /** The user pressed q or Ctrl-C. */
  onQuit(): void;
  /** Default: colour unless NO_COLOR is set (https://no-color.org). */
  color?: boolean;
}

export interface WatchTui {
  /** New figures from the engine: redraws what changed. */
  update(snapshot: Snapshot, alerts: readonly Alert[], fixes: readonly FixProposal[]): void;
  /** Restores the terminal. Safe to call twice. */
  stop(): void;
}

const CTRL_C = '\x03';

export function startWatchTui(o: WatchTuiOptions): WatchTui {
  const paint = painter(o.color ?? !('NO_COLOR' in process.env));
  const screen = new Screen((s) => o.stdout.write(s));
  let sort: SortKey = 'memory';
  let message: string | null = null;
  let pending: FixProposal | null = null;
  /** Which of the offered fixes `f` shows: pressing it again while one is offered moves to the next. */
  let offer = 0;
  let running = false;
  let last: { snapshot: Snapshot; alerts: readonly Alert[]; fixes: readonly FixProposal[] } | null = null;
  let stopped = false;

  const draw = () => {
    if (!last || stopped) return;
    const width = o.stdout.columns || 80;
    const height = o.stdout.rows || 24;
    const lines = buildWatchLines({ ...last, sort, message, source: o.source, memWarnPercent: o.memWarnPercent, memCritPercent: o.memCritPercent, height }, paint);
    screen.draw(lines, width, height);
  };

  const onKey = (data: Buffer | string) => {
    const key = data.toString();
    if (key === 'q' || key === CTRL_C) {
      o.onQuit();
      return;
    }
    if (pending !== null && key === 'f') {
      offer++;
      pending = null;
    } else if (pending !== null) {
      const fix = pending;
      pending = null;
      offer = 0;
      if (key === 'y' || key === 'Y') void run(fix);
      else message = 'Not run.';
      draw();
      return;
    }
    if (SORT_KEYS[key]) {
      sort = SORT_KEYS[key];
      message = null;
    }
    if (key === 'f') {
      const offered = last ? offeredFixes(last.alerts, last.fixes) : [];
      const top = offered.length > 0 ? offered[offer % offered.length] : null;
      if (running) message = 'A fix is running…';
      else if (top === null) message = 'No alert has a fix to offer.';
      else {
        pending = top.fix;
        const n = top.fix.targets.length;
        // The key first: a narrow terminal cuts the end of the line.
        message = `y runs: ${safeText(top.fix.title, 200)} (${n} target${n === 1 ? '' : 's'}, re-checked first); f: the next fix; any other key: no`;
      }
    }
    draw();
  };

  async function run(fix: FixProposal): Promise<void> {
    running = true;
    message = `Running: ${safeText(fix.title, 200)}…`;
    draw();
    try {
      const r = await o.runFix(fix.id);
      message = `${r.ok ? 'Done' : 'Not done'}: ${safeText(r.summary, 300)}`;
    } catch (err) {
      message = `Could not run it: ${safeText((err as Error).message, 300)}`;
    } finally {
      running = false;
      draw();
    }
  }

  const onResize = () => draw();
  screen.enter();
  if (o.stdin.isTTY) o.stdin.setRawMode(true);
  o.stdin.resume();
  o.stdin.on('data', onKey);
  o.stdout.on('resize', onResize);

  return {
    update(snapshot, alerts, fixes) {
      last = { snapshot, alerts, fixes };
      draw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      o.stdin.off('data', onKey);
      o.stdout.off('resize', onResize);
      if (o.stdin.isTTY) o.stdin.setRawMode(false);
      o.stdin.pause();
      screen.leave();
    },
  };
}
