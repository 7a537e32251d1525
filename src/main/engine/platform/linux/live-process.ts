/**
 * Fresh, single-process reads of /proc: for the remediation framework, the
 * engine lock's owner check and the desktop app's children at quit.
 *
 * The engine's process table can be seconds old; a fix must look at the
 * process *as it is now* right before it signals it (PIDs get reused), so these
 * reads bypass the table. They are not on the sampling path: a fix reads a few
 * files per target, once. They use the scan's own parsers (stat-parser.ts,
 * argv.ts, system-files.ts): /proc is parsed in this folder only.
 */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { nameAndCmdline } from './argv.ts';
import { newStatFields, parseStat, parseStatusUid, parseStatusVmRssKb, PF_KTHREAD, type StatFields } from './stat-parser.ts';
import { parseMeminfo } from './system-files.ts';

/**
 * /proc/PID/stat parsed by the process table's own parser (one parser, so the
 * fix sees exactly the identity the planner saw), or null when the process is
 * gone or the file is not a stat line. Fresh fields each call: these reads are
 * rare, and callers keep what they get.
 */
function readStat(pid: number, procRoot: string): { fields: StatFields; raw: Buffer } | null {
  if (!Number.isSafeInteger(pid) || pid <= 0) return null;
  let raw: Buffer;
  try {
    raw = readFileSync(`${procRoot}/${pid}/stat`);
  } catch {
    return null;
  }
  const fields = newStatFields();
  return parseStat(raw, raw.length, fields) ? { fields, raw } : null;
}

/** A process as it is right now, with what the guards and the identity check need. */
export interface LiveProcess {
  pid: number;
  ppid: number;
  startTime: number;
  state: string;
  comm: string;
  /** argv[0] basename (what `exec -a` sets), or comm when argv is empty. */
  name: string;
  cmdline: string;
  uid: number;
  session: number;
  ttyNr: number;
  kernelThread: boolean;
  rssBytes: number;
}

/** Reads one process now, or null when it does not exist (or vanished mid-read). Never throws. */
export function readLiveProcess(pid: number, procRoot = '/proc'): LiveProcess | null {
  const base = `${procRoot}/${pid}`;
  const read = readStat(pid, procRoot);
  if (!read) return null;
  const { fields: f, raw } = read;
  const comm = raw.toString('utf8', f.commStart, f.commEnd);
  const kernelThread = (f.flags & PF_KTHREAD) !== 0;
  const st = { state: String.fromCharCode(f.state), ppid: f.ppid, session: f.session, ttyNr: f.ttyNr, startTime: f.startTime, rssPages: f.rssPages };
  let uid = -1;
  let rssBytes = st.rssPages * 4096;
  try {
    const status = readFileSync(`${base}/status`);
    uid = parseStatusUid(status, status.length);
    const kb = parseStatusVmRssKb(status, status.length);
    if (kb >= 0) rssBytes = kb * 1024;
    else if (st.state === 'Z' || kernelThread) rssBytes = 0;
  } catch {
    /* vanished between the two reads: the identity check notices */
  }
  let cmdline = '';
  let name = comm;
  if (!kernelThread) {
    try {
      const raw = readFileSync(`${base}/cmdline`, 'utf8');
      // The process table's naming rule, so a guard sees the same name the planner saw.
      ({ name, cmdline } = nameAndCmdline(raw.endsWith('\0') ? raw.slice(0, -1) : raw, comm));
    } catch {
      /* a zombie or a vanished process has no cmdline */
    }
  }
  return {
    pid,
    ppid: st.ppid,
    startTime: st.startTime,
    state: st.state,
    comm,
    name,
    cmdline,
    uid,
    session: st.session,
    ttyNr: st.ttyNr,
    kernelThread,
    rssBytes,
  };
}

/** Only what stat says of identity and state (one file), for the tight "is it gone yet" loop while a fix waits. */
export function readStartAndState(pid: number, procRoot = '/proc'): { startTime: number; state: string; ppid: number } | null {
  const read = readStat(pid, procRoot);
  return read && { state: String.fromCharCode(read.fields.state), startTime: read.fields.startTime, ppid: read.fields.ppid };
}

/**
 * Is the process with this identity still running? A PID that now has another
 * start time is another process, and an exited one (zombie 'Z', dead 'X') holds
 * no memory any more, so both count as gone.
 */
export function isRunning(pid: number, startTime: number, procRoot = '/proc'): boolean {
  const now = readStartAndState(pid, procRoot);
  return now !== null && now.startTime === startTime && now.state !== 'Z' && now.state !== 'X';
}

/** Does a process with this identity still exist at all (a zombie counts: it still holds its PID)? */
export function exists(pid: number, startTime: number, procRoot = '/proc'): boolean {
  const now = readStartAndState(pid, procRoot);
  return now !== null && now.startTime === startTime && now.state !== 'X';
}

/** The PIDs from `pid`'s parent up to PID 1: the chain that started Headroom (terminal, shell, ...). */
export function readAncestors(pid: number, procRoot = '/proc'): number[] {
  const out: number[] = [];
  let p = readPpid(pid, procRoot);
  for (let depth = 0; p > 0 && depth < 256 && !out.includes(p); depth++) {
    out.push(p);
    if (p === 1) break;
    p = readPpid(p, procRoot);
  }
  return out;
}

function readPpid(pid: number, procRoot: string): number {
  return readStat(pid, procRoot)?.fields.ppid ?? -1;
}

/**
 * Descendants of `pid` that run the same executable as `pid` itself, through
 * a chain of such processes: its own helper processes (Electron's renderer
 * and GPU processes). Read from
 * /proc/PID/task/TID/children, so no full scan is needed. Bounded; never throws.
 */
export function readOwnHelpers(pid: number, procRoot = '/proc'): number[] {
  let exe: string;
  try {
    exe = readlinkSync(`${procRoot}/${pid}/exe`);
  } catch {
    return [];
  }
  const out: number[] = [];
  const queue = [pid];
  const seen = new Set<number>([pid]);
  while (queue.length > 0 && seen.size < 2000) {
    const p = queue.shift() as number;
    for (const c of childPids(p, procRoot)) {
      if (seen.has(c)) continue;
      seen.add(c);
      try {
        // Only a helper's children can be helpers (Electron's zygote forks the renderers); a shell and what it runs cannot.
        if (readlinkSync(`${procRoot}/${c}/exe`) === exe) {
          out.push(c);
          queue.push(c);
        }
      } catch {
        /* exited, or a zombie */
      }
    }
  }
  return out;
}

function childPids(pid: number, procRoot: string): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`${procRoot}/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      for (const w of readFileSync(`${procRoot}/${pid}/task/${tid}/children`, 'latin1').split(' ')) {
        const n = Number(w);
        if (n > 0) out.push(n);
      }
    } catch {
      /* the thread ended */
    }
  }
  return out;
}

/** Session id of a process (its session leader's PID), or -1. */
export function readSession(pid: number, procRoot = '/proc'): number {
  return readStat(pid, procRoot)?.fields.session ?? -1;
}

/** System memory used (total − available, as `free` computes it), or 0 where /proc/meminfo is absent. */
export function readUsedMemoryBytes(procRoot = '/proc'): number {
  try {
    return parseMeminfo(readFileSync(`${procRoot}/meminfo`, 'latin1')).usedBytes;
  } catch {
    return 0;
  }
}
