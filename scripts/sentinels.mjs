// The check that `npm test` leaves alone what it did not start.
//
// Before the tests: two sentinel processes that look like a developer's real
// agent sessions (Node processes titled `claude` and `codex`, exactly as the
// real CLIs appear in /proc), which no test spawns and no test's grouping rule
// names; one sentinel container on the system dockerd; and a record of the
// system dockerd (PID + start time) and of every container running on it that
// no test run created (names not starting with hr-test-, hr-sentinel-, hr-soak-:
// those belong to this or another concurrent run, which may remove them).
//
// After the tests: the dockerd is the same process, each recorded container is
// still running with the same StartedAt, and each sentinel process is alive,
// the same process (start time), not stopped, and has received no signal at
// all — the sentinels catch and log every catchable signal (a SIGCHLD "reminder"
// or a trapped SIGTERM would not kill them), so a fix that reached one is seen
// even if it did no harm.
//
// Nothing here is timed: the sentinels only wait, and the docker CLI calls
// have bounds for a daemon that never answers, not for a slow one.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';
const SYSTEM_HOST = 'unix:///var/run/docker.sock';
const PIDFILE = '/var/run/docker.pid';
const IMAGE = 'headroom-test/busybox:1';
/** Prefixes of containers that test runs create (and remove) themselves. */
const RUN_PREFIXES = ['hr-test-', 'hr-sentinel-', 'hr-soak-'];

// Catchable signals a fix or a stray kill could send; SIGKILL and SIGSTOP are seen as death and state T.
const SENTINEL_JS = `
const fs = require('node:fs');
const [title, log] = process.argv.slice(1);
process.title = title;
const signals = ['SIGHUP','SIGINT','SIGQUIT','SIGTERM','SIGUSR1','SIGUSR2','SIGCHLD','SIGCONT','SIGALRM','SIGWINCH','SIGTSTP','SIGTTIN','SIGTTOU','SIGPIPE','SIGURG','SIGXCPU','SIGXFSZ','SIGVTALRM','SIGPROF','SIGIO','SIGPWR','SIGSYS','SIGTRAP','SIGABRT'];
for (const s of signals) {
  try { process.on(s, () => fs.appendFileSync(log, s + '\\n')); } catch {}
}
// Ends with the run that started it (its stdin pipe closes), even if that run is killed.
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
fs.appendFileSync(log, '');
`;

function docker(...args) {
  return execFileSync(DOCKER, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOCKER_HOST: SYSTEM_HOST }, timeout: 120_000 }).trim();
}

function statOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0], start: rest[19] };
  } catch {
    return null;
  }
}

function dockerdNow() {
  try {
    const pid = Number(readFileSync(PIDFILE, 'utf8').trim());
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === 'dockerd' ? { pid, start: statOf(pid)?.start ?? null } : null;
  } catch {
    return null;
  }
}

/** Running containers on the system daemon: id → { name, startedAt }. */
function runningContainers() {
  const ids = docker('ps', '-q', '--no-trunc').split('\n').filter(Boolean);
  if (ids.length === 0) return new Map();
  const lines = docker('inspect', '-f', '{{.Id}} {{.Name}} {{.State.Running}} {{.State.StartedAt}}', ...ids).split('\n');
  const out = new Map();
  for (const l of lines) {
    const [id, name, running, startedAt] = l.split(' ');
    if (running === 'true') out.set(id, { name: name.replace(/^\//, ''), startedAt });
  }
  return out;
}

function waitUntil(cond, what) {
  // Bounded for a process that never comes up, not for a slow machine.
  const end = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`sentinels: timed out waiting for ${what}`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
}

/** Starts the sentinels and records the system dockerd. Returns { check(), stop() }. */
export function startSentinels() {
  const dir = mkdtempSync(join(tmpdir(), 'headroom-test-sentinels-'));
  const procs = ['claude', 'codex'].map((title) => {
    const log = join(dir, `${title}.signals`);
    // detached: a session of its own, like an agent in another terminal, so this terminal's SIGINT or SIGWINCH
    // (a resize) never reaches it; only something acting on it does.
    const child = spawn(process.execPath, ['-e', SENTINEL_JS, title, log], { stdio: ['pipe', 'ignore', 'inherit'], detached: true });
    const titled = () => {
      try {
        return existsSync(log) && readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === title;
      } catch {
        return false;
      }
    };
    waitUntil(titled, `the ${title} sentinel`);
    return { title, log, child, pid: child.pid, start: statOf(child.pid).start };
  });

  const daemon = dockerdNow();
  const name = `hr-sentinel-${process.pid}-${Date.now().toString(36)}`;
  // No network: the sentinel must not depend on docker0; a restart policy of none, so a restart is visible.
  docker('run', '-d', '--name', name, '--network', 'none', IMAGE, 'sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600; done');
  const containers = new Map([...runningContainers()].filter(([, c]) => c.name === name || !RUN_PREFIXES.some((p) => c.name.startsWith(p))));

  let stopped = false;
  return {
    /** The two checks, each { name, ok, problems }. */
    check() {
      const procProblems = [];
      for (const p of procs) {
        const now = statOf(p.pid);
        if (!now || now.state === 'Z' || now.state === 'X') procProblems.push(`${p.title} (PID ${p.pid}) was killed`);
        else if (now.start !== p.start) procProblems.push(`${p.title} (PID ${p.pid}) is a different process now`);
        else if (now.state === 'T' || now.state === 't') procProblems.push(`${p.title} (PID ${p.pid}) was stopped`);
        const got = existsSync(p.log) ? readFileSync(p.log, 'utf8').split('\n').filter(Boolean) : [];
        if (got.length > 0) procProblems.push(`${p.title} (PID ${p.pid}) received ${got.join(', ')}`);
      }
      const dockerProblems = [];
      const d = dockerdNow();
      if (!daemon) dockerProblems.push('no system dockerd was running at the start');
      else if (!d || d.pid !== daemon.pid || d.start !== daemon.start) dockerProblems.push(`the system dockerd (PID ${daemon.pid}) was stopped or replaced (now ${d ? `PID ${d.pid}` : 'none'})`);
      let now = new Map();
      try {
        now = runningContainers();
      } catch (err) {
        dockerProblems.push(`the system dockerd does not answer: ${err.message.split('\n')[0]}`);
      }
      for (const [id, c] of containers) {
        const after = now.get(id);
        if (!after) dockerProblems.push(`container ${c.name} (${id.slice(0, 12)}) is no longer running`);
        else if (after.startedAt !== c.startedAt) dockerProblems.push(`container ${c.name} was restarted (StartedAt ${c.startedAt} → ${after.startedAt})`);
      }
      return [
        { name: `sentinel processes (${procs.map((p) => p.title).join(', ')}) untouched: alive, same start time, no signal received`, ok: procProblems.length === 0, problems: procProblems },
        { name: `system dockerd (PID ${daemon?.pid}) and its ${containers.size} non-test container(s) untouched`, ok: dockerProblems.length === 0, problems: dockerProblems },
      ];
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const p of procs) {
        p.child.stdin.end();
        if (statOf(p.pid)?.start === p.start) p.child.kill('SIGKILL');
      }
      try {
        docker('rm', '-f', name);
      } catch {
        /* already gone: the check said so */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a runner script: starts the sentinels (a failure to start counts as one failed check) and returns
 * finish(), which prints the two checks ✔/✖ with their problems and returns { passed, failed } to add to
 * the run's totals. The sentinels are removed on exit whatever happens.
 */
export function guardRun(who) {
  let s = null;
  let startError = null;
  try {
    s = startSentinels();
    process.on('exit', () => s.stop());
  } catch (err) {
    startError = err;
    console.error(`${who}: the sentinels could not be started: ${err.message}`);
  }
  return {
    finish() {
      if (!s) return { passed: 0, failed: 1 };
      let passed = 0;
      let failed = 0;
      for (const c of s.check()) {
        console.log(`${c.ok ? '✔' : '✖'} ${c.name}`);
        for (const p of c.problems) console.log(`    ${p}`);
        if (c.ok) passed++;
        else failed++;
      }
      s.stop();
      return { passed, failed: failed + (startError ? 1 : 0) };
    },
  };
}
