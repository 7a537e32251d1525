/**
 * Runs the user's own `ssh` — the only place Headroom starts it. Always an
 * argv (ssh-args.ts), never a shell; BatchMode on and no terminal, so ssh can
 * never stop to ask for a password (Headroom never sees or stores one: keys,
 * agent and ~/.ssh/config are the user's).
 *
 * Two uses: a long-lived forward of the remote engine's socket (`-L`, tethered
 * to this process by its stdin: ssh-args.ts FORWARD_TETHER), and a
 * one-off query of where that socket is. Both report failure as an
 * SshFailure read from ssh's stderr (ssh-failure.ts).
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { lstatSync, unlinkSync } from 'node:fs';
import { forwardArgs, socketQueryArgs, type SshOptions } from './ssh-args.ts';
import { classifySshFailure, type SshFailure } from './ssh-failure.ts';

/** stderr kept per ssh process: enough for its messages, bounded against a chatty one. */
const MAX_STDERR = 16 * 1024;

export interface SshForward {
  readonly localPath: string;
  readonly pid: number | undefined;
  /** Resolves once the local socket accepts connections; rejects with an SshFailure if ssh exits first. */
  readonly ready: Promise<void>;
  /** Resolves when ssh has exited, with why (meaningful after `ready`: the link went down). */
  readonly exited: Promise<SshFailure>;
  /** The stderr so far (for messages about the forwarded connections). */
  stderr(): string;
  /** Ends ssh (TERM) and waits for it. */
  stop(): Promise<void>;
}

/** Every ssh this process started and has not seen exit, so they end with it (a forward must not outlive Headroom). */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const c of live) c.kill('SIGTERM');
  });
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    text = (text + d).slice(-MAX_STDERR);
  });
  return () => text;
}

/** Starts `ssh -T -L localPath:remotePath -- destination 'cat >/dev/null'`. */
export function startForward(opts: { destination: string; localPath: string; remotePath: string; ssh?: SshOptions; pollMs?: number; readyTimeoutMs?: number }): SshForward {
  const ssh = opts.ssh ?? {};
  // A socket left by an earlier forward would look ready before ssh has logged in.
  removeSocket(opts.localPath);
  // stdin is a pipe held open and never written: its end, when this process ends however it ends, ends ssh.
  const child = spawn(ssh.program ?? 'ssh', forwardArgs(opts.destination, opts.localPath, opts.remotePath, ssh), { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stdin?.on('error', () => {}); // EPIPE once ssh has exited is expected, not a crash
  track(child);
  const stderr = collect(child);
  let exitedNow = false;
  const exited = new Promise<SshFailure>((resolve) => {
    const done = (code: number | null, detail?: string) => {
      exitedNow = true;
      const failure = classifySshFailure(stderr() + (detail ? `\n${detail}` : ''), code, opts.destination);
      resolve(failure);
    };
    child.once('error', (err: NodeJS.ErrnoException) => done(null, err.code === 'ENOENT' ? 'ssh is not installed (no `ssh` on PATH)' : err.message));
    child.once('close', (code) => done(code));
  });
  // ssh prints no "connected" message: the local socket appearing is the sign that login and the listener are done.
  const ready = new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? ((ssh.connectTimeoutSec ?? 15) + 15) * 1000);
    const poll = () => {
      if (exitedNow) return; // `exited` below rejects
      if (isSocket(opts.localPath)) {
        resolve();
        return;
      }
      if (Date.now() > deadline) {
        reject({ kind: 'unreachable', reason: `${opts.destination} did not complete the SSH login in time` } satisfies SshFailure);
        child.kill('SIGTERM');
        return;
      }
      setTimeout(poll, opts.pollMs ?? 50);
    };
    void exited.then(reject);
    poll();
  });
  ready.catch(() => {}); // a caller that never awaits `ready` must not crash the process
  return {
    localPath: opts.localPath,
    pid: child.pid,
    ready,
    exited,
    stderr,
    async stop() {
      if (!exitedNow) {
        child.kill('SIGTERM');
        await exited;
      }
      removeSocket(opts.localPath);
    },
  };
}

/** Runs the remote socket query; resolves with its first line, or rejects with an SshFailure. */
export function querySocketPath(destination: string, ssh: SshOptions = {}, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ssh.program ?? 'ssh', socketQueryArgs(destination, ssh), { stdio: ['ignore', 'pipe', 'pipe'] });
    track(child);
    const stderr = collect(child);
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (out.length < 4096) out += d;
    });
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(classifySshFailure(err.message, null, destination));
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n')[0]?.trim() ?? '';
      if (code === 0 && line.startsWith('/') && line.length < 200) resolve(line);
      else reject(classifySshFailure(stderr(), code, destination));
    });
  });
}

function isSocket(path: string): boolean {
  try {
    return lstatSync(path).isSocket();
  } catch {
    return false;
  }
}

function removeSocket(path: string): void {
  if (!isSocket(path)) return;
  try {
    unlinkSync(path);
  } catch {
    /* gone already */
  }
}
