/**
 * Start at login on Linux: an XDG autostart entry, `headroom.desktop` in
 * `$XDG_CONFIG_HOME/autostart` (~/.config/autostart), which every freedesktop
 * session (GNOME, KDE, Xfce, Cinnamon, LXQt…) runs at login. Electron's
 * `app.setLoginItemSettings` covers only macOS and Windows.
 *
 * The entry text is built by a pure function, because the Exec line has its
 * own quoting rules (the Desktop Entry Specification, "The Exec key"), and a
 * path with a space or a `%` in it must not break the user's login.
 */

import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const AUTOSTART_FILE = 'headroom.desktop';

export interface DesktopEntryOptions {
  name: string;
  /** The program: an absolute path. */
  exec: string;
  args?: readonly string[];
  comment?: string;
  /** An icon name or an absolute path to a PNG. */
  icon?: string;
}

/** Characters that force an Exec argument into double quotes (spec: "reserved characters"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/**
 * Quotes one Exec argument per the spec: double quotes when it contains a
 * reserved character, with `"` `` ` `` `$` `\` backslash-escaped inside them;
 * `%` doubled (it starts field codes); then the whole value escaped once more
 * as a desktop-entry string, which turns each backslash into two.
 */
export function quoteExecArg(arg: string): string {
  if (arg.length === 0) return '""';
  if (/[\n\r\0]/.test(arg)) throw new Error('an Exec argument cannot contain a line break or NUL');
  let quoted = arg.replace(/%/g, '%%');
  if (RESERVED.test(arg)) quoted = `"${quoted.replace(/(["`$\\])/g, '\\$1')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

/** The text of an XDG autostart entry that starts Headroom hidden in the tray. */
export function desktopEntry(opts: DesktopEntryOptions): string {
  const clean = (v: string, what: string) => {
    if (/[\n\r\0]/.test(v)) throw new Error(`the ${what} of a desktop entry cannot contain a line break`);
    return v;
  };
  const exec = [opts.exec, ...(opts.args ?? [])].map(quoteExecArg).join(' ');
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${clean(opts.name, 'name')}`,
    ...(opts.comment ? [`Comment=${clean(opts.comment, 'comment')}`] : []),
    `Exec=${exec}`,
    ...(opts.icon ? [`Icon=${clean(opts.icon, 'icon')}`] : []),
    'Terminal=false',
    'Categories=System;Monitor;',
    'X-GNOME-Autostart-enabled=true',
    // Written by Headroom's "Start at login"; unticking it removes this file.
    'X-Headroom-Autostart=true',
    '',
  ];
  return lines.join('\n');
}

/** Where autostart entries live: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function xdgAutostartDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(base, 'autostart');
}

/** True when the entry exists and is not disabled (Hidden=true, or the GNOME switch off). */
export function isXdgAutostartEnabled(dir: string, fileName = AUTOSTART_FILE): boolean {
  const path = join(dir, fileName);
  if (!existsSync(path)) return false;
  try {
    const text = readFileSync(path, 'utf8');
    return !/^Hidden\s*=\s*true\s*$/m.test(text) && !/^X-GNOME-Autostart-enabled\s*=\s*false\s*$/m.test(text);
  } catch {
    return false;
  }
}

/** Writes (atomically) or removes the autostart entry. */
export function setXdgAutostart(enabled: boolean, dir: string, entry: DesktopEntryOptions, fileName = AUTOSTART_FILE): void {
  const path = join(dir, fileName);
  if (!enabled) {
    rmSync(path, { force: true });
    return;
  }
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, desktopEntry(entry), { mode: 0o644 });
  renameSync(tmp, path);
}

/**
 * The command that starts this build again: the AppImage itself when running
 * from one (its mount point changes every run), the installed binary when
 * packaged, or `electron <app folder>` in development.
 */
export function launchCommand(opts: {
  env: NodeJS.ProcessEnv;
  execPath: string;
  packaged: boolean;
  appPath: string;
  extraArgs?: readonly string[];
}): { exec: string; args: string[] } {
  const extra = [...(opts.extraArgs ?? [])];
  if (opts.env.APPIMAGE) return { exec: opts.env.APPIMAGE, args: extra };
  if (opts.packaged) return { exec: opts.execPath, args: extra };
  return { exec: opts.execPath, args: [opts.appPath, ...extra] };
}
