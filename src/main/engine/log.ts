/**
 * The engine's log: one line per event, timestamped, to stderr (or a sink the
 * caller gives) and kept in a small ring for the UI. Logging never throws.
 */

export interface Logger {
  (line: string): void;
  recent(): readonly string[];
}

export function createLogger(sink: ((line: string) => void) | null = (l) => process.stderr.write(`${l}\n`), keep = 200): Logger {
  const ring: string[] = [];
  const log = ((line: string) => {
    const stamped = `${new Date().toISOString()} ${line}`;
    ring.push(stamped);
    if (ring.length > keep) ring.shift();
    try {
      sink?.(stamped);
    } catch {
      /* a broken stderr must not take the monitor down */
    }
  }) as Logger;
  log.recent = () => ring;
  return log;
}
