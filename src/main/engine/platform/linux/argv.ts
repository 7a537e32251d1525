/**
 * A process's name and command line from /proc/PID/cmdline: one rule, used by
 * the process scan and by the fresh reads before a fix (live-process.ts), so a
 * guard sees the very name the planner saw.
 */

/**
 * `raw`: the cmdline file's text without its trailing NUL. The name is argv[0]'s
 * basename — what `exec -a NAME` and process.title set — or `comm` when argv is
 * empty. A path is taken whole (it may contain spaces); otherwise the first
 * word, because programs that rewrite their title ("npm exec foo",
 * process.title) put several words in argv[0].
 */
export function nameAndCmdline(raw: string, comm: string): { name: string; cmdline: string } {
  const nul = raw.indexOf('\0');
  const argv0 = nul < 0 ? raw : raw.slice(0, nul);
  const first = argv0.startsWith('/') ? argv0 : argv0.split(' ')[0];
  const slash = first.lastIndexOf('/');
  const base = slash >= 0 ? first.slice(slash + 1) : first;
  return { name: base.length > 0 ? base : comm, cmdline: raw.replace(/\0/g, ' ') };
}
