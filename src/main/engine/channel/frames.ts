/**
 * The local channel's wire format: newline-delimited JSON, one message per
 * line, the same request/response/push envelopes as the web mode's WebSocket
 * (server/ws-clients.ts). A stream socket has no message boundaries of its own,
 * so lines are cut here; a line longer than the bound is refused rather than
 * buffered, because a peer that never sends a newline must not grow our memory.
 *
 * Pure: no sockets here, so the framing is tested on its own.
 */

/** Longest line a client may send (requests are small: an id, a channel, a settings patch). */
export const MAX_REQUEST_FRAME_BYTES = 1024 * 1024;
/** Longest line a server may send (a Snapshot of a machine with thousands of processes, a report). */
export const MAX_REPLY_FRAME_BYTES = 64 * 1024 * 1024;

export class FrameTooLarge extends Error {}

/** One message as a line. JSON.stringify escapes newlines inside strings, so the line has exactly one, at its end. */
export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/** Result of one line: a parsed value, or why it could not be parsed. */
export type Frame = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Cuts a byte stream into lines and parses each as JSON. Bytes are kept as
 * Buffers until a line is complete, so a UTF-8 character split across two
 * chunks is decoded whole.
 */
export class FrameReader {
  private parts: Buffer[] = [];
  private pending = 0;

  constructor(private readonly maxBytes: number) {}

  /**
   * Feeds a chunk; returns the frames it completed. Throws FrameTooLarge once
   * the unfinished line passes the bound (the connection should then close:
   * where the next message starts is unknown).
   */
  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.pending + piece.length > this.maxBytes) throw new FrameTooLarge(`a message longer than ${this.maxBytes} bytes`);
      const line = this.parts.length === 0 ? piece : Buffer.concat([...this.parts, piece]);
      this.parts = [];
      this.pending = 0;
      start = nl + 1;
      out.push(parseLine(line));
    }
    const rest = chunk.subarray(start);
    if (rest.length > 0) {
      this.pending += rest.length;
      if (this.pending > this.maxBytes) throw new FrameTooLarge(`a message longer than ${this.maxBytes} bytes`);
      // Copied: the caller's buffer may be reused once this returns.
      this.parts.push(Buffer.from(rest));
    }
    return out;
  }
}

function parseLine(line: Buffer): Frame {
  const text = line.toString('utf8').replace(/\r$/, '');
  if (text.trim() === '') return { ok: false, error: 'empty message' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
}
