/**
 * The terminal screen of `headroom watch`: the alternate screen, a hidden
 * cursor, and a frame drawn as a diff — only the rows whose text changed are
 * written (cursor to the row, the line, clear to its end). A quiet machine
 * redraws one or two rows a tick (the clock, a figure), not the whole screen,
 * which keeps the monitor's own cost and the terminal's flicker down.
 */

import { fit } from './ansi.ts';

export class Screen {
  private shown: string[] = [];
  private width = 0;
  private height = 0;

  constructor(private readonly write: (s: string) => void) {}

  /** Switches to the alternate screen and hides the cursor. */
  enter(): void {
    this.write('\x1b[?1049h\x1b[?25l\x1b[2J');
    this.shown = [];
  }

  /** Shows the cursor and returns to the user's screen as it was. */
  leave(): void {
    this.write('\x1b[?25h\x1b[?1049l');
  }

  /** Draws `lines` on a `width` × `height` terminal, writing only what differs from the last frame. Returns the rows written. */
  draw(lines: readonly string[], width: number, height: number): number {
    let out = '';
    if (width !== this.width || height !== this.height) {
      // A resize reflows whatever the terminal kept: start from a clean screen.
      out += '\x1b[2J';
      this.shown = [];
      this.width = width;
      this.height = height;
    }
    const rows = Math.min(lines.length, height);
    const next: string[] = [];
    let written = 0;
    for (let i = 0; i < Math.max(rows, this.shown.length); i++) {
      const line = i < rows ? fit(lines[i], width) : '';
      next.push(line);
      if (line === this.shown[i]) continue;
      out += `\x1b[${i + 1};1H${line}\x1b[K`;
      written++;
    }
    this.shown = next;
    if (out !== '') this.write(out);
    return written;
  }
}
