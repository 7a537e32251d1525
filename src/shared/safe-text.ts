/**
 * Untrusted text made safe to show. Process names, command lines, container
 * names and whatever a user types are chosen by someone else: a process can
 * rename itself to "\e[2J\e[31mPWN" (/proc/self/comm), and printed raw that
 * clears the terminal and recolours it; a right-to-left override (U+202E)
 * makes the rest of a line read backwards, so "Stop exe.gnp" could show what
 * it does not say. Every place that shows such text goes through here.
 *
 * No node-only imports: the renderer, the CLI and the engine share this file.
 */

/**
 * Characters never shown as they are: C0 controls (newline, ESC, …), DEL, C1
 * controls (U+009B is a one-character CSI on some terminals), the Unicode line
 * and paragraph separators, and the bidirectional-text controls.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** One unsafe character (UNSAFE without the global flag, whose lastIndex would carry over between tests). */
const UNSAFE_CHAR = new RegExp(UNSAFE.source);

/** Control characters (C0, DEL, C1): what an input value such as a series name may never hold. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * `text` with every unsafe character replaced by "?" and cut to `max`
 * characters (code points, so an emoji is never split), the cut marked "…".
 */
export function safeText(text: string, max = Number.POSITIVE_INFINITY): string {
  const clean = text.replace(UNSAFE, '?');
  if (clean.length <= max) return clean;
  const chars = Array.from(clean);
  return chars.length > max ? `${chars.slice(0, Math.max(0, max - 1)).join('')}…` : clean;
}

/** True when `text` holds a control character (C0, DEL or C1). */
export function hasControlChars(text: string): boolean {
  return CONTROL.test(text);
}

/** Longest stretch of a user's input echoed back in an error message. */
export const MAX_ECHO = 40;

/**
 * `text` with unsafe characters written as escapes (`\n`, `\x1b`, `\u202e`)
 * and cut to `max` characters, the cut marked "…": one line whatever it held.
 */
export function escapeInput(text: string, max = MAX_ECHO): string {
  const chars = Array.from(text);
  const shown = chars.slice(0, max).map(escapeChar).join('');
  return chars.length > max ? `${shown}…` : shown;
}

/**
 * A user's input as an error message quotes it: in double quotes, escaped
 * (see escapeInput), cut to `max` characters with the full length said, so
 * the message stays one short line whatever was typed.
 */
export function quoteInput(text: string, max = MAX_ECHO): string {
  const chars = Array.from(text);
  const shown = chars.slice(0, max).map((c) => (c === '"' ? '\\"' : escapeChar(c))).join('');
  return chars.length > max ? `"${shown}…" (${chars.length} characters)` : `"${shown}"`;
}

function escapeChar(c: string): string {
  if (c === '\\') return '\\\\';
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  if (c === '\r') return '\\r';
  if (!UNSAFE_CHAR.test(c)) return c;
  const code = c.codePointAt(0) as number;
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
