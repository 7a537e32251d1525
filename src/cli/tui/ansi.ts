/**
 * The few terminal codes `headroom watch` writes itself: SGR colours, and
 * fitting a coloured line to the terminal's width. Everything that came from
 * outside (process and container names, titles) has already been through
 * `safeText`, so the only escape sequences in a line are the ones made here.
 */

export type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold' | 'reverse';

const SGR: Record<Style, string> = { red: '31', yellow: '33', green: '32', cyan: '36', dim: '2', bold: '1', reverse: '7' };
const RESET = '\x1b[0m';
// eslint-disable-next-line no-control-regex
const SGR_SEQUENCE = /\x1b\[[0-9;]*m/y;

/** Wraps text in a style; a painter without colour (NO_COLOR, a pipe) returns the text as it is. */
export type Paint = (style: Style, text: string) => string;

export function painter(color: boolean): Paint {
  return color ? (style, text) => `\x1b[${SGR[style]}m${text}${RESET}` : (_style, text) => text;
}

/** Columns `s` takes on screen: its code points, less our SGR sequences. */
export function visibleLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; ) {
    SGR_SEQUENCE.lastIndex = i;
    if (s.charCodeAt(i) === 0x1b && SGR_SEQUENCE.test(s)) {
      i = SGR_SEQUENCE.lastIndex;
      continue;
    }
    const cp = s.codePointAt(i) as number;
    i += cp > 0xffff ? 2 : 1;
    n++;
  }
  return n;
}

/**
 * `s` cut to `width` columns: a longer line ends in "…" (and a colour reset, so
 * a cut inside a coloured span does not bleed into the next line). Lines never
 * wrap, so the screen's rows stay where the diff-drawing expects them.
 */
export function fit(s: string, width: number): string {
  if (width <= 0) return '';
  if (visibleLength(s) <= width) return s;
  let out = '';
  let n = 0;
  let styled = false;
  for (let i = 0; i < s.length; ) {
    SGR_SEQUENCE.lastIndex = i;
    if (s.charCodeAt(i) === 0x1b && SGR_SEQUENCE.test(s)) {
      const seq = s.slice(i, SGR_SEQUENCE.lastIndex);
      out += seq;
      styled = seq !== RESET;
      i = SGR_SEQUENCE.lastIndex;
      continue;
    }
    if (n === width - 1) break;
    const cp = s.codePointAt(i) as number;
    const len = cp > 0xffff ? 2 : 1;
    out += s.slice(i, i + len);
    i += len;
    n++;
  }
  return `${out}…${styled ? RESET : ''}`;
}

/** Pads a (possibly coloured) cell to `width` columns, on the right or, for figures, on the left. */
export function pad(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const gap = Math.max(0, width - visibleLength(s));
  return align === 'left' ? s + ' '.repeat(gap) : ' '.repeat(gap) + s;
}
