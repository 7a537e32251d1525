/**
 * Acting on processes: graceful stop (SIGTERM, a grace period, SIGKILL only if
 * needed) and the SIGCHLD reminder to a parent that does not reap its zombies.
 *
 * Signals go through process.kill with a numeric PID, never through a shell,
 * and only after the identity check: the PID must still carry the start time
 * the proposal recorded, read from /proc right before each signal. (Between
 * that read and the signal there is a window of microseconds; Node offers no
 * pidfd_send_signal to close it, and a PID is reused only after the process
 * has exited *and* been reaped, so the window is as small as it gets here.)
 */

import type { FixTargetResult, ProcessTarget } from '../../../shared/model.ts';
import { exists, isRunning, readStartAndState } from '../platform/linux/live-process.ts';

export interface StopOptions {
  /** Time the processes get to exit after SIGTERM before SIGKILL. */
  graceMs: number;
  /** How long to wait for SIGKILL to take effect before reporting failure. */
  killWaitMs?: number;
  pollMs?: number;
  procRoot?: string;
}

type SignalOutcome = 'sent' | 'gone' | 'reused' | 'denied' | 'error';

/**
 * Sends `signal` to the process only if it is still the same one (same PID and
 * start time) and still running. Never throws.
 */
export function signalIfSame(t: { pid: number; startTime: number }, signal: NodeJS.Signals, procRoot = '/proc'): { outcome: SignalOutcome; message: string } {
  // PID ≤ 1 would mean init, or a whole process group for kill(2); never, whatever the caller says.
  if (!Number.isSafeInteger(t.pid) || t.pid <= 1) return { outcome: 'error', message: `refused to signal PID ${t.pid}` };
  const now = readStartAndState(t.pid, procRoot);
  if (now === null || now.state === 'Z' || now.state === 'X') return { outcome: 'gone', message: 'already gone' };
  if (now.startTime !== t.startTime) {
    return { outcome: 'reused', message: `PID reused: PID ${t.pid} now belongs to another process (start time ${now.startTime}, expected ${t.startTime}); not touched` };
  }
  try {
    process.kill(t.pid, signal);
    return { outcome: 'sent', message: '' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return { outcome: 'gone', message: 'already gone' };
    if (code === 'EPERM') return { outcome: 'denied', message: `not permitted to signal PID ${t.pid} (EPERM)` };
    return { outcome: 'error', message: (err as Error).message };
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Stops processes gracefully, in the order given (callers put children before
 * parents): SIGTERM to each, one shared grace period, then SIGKILL to each one
 * still running — re-checked first, since a PID can be reused during the wait.
 */
export async function stopGracefully(targets: readonly ProcessTarget[], opts: StopOptions): Promise<FixTargetResult[]> {
  const procRoot = opts.procRoot ?? '/proc';
  const poll = opts.pollMs ?? 50;
  const results = new Map<ProcessTarget, FixTargetResult>();
  const pending: ProcessTarget[] = [];
  for (const t of targets) {
    const r = signalIfSame(t, 'SIGTERM', procRoot);
    if (r.outcome === 'sent') pending.push(t);
    else if (r.outcome === 'gone') results.set(t, { target: t, outcome: 'skipped', detail: 'exited before it was signalled' });
    else if (r.outcome === 'reused') results.set(t, { target: t, outcome: 'skipped', detail: r.message });
    else results.set(t, { target: t, outcome: 'failed', detail: r.message });
  }

  const termAt = Date.now();
  let waiting = pending;
  while (waiting.length > 0 && Date.now() - termAt < opts.graceMs) {
    await sleep(Math.min(poll, Math.max(1, opts.graceMs - (Date.now() - termAt))));
    waiting = waiting.filter((t) => {
      if (isRunning(t.pid, t.startTime, procRoot)) return true;
      results.set(t, { target: t, outcome: 'done', detail: `stopped by SIGTERM after ${seconds(Date.now() - termAt)}` });
      return false;
    });
  }

  const killed: ProcessTarget[] = [];
  for (const t of waiting) {
    const r = signalIfSame(t, 'SIGKILL', procRoot);
    if (r.outcome === 'sent') killed.push(t);
    else if (r.outcome === 'gone') results.set(t, { target: t, outcome: 'done', detail: `stopped by SIGTERM after ${seconds(Date.now() - termAt)}` });
    else if (r.outcome === 'reused') results.set(t, { target: t, outcome: 'skipped', detail: r.message });
    else results.set(t, { target: t, outcome: 'failed', detail: `ignored SIGTERM, and SIGKILL failed: ${r.message}` });
  }
  const killAt = Date.now();
  let dying = killed;
  const killWait = opts.killWaitMs ?? 3000;
  while (dying.length > 0 && Date.now() - killAt < killWait) {
    await sleep(poll);
    dying = dying.filter((t) => {
      if (isRunning(t.pid, t.startTime, procRoot)) return true;
      results.set(t, {
        target: t,
        outcome: 'done',
        detail: `ignored SIGTERM for the ${seconds(opts.graceMs)} grace period; stopped with SIGKILL`,
      });
      return false;
    });
  }
  for (const t of dying) {
    const state = readStartAndState(t.pid, procRoot)?.state ?? '?';
    results.set(t, {
      target: t,
      outcome: 'failed',
      detail: `still running ${seconds(killWait)} after SIGKILL (state ${state}${state === 'D' ? ': stuck in uninterruptible I/O' : ''})`,
    });
  }
  return targets.map((t) => results.get(t) as FixTargetResult);
}

/**
 * Reminds a parent to reap its zombies (SIGCHLD), then waits briefly to see
 * whether it did. The zombies are identified by PID and start time.
 */
export async function remindParent(
  parent: ProcessTarget,
  zombies: readonly { pid: number; startTime: number }[],
  opts: { waitMs?: number; pollMs?: number; procRoot?: string } = {},
): Promise<{ result: FixTargetResult; remaining: number }> {
  const procRoot = opts.procRoot ?? '/proc';
  const r = signalIfSame(parent, 'SIGCHLD', procRoot);
  if (r.outcome === 'gone') {
    return { result: { target: parent, outcome: 'skipped', detail: 'the parent has exited; its zombies pass to init' }, remaining: 0 };
  }
  if (r.outcome !== 'sent') {
    return { result: { target: parent, outcome: r.outcome === 'reused' ? 'skipped' : 'failed', detail: r.message }, remaining: zombies.length };
  }
  const waitMs = opts.waitMs ?? 1000;
  const start = Date.now();
  let left = zombies.filter((z) => exists(z.pid, z.startTime, procRoot));
  while (left.length > 0 && Date.now() - start < waitMs) {
    await sleep(opts.pollMs ?? 50);
    left = left.filter((z) => exists(z.pid, z.startTime, procRoot));
  }
  const total = zombies.length;
  const detail =
    left.length === 0
      ? `sent SIGCHLD; ${total === 1 ? 'its zombie was' : `all ${total} zombies were`} reaped`
      : `sent SIGCHLD; ${left.length} of ${total} zombie${total === 1 ? '' : 's'} remain${left.length === 1 ? 's' : ''} (PID ${left.map((z) => z.pid).join(', ')}): ${parent.name} does not reap its children, so stopping it is the fix that remains`;
  return { result: { target: parent, outcome: 'done', detail }, remaining: left.length };
}

/** Waits until none of these zombies exist any more, up to `waitMs`; returns how many remain. */
export async function waitZombiesGone(zombies: readonly { pid: number; startTime: number }[], waitMs: number, procRoot = '/proc'): Promise<number> {
  const start = Date.now();
  let left = zombies.filter((z) => exists(z.pid, z.startTime, procRoot));
  while (left.length > 0 && Date.now() - start < waitMs) {
    await sleep(50);
    left = left.filter((z) => exists(z.pid, z.startTime, procRoot));
  }
  return left.length;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
}
