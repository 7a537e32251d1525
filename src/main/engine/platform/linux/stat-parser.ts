/**
 * Byte-level parsers for /proc/PID/stat and /proc/PID/status.
 *
 * They read numbers straight out of the reused buffer instead of decoding the
 * file to a string and splitting it: the process scan runs for every PID every
 * few seconds, and this is where its cost lives.
 */

import { parseUint } from './proc-file.ts';

/** The fields of /proc/PID/stat that Headroom uses. Reused across calls: copy what you keep. */
export interface StatFields {
  /** Byte offsets of the comm (between the first "(" and the last ")"). */
  commStart: number;
  commEnd: number;
  state: number; // char code: R S D Z T t X I ...
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  flags: number;
  utime: number;
  stime: number;
  numThreads: number;
  /** Clock ticks after boot: with the PID, the identity of a process (PIDs are reused). */
  startTime: number;
  rssPages: number;
}

export function newStatFields(): StatFields {
  return {
    commStart: 0,
    commEnd: 0,
    state: 0,
    ppid: 0,
    pgrp: 0,
    session: 0,
    ttyNr: 0,
    flags: 0,
    utime: 0,
    stime: 0,
    numThreads: 0,
    startTime: 0,
    rssPages: 0,
  };
}

const SPACE = 32;
const CLOSE_PAREN = 41;
const MINUS = 45;

/**
 * Parses /proc/PID/stat in `buf[0..len)` into `out`. Returns false if the
 * content is not a stat line. The comm may contain spaces and parentheses,
 * so fields are counted from the *last* ")".
 */
export function parseStat(buf: Uint8Array, len: number, out: StatFields): boolean {
  let close = len - 1;
  while (close > 0 && buf[close] !== CLOSE_PAREN) close--;
  if (close <= 0) return false;
  let open = 0;
  while (open < close && buf[open] !== 40) open++;
  out.commStart = open + 1;
  out.commEnd = close;
  // After ") " comes field 3 (state); fields are counted from 3.
  let pos = close + 2;
  if (pos >= len) return false;
  out.state = buf[pos];
  let field = 3;
  pos++;
  while (pos < len && field < 24) {
    if (buf[pos] !== SPACE) {
      pos++;
      continue;
    }
    pos++;
    field++;
    // tty_nr and a few others can be negative in theory; we only need the sign for ttyNr.
    const neg = buf[pos] === MINUS;
    const v = parseUint(buf, neg ? pos + 1 : pos, len);
    switch (field) {
      case 4: out.ppid = v; break;
      case 5: out.pgrp = v; break;
      case 6: out.session = v; break;
      case 7: out.ttyNr = neg ? -v : v; break;
      case 9: out.flags = v; break;
      case 14: out.utime = v; break;
      case 15: out.stime = v; break;
      case 20: out.numThreads = v; break;
      case 22: out.startTime = v; break;
      case 24: out.rssPages = v; break;
    }
  }
  return field >= 24;
}

/** Kernel threads carry PF_KWORKER/PF_KTHREAD; they are never an application and never a target. */
export const PF_KTHREAD = 0x00200000;

const UID_TAG = Buffer.from('\nUid:\t');

/** Real UID from /proc/PID/status in `buf[0..len)`, or -1 if absent. */
export function parseStatusUid(buf: Buffer, len: number): number {
  const at = buf.indexOf(UID_TAG, 0);
  if (at < 0 || at >= len) return -1;
  return parseUint(buf, at + UID_TAG.length, len);
}

const VMRSS_TAG = Buffer.from('\nVmRSS:');

/** VmRSS in kB from /proc/PID/status in `buf[0..len)`, or -1 if absent (a zombie or a kernel thread has none). */
export function parseStatusVmRssKb(buf: Buffer, len: number): number {
  const at = buf.indexOf(VMRSS_TAG, 0);
  if (at < 0 || at >= len) return -1;
  let pos = at + VMRSS_TAG.length;
  while (pos < len && (buf[pos] === 0x20 || buf[pos] === 0x09)) pos++;
  if (pos >= len || buf[pos] < 0x30 || buf[pos] > 0x39) return -1;
  return parseUint(buf, pos, len);
}
