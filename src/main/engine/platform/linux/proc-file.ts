/**
 * Reads small /proc files into one reused buffer, synchronously.
 *
 * Why not fs.readFileSync: it allocates a new Buffer (and usually a string) per
 * file, and a scan reads two or three files for each of ~1,000 processes every
 * few seconds. One reused buffer keeps the sampling path allocation-light.
 */

import { closeSync, openSync, readSync } from 'node:fs';

export class ProcFileReader {
  readonly buf: Buffer;

  constructor(size = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /**
   * Reads the file at `path` into `this.buf`; returns the byte count, or -1 if
   * the file cannot be read (the process vanished, or we may not read it).
   * A vanished process is normal on a live machine and never an error.
   */
  read(path: string): number {
    const fd = this.open(path);
    if (fd < 0) return -1;
    try {
      return this.readFd(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Why the last `open` failed ('ENOENT' for a vanished process, 'EMFILE' when out of fds), or null. */
  lastOpenError: string | null = null;

  /** Opens `path` for reading; the fd, or -1 when it cannot be opened (the process vanished; see lastOpenError). */
  open(path: string): number {
    try {
      const fd = openSync(path, 'r');
      this.lastOpenError = null;
      return fd;
    } catch (err) {
      this.lastOpenError = typeof (err as { code?: unknown }).code === 'string' ? ((err as { code: string }).code) : 'unknown';
      return -1;
    }
  }

  /**
   * Reads an open file from its start into `this.buf`: the byte count, or -1.
   * On procfs each read from offset 0 regenerates the file, so an fd held open
   * reads the current figures; once the process has exited and been reaped it
   * fails with ESRCH (-1 here), even if its PID has been reused since.
   */
  readFd(fd: number): number {
    try {
      let total = 0;
      // /proc files report size 0, so read until EOF or the buffer is full.
      for (;;) {
        const n = readSync(fd, this.buf, total, this.buf.length - total, total);
        if (n <= 0) break;
        total += n;
        if (total >= this.buf.length) break;
      }
      return total;
    } catch {
      return -1;
    }
  }

  /** Reads a file as latin1 text (for the few whole-machine files read once per tick), or null. */
  text(path: string): string | null {
    const n = this.read(path);
    return n < 0 ? null : this.buf.toString('latin1', 0, n);
  }
}

/** Parses an unsigned decimal integer from `buf` starting at `pos`; returns [value, nextPos]. Pure. */
export function parseUint(buf: Uint8Array, pos: number, end: number): number {
  let v = 0;
  while (pos < end) {
    const c = buf[pos];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
    pos++;
  }
  return v;
}
