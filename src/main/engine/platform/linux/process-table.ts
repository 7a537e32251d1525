/**
 * The live process table on Linux, read straight from /proc.
 *
 * Each scan reads /proc/PID/stat (and nothing else) for every PID into one
 * reused buffer; /proc/PID/cmdline and /proc/PID/status (for the UID) are read
 * only for processes not seen before (a PID whose start time changed is a new
 * process). Entries are updated in
 * place, so a steady machine allocates almost nothing per scan.
 *
 * On procfs the stat file of each known process stays open between scans and
 * is re-read from offset 0: one pread instead of open + read + close. For
 * ~930 processes the reads cost 4.6 instead of 12.6 ms, the whole scan 10.1
 * instead of 15.6 ms of CPU (`npm run bench -- process-scan`, docs/performance.md).
 * A held fd cannot mistake a new process for an old one: once the process it
 * was opened for is reaped, reads fail with ESRCH, the fd is closed and the
 * PID is read afresh by path. Held fds are capped at a quarter of the soft fd
 * limit (at most 4,096), so the rest of the process (the server's sockets,
 * SQLite, Docker) keeps most of its fds; beyond the cap, processes are read by
 * path as before. If the process runs out of fds anyway (EMFILE), the table
 * gives back every fd it holds and halves its cap before reading on. A root
 * that is not procfs (the tests' /proc-shaped folders) is always read by path:
 * there a deleted file stays readable through an open fd.
 *
 * Processes come and go while a scan reads them: one listed by readdir may be
 * gone by the time its files are opened, or exit between two of its files. A
 * process enters the table only once all of its files were read and a second
 * read of its stat shows the same process (same start time) still there;
 * otherwise it is counted as vanished and left out of this scan.
 *
 * Why not systeminformation.processes(): it forks a `cat` per process, about
 * 1.2 s of CPU per call with 1,000 processes here. This reader costs tens of
 * microseconds per process (see `npm run bench`).
 */

import { closeSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { ProcFileReader } from './proc-file.ts';
import { parseBootTime } from './system-files.ts';
import { nameAndCmdline } from './argv.ts';
import { newStatFields, parseStat, parseStatusUid, PF_KTHREAD } from './stat-parser.ts';

/** One process as Headroom tracks it. Mutated in place by scans; copy what you keep. */
export interface ProcEntry {
  pid: number;
  ppid: number;
  /** Start time in clock ticks after boot; with pid, the identity of the process. */
  startTime: number;
  /** Kernel comm (15 chars max). */
  comm: string;
  /** argv[0] basename, which is what `exec -a NAME` and process.title set; comm when argv is empty. */
  name: string;
  /** argv joined by spaces (NULs turned into spaces); empty for kernel threads and zombies. */
  cmdline: string;
  state: string;
  uid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  kernelThread: boolean;
  rssBytes: number;
  threads: number;
  /** utime + stime in clock ticks. */
  cpuTicks: number;
  cpuPercent: number;
  /** Open fds from the slower fd pass; null until counted or when unreadable. */
  fds: number | null;
  /**
   * Epoch ms since when the process is a zombie; 0 if it is not one. When this
   * table saw it change, that moment; when it was a zombie already at the
   * first sight, its start time (the kernel keeps no exit time), so a fresh
   * engine or CLI does not call a 28-minute-old zombie "seen 6 s".
   */
  zombieSince: number;
  /**
   * Epoch ms when the process started, from its kernel start time
   * (/proc/PID/stat field 22 after btime), not from when Headroom first saw it;
   * the scan time where the boot time is unknown. Shifted with wall-clock jumps (engine.ts).
   */
  firstSeen: number;
  /** Scan generation that last saw it; stale entries are dropped after a scan. */
  gen: number;
  /** Cached grouping-rule verdict, computed once per process by the grouper. */
  rule: unknown;
}

export interface ScanResult {
  processCount: number;
  threadCount: number;
  /** PIDs that appeared in this scan (new processes, including reused PIDs). */
  added: number;
  removed: number;
  /** Processes listed by this scan that exited before all of their files were read (left out). */
  vanished?: number;
}

/** Anything that keeps a process table: the /proc reader here, or the systeminformation fallback elsewhere. */
export interface ProcessSource {
  readonly entries: Map<number, ProcEntry>;
  /** `monotonic` (ms, any origin) times CPU rates; without it the wall time `now` does. */
  scan(now: number, monotonic?: number): ScanResult;
  countFds(): void;
  /** Releases what the source holds open between scans (the /proc reader's stat fds). */
  close?(): void;
}

export interface ProcessTableOptions {
  procRoot?: string;
  pageSize?: number;
  clockTicks?: number;
  /** Boot time, epoch ms (default: btime from <procRoot>/stat). */
  bootTimeMs?: number;
  /** Keep stat fds open between scans where procRoot is procfs (default true; false: by path, for the bench's comparison). */
  holdStatFds?: boolean;
}

const ZOMBIE = 'Z'.charCodeAt(0);
const PROC_SUPER_MAGIC = 0x9fa0;

/** How many stat fds a table on `procRoot` may hold: 0 unless it is procfs; a quarter of the soft fd limit, at most 4,096. */
export function statFdBudget(procRoot: string): number {
  try {
    if (statfsSync(procRoot).type !== PROC_SUPER_MAGIC) return 0;
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    const soft = m ? (m[1] === 'unlimited' ? Infinity : Number(m[1])) : 1024;
    return Math.min(4096, Math.floor(soft / 4));
  } catch {
    return 0;
  }
}
/** One-character strings for process states, so a scan doesn't allocate one per process. */
const STATE_CHARS: string[] = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i));

export class ProcessTable implements ProcessSource {
  readonly entries = new Map<number, ProcEntry>();
  private readonly reader = new ProcFileReader(64 * 1024);
  private readonly cmdReader = new ProcFileReader(128 * 1024);
  private readonly stat = newStatFields();
  /** Second read of a new process's stat, to confirm it outlived the reads of its other files. */
  private readonly recheck = newStatFields();
  private vanishedSoFar = 0;
  private readonly procRoot: string;
  private readonly pageSize: number;
  private readonly clockTicks: number;
  /** Boot time (epoch ms) that kernel start times count from; NaN when unreadable. */
  private readonly bootTimeMs: number;
  private gen = 0;
  private lastScanAt = 0;
  /** Open /proc/PID/stat fds of known processes, re-read from offset 0 each scan. */
  private readonly statFds = new Map<number, number>();
  private maxStatFds: number;

  constructor(opts: ProcessTableOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.pageSize = opts.pageSize ?? 4096;
    this.clockTicks = opts.clockTicks ?? 100;
    this.bootTimeMs = opts.bootTimeMs ?? readBootTimeMs(this.procRoot);
    this.maxStatFds = opts.holdStatFds === false ? 0 : statFdBudget(this.procRoot);
  }

  /** Stat fds held open right now (tests and diagnostics). */
  get heldStatFds(): number {
    return this.statFds.size;
  }

  /** Closes every held stat fd; the next scan reads by path and holds them again. */
  close(): void {
    for (const fd of this.statFds.values()) closeQuietly(fd);
    this.statFds.clear();
  }

  /**
   * This scan's read of a PID's stat into `this.reader.buf`: through its held fd while that still reads,
   * else by path, keeping the new fd when the budget allows. The byte count, or -1 when the process is gone.
   */
  private readStat(pid: number, dir: string): number {
    const held = this.statFds.get(pid);
    if (held !== undefined) {
      const n = this.reader.readFd(held);
      if (n > 0) return n;
      // Exited (ESRCH), whether or not its PID has a new process by now: read that one by path.
      closeQuietly(held);
      this.statFds.delete(pid);
    }
    // The path is built only here: a process read through its held fd costs no string.
    const path = `${this.procRoot}/${dir}/stat`;
    if (this.statFds.size >= this.maxStatFds) return this.readRelieved(this.reader, path);
    let fd = this.reader.open(path);
    if (fd < 0 && this.relieve(this.reader)) fd = this.reader.open(path);
    if (fd < 0) return -1;
    const n = this.reader.readFd(fd);
    if (n > 0) this.statFds.set(pid, fd);
    else closeQuietly(fd);
    return n;
  }

  /**
   * After `reader` failed to open a file for want of fds (EMFILE): gives back every held fd and halves the
   * cap, so neither this scan nor the rest of the process starves. True when that freed something to retry with.
   */
  private relieve(reader: ProcFileReader): boolean {
    if (reader.lastOpenError !== 'EMFILE' || this.statFds.size === 0) return false;
    this.maxStatFds = Math.floor(this.statFds.size / 2);
    this.close();
    return true;
  }

  /** Reads `path` with `reader`, once more after giving fds back if it failed for want of them. */
  private readRelieved(reader: ProcFileReader, path: string): number {
    const n = reader.read(path);
    return n < 0 && this.relieve(reader) ? reader.read(path) : n;
  }

  /** Drops the held fd of a PID that left the table. */
  private release(pid: number): void {
    const fd = this.statFds.get(pid);
    if (fd === undefined) return;
    closeQuietly(fd);
    this.statFds.delete(pid);
  }

  /** Epoch ms of a kernel start time (clock ticks after boot); `fallback` where the boot time is unknown. */
  startedAtMs(startTicks: number, fallback: number): number {
    return Number.isFinite(this.bootTimeMs) ? this.bootTimeMs + (startTicks * 1000) / this.clockTicks : fallback;
  }

  /** Processes that vanished between the listing and the end of their reads, over every scan so far. */
  get vanishedTotal(): number {
    return this.vanishedSoFar;
  }

  /**
   * Reads every process once. Never throws for a process that vanishes
   * mid-read: it is left out of the result and counted in `vanished`.
   */
  scan(now: number, monotonic: number = now): ScanResult {
    const gen = ++this.gen;
    // Elapsed time on the monotonic clock: a wall clock set back must not produce negative or huge CPU rates.
    const elapsedTicks = this.lastScanAt > 0 && monotonic > this.lastScanAt ? ((monotonic - this.lastScanAt) / 1000) * this.clockTicks : 0;
    this.lastScanAt = monotonic;
    const buf = this.reader.buf;
    const st = this.stat;
    let processCount = 0;
    let threadCount = 0;
    let added = 0;
    let vanished = 0;
    let names: string[];
    try {
      names = readdirSync(this.procRoot);
    } catch {
      names = [];
    }
    for (let i = 0; i < names.length; i++) {
      const dir = names[i];
      const c0 = dir.charCodeAt(0);
      if (c0 < 48 || c0 > 57) continue;
      const pid = Number(dir);
      const n = this.readStat(pid, dir);
      if (n <= 0 || !parseStat(buf, n, st)) {
        this.release(pid);
        vanished++; // gone between the listing and the read
        continue;
      }
      const known = this.entries.get(pid);
      let fresh: ProcEntry | null = null;
      // exec keeps the PID and start time but changes comm: a process first read between fork and exec
      // (`bash -c 'exec -a claude …'`, caught more often on a loaded machine) is read again, or it would
      // keep the shell's name and cmdline for good.
      const execd = known !== undefined && known.startTime === st.startTime && !known.kernelThread && buf.toString('utf8', st.commStart, st.commEnd) !== known.comm;
      if (known === undefined || known.startTime !== st.startTime || execd) {
        // (An old entry under this PID is a process that is gone, its PID reused: it is dropped after the loop.)
        fresh = this.newEntry(pid, `${this.procRoot}/${dir}`, now);
        if (fresh === null) {
          this.release(pid);
          vanished++;
          continue;
        }
      }
      // RSS, threads, CPU times, state, PPID and start time all come from this one stat read: its rss
      // field is the same counter as statm's "resident" (get_mm_rss), so statm is not read at all —
      // one open/read/close less per process per scan (docs/performance.md has the measurement).
      const residentPages = st.rssPages;
      if (fresh !== null) {
        this.entries.set(pid, fresh);
        added++;
      }
      const e = fresh ?? (known as ProcEntry);
      const ticks = st.utime + st.stime;
      e.cpuPercent = elapsedTicks > 0 && e.gen > 0 ? Math.max(0, ((ticks - e.cpuTicks) / elapsedTicks) * 100) : 0;
      e.cpuTicks = ticks;
      e.ppid = st.ppid;
      e.pgrp = st.pgrp;
      e.session = st.session;
      e.ttyNr = st.ttyNr;
      e.threads = st.numThreads;
      const isZombie = st.state === ZOMBIE;
      e.state = STATE_CHARS[st.state] ?? String.fromCharCode(st.state);
      if (isZombie && e.zombieSince === 0) e.zombieSince = fresh !== null ? Math.min(now, e.firstSeen) : now;
      else if (!isZombie) e.zombieSince = 0;
      e.rssBytes = residentPages * this.pageSize;
      e.gen = gen;
      processCount++;
      threadCount += st.numThreads;
    }
    let removed = 0;
    for (const [pid, e] of this.entries) {
      if (e.gen !== gen) {
        this.entries.delete(pid);
        this.release(pid);
        removed++;
      }
    }
    this.vanishedSoFar += vanished;
    return { processCount, threadCount, added, removed, vanished };
  }

  /** Counts open fds per process (the slower pass). Unreadable ones stay null. */
  countFds(): void {
    for (const e of this.entries.values()) {
      if (e.kernelThread || e.state === 'Z') {
        e.fds = null;
        continue;
      }
      e.fds = countFdsOf(`${this.procRoot}/${e.pid}/fd`);
    }
  }

  /**
   * A new process's entry from the stat just parsed into `this.stat` (in
   * `this.reader.buf`), its cmdline and its status; null when it exited (or
   * its PID was reused) before all of them were read.
   */
  private newEntry(pid: number, base: string, now: number): ProcEntry | null {
    const st = this.stat;
    const comm = this.reader.buf.toString('utf8', st.commStart, st.commEnd);
    const kernelThread = (st.flags & PF_KTHREAD) !== 0;
    let cmdline = '';
    let name = comm;
    if (!kernelThread) {
      const cn = this.readRelieved(this.cmdReader, `${base}/cmdline`);
      if (cn < 0) return null;
      if (cn > 0) {
        const argvEnd = this.cmdReader.buf[cn - 1] === 0 ? cn - 1 : cn;
        ({ name, cmdline } = nameAndCmdline(this.cmdReader.buf.toString('utf8', 0, argvEnd), comm));
      }
    }
    const sn = this.readRelieved(this.cmdReader, `${base}/status`);
    if (sn <= 0) return null;
    const uid = parseStatusUid(this.cmdReader.buf, sn);
    // Still the same process after those reads? (An exited one has no stat; a reused PID has another start time.)
    const rn = this.readRelieved(this.cmdReader, `${base}/stat`);
    if (rn <= 0 || !parseStat(this.cmdReader.buf, rn, this.recheck) || this.recheck.startTime !== st.startTime) return null;
    return {
      pid,
      ppid: st.ppid,
      startTime: st.startTime,
      comm,
      name,
      cmdline,
      state: String.fromCharCode(st.state),
      uid,
      pgrp: st.pgrp,
      session: st.session,
      ttyNr: st.ttyNr,
      kernelThread,
      rssBytes: 0,
      threads: 0,
      cpuTicks: st.utime + st.stime,
      cpuPercent: 0,
      fds: null,
      zombieSince: 0,
      firstSeen: this.startedAtMs(st.startTime, now),
      gen: 0,
      rule: undefined,
    };
  }
}

/**
 * Open fds of one process. Since Linux 6.2 the size of /proc/PID/fd is the fd
 * count, which avoids listing 50,000 fd names; older kernels report 0, so we
 * fall back to counting the directory entries.
 */
export function countFdsOf(fdDir: string): number | null {
  try {
    const size = statSync(fdDir).size;
    if (size > 0) return size;
    return readdirSync(fdDir).length;
  } catch {
    return null;
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* already closed: nothing held */
  }
}

/** btime from /proc/stat in epoch ms, or NaN (no /proc, or a test root without it). */
function readBootTimeMs(procRoot: string): number {
  try {
    return parseBootTime(readFileSync(`${procRoot}/stat`, 'utf8')) * 1000;
  } catch {
    return NaN;
  }
}
