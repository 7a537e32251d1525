/**
 * The safety guards: the one place that decides whether Headroom may touch a
 * process. The planner calls it before proposing a target, and the fix runner
 * calls it again, on a fresh read of /proc, immediately before each signal.
 *
 * What is never a target, whatever a proposal says:
 * - PID 1 (and any PID ≤ 1: a signal to PID 0 or −N would hit a whole process group);
 * - Headroom itself and every one of its ancestors (the shell and terminal that
 *   started it, the agent session it may run inside);
 * - kernel threads;
 * - the user's session and desktop: the leader of Headroom's own session, any
 *   session leader on a terminal, login shells, display servers, compositors,
 *   session managers, terminal multiplexers and the like (systemd-oomd once
 *   killed a whole desktop session of 2,104 processes; we must not);
 * - names on the user's protected list (settings.remedies.protectedNames);
 * - processes of other users, unless Headroom runs as root — and then only
 *   with the proposal saying so (the planner flags such proposals).
 *
 * Pure over its inputs: the context is built once per planning pass (or per fix
 * run) from /proc, and the checks read only the subject and the context.
 */

import type { Settings } from '../../../shared/settings.ts';
import type { ProcessTarget } from '../../../shared/model.ts';
import { readAncestors, readLiveProcess, readOwnHelpers, readSession } from '../platform/linux/live-process.ts';

/** What the guards look at. The engine's ProcEntry and a fresh LiveProcess both fit. */
export interface GuardSubject {
  pid: number;
  ppid: number;
  name: string;
  comm: string;
  uid: number;
  session: number;
  ttyNr: number;
  kernelThread: boolean;
  state: string;
}

export interface GuardContext {
  selfPid: number;
  /** Headroom's real UID (0 = root). */
  selfUid: number;
  /** Headroom's session id: that session's leader is the user's login or terminal shell. */
  selfSession: number;
  /** Headroom's parent chain up to PID 1. */
  ancestors: ReadonlySet<number>;
  /** Headroom's own helper processes: descendants running Headroom's executable (Electron's renderer, GPU...). */
  helpers?: ReadonlySet<number>;
  /** Lower-cased protected names from settings, plus the built-in session and desktop names. */
  protectedNames: ReadonlySet<string>;
  /** Lower-cased names from settings only (to say "on your protected list" rather than "part of the desktop"). */
  userProtected: ReadonlySet<string>;
}

export type GuardVerdict = { ok: true; otherUser: boolean } | { ok: false; reason: string };

/**
 * Session, desktop and system processes that are never stopped: display
 * servers and compositors, session managers, login and terminal plumbing,
 * the audio/IPC buses a desktop needs, and the container runtimes (stopping
 * them would take every container with them — the Docker fixes handle those).
 */
export const SESSION_AND_DESKTOP_NAMES: readonly string[] = [
  // init, service managers, login
  'init', 'systemd', '(sd-pam)', 'systemd-logind', 'systemd-journald', 'systemd-udevd', 'launchd', 'loginwindow',
  'login', 'agetty', 'getty', 'sshd', 'sshd-session', 'su', 'sudo', 'doas', 'polkitd', 'dbus-daemon', 'dbus-broker',
  'dbus-broker-launch',
  // display servers, compositors, shells of the desktop
  'xorg', 'x', 'xwayland', 'xvfb', 'xvnc', 'windowserver', 'gnome-shell', 'gnome-session', 'gnome-session-binary',
  'gnome-session-service', 'mutter', 'plasmashell', 'kwin', 'kwin_x11', 'kwin_wayland', 'ksmserver', 'startplasma-x11',
  'startplasma-wayland', 'sway', 'swaybg', 'weston', 'hyprland', 'river', 'labwc', 'wayfire', 'niri', 'cosmic-comp',
  'xfce4-session', 'xfwm4', 'xfdesktop', 'lxsession', 'openbox', 'i3', 'bspwm', 'awesome', 'mate-session', 'marco',
  'cinnamon', 'cinnamon-session', 'budgie-wm', 'gdm', 'gdm3', 'gdm-session-worker', 'gdm-wayland-session',
  'gdm-x-session', 'sddm', 'sddm-helper', 'lightdm', 'xdm', 'greetd', 'dock', 'finder', 'systemuiserver', 'explorer.exe',
  'dwm.exe', 'winlogon.exe', 'csrss.exe',
  // terminals and multiplexers: stopping one ends every shell inside it
  'tmux', 'tmux: server', 'screen', 'zellij', 'gnome-terminal-server', 'gnome-terminal', 'konsole', 'xterm', 'urxvt',
  'alacritty', 'kitty', 'wezterm', 'wezterm-gui', 'foot', 'terminator', 'tilix', 'xfce4-terminal', 'ptyxis', 'ghostty',
  'terminal', 'iterm2',
  // audio and desktop buses
  'pipewire', 'pipewire-pulse', 'wireplumber', 'pulseaudio', 'at-spi-bus-launcher', 'at-spi2-registryd',
  // container runtimes (their containers are the Docker fixes' business)
  'dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2', 'runc', 'k3s', 'kubelet',
];

const SHELLS = new Set(['bash', 'zsh', 'fish', 'sh', 'dash', 'ksh', 'tcsh', 'csh', 'nu', 'elvish', 'pwsh']);

/**
 * Builds the guard context from /proc and the settings. Cheap (a few small
 * reads), so it is rebuilt for every planning pass and every fix run: the
 * protected list may change, and Headroom may have been re-parented.
 */
export function createGuardContext(
  settings: Pick<Settings, 'remedies'>,
  opts: { selfPid?: number; selfUid?: number; procRoot?: string } = {},
): GuardContext {
  const selfPid = opts.selfPid ?? process.pid;
  const procRoot = opts.procRoot ?? '/proc';
  const selfUid = opts.selfUid ?? (typeof process.getuid === 'function' ? process.getuid() : -1);
  const userProtected = new Set(settings.remedies.protectedNames.map((n) => n.trim().toLowerCase()).filter((n) => n.length > 0));
  const protectedNames = new Set([...SESSION_AND_DESKTOP_NAMES, ...userProtected]);
  return {
    selfPid,
    selfUid,
    selfSession: readSession(selfPid, procRoot),
    ancestors: new Set(readAncestors(selfPid, procRoot)),
    helpers: new Set(readOwnHelpers(selfPid, procRoot)),
    protectedNames,
    userProtected,
  };
}

/** Decides whether a process may be stopped or signalled. Pure. */
export function checkTarget(p: GuardSubject, ctx: GuardContext, group?: string): GuardVerdict {
  const pid = p.pid;
  if (!Number.isSafeInteger(pid) || pid <= 1) return refuse(pid === 1 ? 'PID 1 (init) is never touched' : `not a valid target PID (${String(pid).slice(0, 20)})`);
  if (pid === ctx.selfPid) return refuse('Headroom itself');
  if (ctx.ancestors.has(pid)) return refuse('an ancestor of Headroom (the shell or terminal that started it)');
  if (ctx.helpers?.has(pid)) return refuse('one of Headroom’s own helper processes');
  if (p.kernelThread || p.ppid === 2 || pid === 2) return refuse('a kernel thread');
  if (p.state === 'Z' || p.state === 'X') return refuse('a zombie: only its parent can reap it');
  if (ctx.selfSession > 0 && pid === ctx.selfSession) return refuse('the leader of the session Headroom runs in');
  const name = normalise(p.name);
  const comm = normalise(p.comm);
  if (p.name.startsWith('-') || p.comm.startsWith('-')) return refuse('a login shell');
  if (pid === p.session && p.ttyNr !== 0) return refuse('the leader of a terminal session (a login or terminal shell)');
  if (pid === p.session && (SHELLS.has(name) || SHELLS.has(comm))) return refuse('a session leader shell');
  const g = group === undefined ? '' : normalise(group);
  if (ctx.userProtected.has(name) || ctx.userProtected.has(comm) || (g !== '' && ctx.userProtected.has(g))) {
    return refuse('on your protected list');
  }
  if (ctx.protectedNames.has(name) || ctx.protectedNames.has(comm)) return refuse('part of the session, desktop or system');
  if (!Number.isSafeInteger(p.uid) || p.uid < 0) return refuse('its owner is unknown');
  if (p.uid !== ctx.selfUid) {
    if (ctx.selfUid !== 0) return refuse(`owned by another user (uid ${p.uid})`);
    return { ok: true, otherUser: true };
  }
  return { ok: true, otherUser: false };
}

function refuse(reason: string): GuardVerdict {
  return { ok: false, reason };
}

function normalise(name: string): string {
  return name.trim().toLowerCase();
}

/**
 * The check right before acting on a process target, on a fresh read of
 * /proc: still the same process (same PID *and* start time — PIDs get reused),
 * not exited, allowed by the guards, and another user's only if the proposal
 * says so (`params.otherUsers`). Returns null when it may be acted on, or the
 * reason to skip it.
 */
export function revalidateProcess(
  t: ProcessTarget,
  ctx: GuardContext,
  params: Record<string, unknown> | undefined,
  procRoot = '/proc',
): string | null {
  const live = readLiveProcess(t.pid, procRoot);
  if (live === null) return 'already gone';
  if (live.startTime !== t.startTime) {
    return `PID reused: PID ${t.pid} now belongs to another process (start time ${live.startTime}, expected ${t.startTime}); not touched`;
  }
  if (live.state === 'Z' || live.state === 'X') return 'already gone (exited)';
  // Each group the proposal recorded is checked against today's protected list, not the one it was planned with.
  let v = checkTarget(live, ctx);
  for (const g of Array.isArray(t.groups) ? t.groups : []) {
    if (!v.ok) break;
    if (typeof g === 'string') v = checkTarget(live, ctx, g);
  }
  if (!v.ok) return `refused: ${v.reason}`;
  if (v.otherUser && params?.otherUsers !== true) return `refused: owned by another user (uid ${live.uid}) and the fix did not say so`;
  return null;
}
