/**
 * How a followed remote machine is doing, as every surface sees it (tray,
 * notifications, window, CLI). Failure is a state with a reason, never a
 * crash: a box that is off, a host key that changed, or a Headroom of another
 * version each show as such (docs/remote.md).
 */

/** The connection's state; everything but 'ok' and 'slow' means no live data from the box. */
export type MachineStateKind =
  | 'connecting'
  | 'ok'
  /** Connected, but no update from the box for a while. */
  | 'slow'
  | 'unreachable'
  /** SSH works, but no Headroom engine listens on the box. */
  | 'no-engine'
  | 'auth-failed'
  /** ssh refused: the box's host key differs from the one in known_hosts. */
  | 'host-key-changed'
  /** ssh refused: the box's host key is not in known_hosts yet. */
  | 'host-key-unknown'
  /** The box's Headroom speaks another channel or snapshot version. */
  | 'version-mismatch';

export interface MachineStatus {
  name: string;
  destination: string;
  state: MachineStateKind;
  /** Why, in one line, for every state but 'ok' and 'connecting'. */
  reason: string | null;
  /** Epoch ms the state began. */
  since: number;
  /** The remote engine, once its hello was accepted. */
  engine: { kind: string; pid: number; startedAt: number } | null;
  /** Epoch ms of the next attempt while disconnected, else null. */
  nextAttemptAt: number | null;
}

/** States that need a person (a retry alone will not fix them). */
export const STUCK_STATES: ReadonlySet<MachineStateKind> = new Set(['auth-failed', 'host-key-changed', 'host-key-unknown', 'version-mismatch']);

/** True when the box's data is live. */
export function machineLive(s: Pick<MachineStatus, 'state'>): boolean {
  return s.state === 'ok' || s.state === 'slow';
}

/** Each state in a few words, as the tray's box sections and the window's machine switcher say it. */
export const MACHINE_STATE_LABEL: Record<MachineStateKind, string> = {
  connecting: 'connecting…',
  ok: 'connected',
  slow: 'slow to answer',
  unreachable: 'unreachable',
  'no-engine': 'no Headroom running there',
  'auth-failed': 'SSH login refused',
  'host-key-changed': 'host key changed — refused',
  'host-key-unknown': 'host key not known yet',
  'version-mismatch': 'another Headroom version',
};
