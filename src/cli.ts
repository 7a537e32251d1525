/**
 * The `headroom` command. Each subcommand lives in src/cli/<name>.ts and
 * returns its exit code; usage errors print one line and exit 2.
 */

import { selectMachine } from './cli/attach.ts';
import { fixCommand } from './cli/fix.ts';
import { fixesCommand } from './cli/fixes.ts';
import { historyCommand } from './cli/history.ts';
import { UsageError, processIo, type CliIo } from './cli/io.ts';
import { logCommand } from './cli/log.ts';
import { machinesCommand } from './cli/machines.ts';
import { metricsCommand } from './cli/metrics.ts';
import { replayCommand } from './cli/replay.ts';
import { reportCommand } from './cli/report.ts';
import { serveCommand } from './cli/serve.ts';
import { serviceCommand } from './cli/service.ts';
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
  serve: { summary: 'serve [--port N] [--host H] [--no-open] [--no-docker] [--no-metrics] [--metrics-token-file F]   the window in a browser (web mode, token URL) and /metrics', run: serveCommand },
  fixes: { summary: 'fixes [--json] [--no-docker]    the one-click fixes on offer now, with their ids', run: fixesCommand },
  fix: { summary: 'fix <id> [--dry-run] [--yes] [--json] [--no-docker]   preview, confirm and run one fix', run: (args, io) => fixCommand(args, io) },
  log: { summary: 'log [--json] [--limit N]        the audit log of fixes run', run: logCommand },
  report: { summary: 'report [--since 3h] [--out FILE.md] [--html] [--no-live]   analysis report of the recorded history', run: reportCommand },
  metrics: { summary: 'metrics [--port 9464] [--host H] [--token-file F]   Prometheus /metrics exporter (runs the engine)', run: metricsCommand },
  machines: { summary: 'machines [list] | add NAME SSH-DESTINATION | remove NAME   the remote boxes followed over SSH', run: machinesCommand },
  service: { summary: 'service install|uninstall|run|socket-path   run the engine on this box at boot (systemd user unit), for laptops to follow over SSH', run: serviceCommand },
};

/** Commands that ask an engine, and so can ask a remote box's (`headroom --machine NAME …`). */
const MACHINE_COMMANDS = new Set(['snapshot', 'fixes', 'fix', 'report', 'log', 'history', 'watch']);

function usage(): string {
  return [
    'usage: headroom [--machine NAME] <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  headroom ${c.summary}`),
    '',
    `  --machine NAME   ask the engine of a remote box over SSH (${[...MACHINE_COMMANDS].join(', ')}); see docs/remote.md`,
  ].join('\n');
}

/** Splits a leading `--machine NAME` / `--machine=NAME` off argv. */
function machineFlag(argv: string[]): { machine: string | null; rest: string[] } {
  const [first, ...more] = argv;
  if (first === '--machine') {
    if (more.length === 0 || more[0] === '') throw new UsageError('headroom --machine: expected a machine name (or SSH destination)');
    return { machine: more[0], rest: more.slice(1) };
  }
  if (first?.startsWith('--machine=')) return { machine: first.slice('--machine='.length), rest: more };
  return { machine: null, rest: argv };
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  let machine: string | null;
  try {
    ({ machine, rest: argv } = machineFlag(argv));
  } catch (err) {
    io.err((err as Error).message);
    return 2;
  }
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
  if (machine !== null && !MACHINE_COMMANDS.has(name)) {
    io.err(`headroom ${name}: --machine works with ${[...MACHINE_COMMANDS].join(', ')}`);
    return 2;
  }
  try {
    selectMachine(machine);
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(err.message);
      return 2;
    }
    io.err(`headroom ${name}: ${(err as Error).message}`);
    return 1;
  } finally {
    selectMachine(null);
  }
}
