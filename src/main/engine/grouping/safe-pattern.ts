/**
 * A static check that refuses user grouping patterns able to backtrack
 * catastrophically. JavaScript regular expressions backtrack, and the engine
 * runs them synchronously inside its tick: `(a+)+$` against a process named
 * "aaaaaaaaaaaaaaaaaaaaaaaaaaab" takes over a second, doubling with every
 * character, and any local user can name a process that way. No linear-time
 * engine ships as pure JS or with a prebuilt binary we can rely on in both
 * Node and Electron, so user patterns are held to a shape that cannot blow up
 * exponentially:
 *
 * - no repeated group that itself contains a repeat or an optional part
 *   (star height > 1): `(a+)+`, `(\w*\s)*`, `(x{1,3}){2,}`, `(a?a?)+`;
 * - no repeated group containing an alternation: `(a|a)*`, `(ab|a)+`
 *   (overlapping alternatives are as bad as nesting, and cheap to rule out);
 * - no backreferences (`\1`, `\k<name>`), which make matching NP-hard.
 *
 * Polynomial cases (`.*.*.*x`) remain possible; the grouper bounds them by
 * matching user patterns against at most MAX_USER_SUBJECT characters of a
 * command line (grouper.ts). The built-in rules are not held to this: they are
 * ours, reviewed, and use nested repeats only where a mandatory separator
 * keeps them linear.
 */

/** Longest part of a command line a user pattern is matched against. */
export const MAX_USER_SUBJECT = 1024;

interface Frame {
  /** The group holds a quantifier of variable count (`*`, `+`, `?`, `{n,m}`): its match length can vary. */
  varies: boolean;
  /** The group holds an alternation `|`. */
  alternates: boolean;
  /** Where the group opened, to quote it in the message. */
  start: number;
}

/** A quantifier's bounds from `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` at `i`; null when there is no quantifier there. */
function quantifierAt(src: string, i: number): { min: number; max: number; end: number } | null {
  const c = src[i];
  let min: number;
  let max: number;
  let end: number;
  if (c === '*' || c === '+') [min, max, end] = [c === '*' ? 0 : 1, Infinity, i + 1];
  else if (c === '?') [min, max, end] = [0, 1, i + 1];
  else if (c === '{') {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
    if (!m) return null;
    min = Number(m[1]);
    max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
    end = i + m[0].length;
  } else return null;
  if (src[end] === '?') end++;
  return { min, max, end };
}

/** The index just past an escape sequence starting at `i` (the backslash). */
function escapeEnd(src: string, i: number): number {
  const next = src[i + 1];
  if ((next === 'p' || next === 'P' || next === 'u') && src[i + 2] === '{') {
    const close = src.indexOf('}', i + 3);
    return close === -1 ? src.length : close + 1;
  }
  return i + 2;
}

/** The index just past a character class starting at `i` (the `[`). */
function classEnd(src: string, i: number): number {
  let j = i + 1;
  if (src[j] === '^') j++;
  if (src[j] === ']') j++;
  while (j < src.length && src[j] !== ']') j = src[j] === '\\' ? escapeEnd(src, j) : j + 1;
  return j + 1;
}

/**
 * Why `source` may backtrack catastrophically, as one sentence quoting the
 * offending part; null when it has none of the shapes above. Assumes
 * `source` compiles (check with `new RegExp` first).
 */
export function catastrophicBacktrackingProblem(source: string): string | null {
  const stack: Frame[] = [{ varies: false, alternates: false, start: 0 }];
  const quote = (from: number, to: number) => JSON.stringify(source.slice(from, to).slice(0, 60));
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    let atomEnd: number;
    let group: Frame | null = null;
    if (c === '\\') {
      const next = source[i + 1];
      if ((next >= '1' && next <= '9') || (next === 'k' && source[i + 2] === '<')) {
        return `backreference ${quote(i, i + 3)}: matching with backreferences can take exponential time`;
      }
      atomEnd = escapeEnd(source, i);
    } else if (c === '[') {
      atomEnd = classEnd(source, i);
    } else if (c === '(') {
      stack.push({ varies: false, alternates: false, start: i });
      i++;
      continue;
    } else if (c === ')') {
      group = stack.length > 1 ? (stack.pop() as Frame) : null;
      atomEnd = i + 1;
    } else if (c === '|') {
      stack[stack.length - 1].alternates = true;
      i++;
      continue;
    } else {
      atomEnd = i + 1;
    }
    const q = quantifierAt(source, atomEnd);
    const top = stack[stack.length - 1];
    if (group) {
      // What the closed group held counts for the group around it too.
      top.varies ||= group.varies;
      top.alternates ||= group.alternates;
    }
    if (q && q.max > 1) {
      if (group?.varies) return `nested repeat ${quote(group.start, q.end)}: a repeated group that itself repeats can take exponential time`;
      if (group?.alternates) return `repeated alternation ${quote(group.start, q.end)}: a repeated group with alternatives can take exponential time`;
    }
    if (q && q.min !== q.max) top.varies = true;
    i = q ? q.end : atomEnd;
  }
  return null;
}

/**
 * Why a user rule's cmdline pattern cannot be used, or null: it does not
 * compile, or it may backtrack catastrophically. The message names the rule.
 */
export function userPatternProblem(ruleName: string, pattern: string): string | null {
  const rule = `group rule ${JSON.stringify(ruleName.slice(0, 60))}`;
  try {
    new RegExp(pattern);
  } catch (err) {
    return `${rule}: bad cmdline pattern (${(err as Error).message})`;
  }
  const problem = catastrophicBacktrackingProblem(pattern);
  return problem ? `${rule}: cmdline pattern refused, ${problem} (repeat single characters or classes instead, e.g. \\S+ rather than (\\S+)+)` : null;
}
