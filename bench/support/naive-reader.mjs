// The naive baseline: a Node /proc reader as anyone would first write it.
// Every 2 s: meminfo, loadavg and the CPU line; every 5 s: every process's
// stat and statm with readFileSync and string splits. No grouping, no history.
import { readdirSync, readFileSync } from 'node:fs';

let latest = null;
function system() {
  const mem = readFileSync('/proc/meminfo', 'utf8').split('\n').slice(0, 5);
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ');
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/);
  latest = { mem, load, cpu, procs: latest?.procs ?? [] };
}
function processes() {
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const statm = readFileSync(`/proc/${name}/statm`, 'utf8').split(' ');
      procs.push({ pid: Number(name), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]), rss: Number(statm[1]) * 4096 });
    } catch {
      /* gone */
    }
  }
  latest.procs = procs;
}
system();
processes();
setInterval(system, 2000);
setInterval(processes, 5000);
