/** Output sinks and errors for CLI commands, so commands are testable without a terminal. */

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** A usage or input error: one line on stderr and exit code 2. */
export class UsageError extends Error {}

/** What `watch` writes before each frame on a terminal: clear the screen, cursor home. The one escape sequence the CLI sends. */
export const CLEAR_SCREEN = '\x1b[2J\x1b[H';

// eslint-disable-next-line no-control-regex
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * The last line of defence against terminal escape codes: every control
 * character except newline and tab becomes "?". Renderers already pass names
 * through `safeText` (shared/safe-text.ts); this catches what no renderer
 * knew was untrusted (an error message quoting a process, a log line). JSON
 * output is unaffected, since JSON.stringify escapes C0 controls itself. Only
 * a leading CLEAR_SCREEN, which `watch` writes on purpose, is kept.
 */
export function terminalSafe(s: string): string {
  if (s.startsWith(CLEAR_SCREEN)) return CLEAR_SCREEN + s.slice(CLEAR_SCREEN.length).replace(CONTROL_EXCEPT_LAYOUT, '?');
  return s.replace(CONTROL_EXCEPT_LAYOUT, '?');
}

function line(s: string): string {
  const safe = terminalSafe(s);
  return safe.endsWith('\n') ? safe : `${safe}\n`;
}

export const processIo: CliIo = {
  out: (s) => process.stdout.write(line(s)),
  err: (s) => process.stderr.write(line(s)),
};
