/** Output sinks and errors for CLI commands, so commands are testable without a terminal. */

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** A usage or input error: one line on stderr and exit code 2. */
export class UsageError extends Error {}

export const processIo: CliIo = {
  out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
  err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
};
