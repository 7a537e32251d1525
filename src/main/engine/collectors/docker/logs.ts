/**
 * A container's last log lines, read on demand (the Containers view's "Last
 * log lines"), never per tick: the monitor stays light. Bounded on both ends —
 * at most MAX_LOG_LINES lines are asked of the engine, and at most
 * MAX_LOG_BYTES of its answer are kept — so a container that logs megabytes
 * per line cannot make the page heavy.
 */

import type { ContainerLogs } from '../../../../shared/contract.ts';
import type { DockerClient } from './client.ts';

export const MAX_LOG_LINES = 200;
export const MAX_LOG_BYTES = 64 * 1024;
/** A longer line is cut: a log line is read by a person, not parsed. */
const MAX_LINE_CHARS = 2000;

/**
 * Splits the engine's answer into lines. Without a TTY the engine multiplexes
 * stdout and stderr in frames (1 byte stream, 3 zero bytes, 4 bytes big-endian
 * length, payload); with a TTY it is the raw text. Pure; exported for tests.
 */
export function logLines(buf: Buffer): string[] {
  const looksFramed = buf.length >= 8 && buf[0] <= 2 && buf[1] === 0 && buf[2] === 0 && buf[3] === 0;
  let text = '';
  if (looksFramed) {
    const parts: Buffer[] = [];
    for (let at = 0; at + 8 <= buf.length; ) {
      const len = buf.readUInt32BE(at + 4);
      parts.push(buf.subarray(at + 8, Math.min(buf.length, at + 8 + len)));
      at += 8 + len;
    }
    text = Buffer.concat(parts).toString('utf8');
  } else {
    text = buf.toString('utf8');
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS)}…` : l));
}

/** The last `lines` lines of container `id` (stdout and stderr, in order), keeping the newest MAX_LOG_BYTES. */
export async function readContainerLogs(client: DockerClient, id: string, name: string, lines: number): Promise<ContainerLogs> {
  if (!client.containerLogs) throw new Error('this Docker client cannot read logs');
  const tail = Math.max(1, Math.min(MAX_LOG_LINES, Math.floor(lines)));
  const raw = await client.containerLogs(id, tail);
  const kept = raw.length > MAX_LOG_BYTES ? raw.subarray(raw.length - MAX_LOG_BYTES) : raw;
  // Cutting into a framed answer loses the frame headers: read the cut part as plain text.
  const out = raw.length > MAX_LOG_BYTES ? logLines(Buffer.concat([Buffer.from('\n'), kept])).slice(1) : logLines(kept);
  return { id, name, lines: out.slice(-tail), truncated: raw.length > MAX_LOG_BYTES };
}
