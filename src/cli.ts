/**
 * The `headroom` command. Each subcommand lives in src/cli/<name>.ts and
 * returns its exit code; usage errors print one line and exit 2.
 */

import { historyCommand } from './cli/history.ts';
import { UsageError, processIo, type CliIo } from './cli/io.ts';
import { replayCommand } from './cli/replay.ts';
import { snapshotCommand } from './cli/snapshot.ts';
import { watchCommand } from './cli/watch.ts';

interface Command {
  summary: string;
  run: (args: string[], io: CliIo) => Promise<number>;
}

const COMMANDS: Record<string, Command> = {
  snapshot: { summary: 'snapshot [--json]               one sample of memory, applications, zombies, orphans, containers', run: snapshotCommand },
  watch: { summary: 'watch                           live terminal view, refreshed every 2 s (records history)', run: watchCommand },
  history: { summary: 'history <series> --since 3h [--json|--csv]   recorded samples of one series', run: historyCommand },
  replay: { summary: 'replay FILE.csv [--json]        run the live leak detector on a recorded trace', run: replayCommand },
};

function usage(): string {
  return ['usage: headroom <command> [options]', '', ...Object.values(COMMANDS).map((c) => `  headroom ${c.summary}`)].join('\n');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  const cmd = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!cmd) {
    io.err(`headroom: unknown command "${name.slice(0, 60)}" (try: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    io.err(`headroom ${name}: ${(err as Error).message}`);
    return 1;
  }
}
