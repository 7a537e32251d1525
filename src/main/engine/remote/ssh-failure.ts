/**
 * What went wrong, read from ssh's stderr and exit code. ssh says why in
 * English on stderr and exits 255 for every failure of its own, so the
 * message is the only way to tell a changed host key (refuse, and say so
 * loudly) from a box that is merely off (retry quietly).
 *
 * Pure: tested on the real messages of OpenSSH 9.2.
 */

export type SshFailureKind = 'host-key-changed' | 'host-key-unknown' | 'auth-failed' | 'no-engine' | 'unreachable';

export interface SshFailure {
  kind: SshFailureKind;
  /** One line for the surfaces. */
  reason: string;
}

/** The last meaningful line of ssh's stderr (its own banners of asterisks and "@@@" boxes skipped). */
function lastLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^@+$/.test(l) && !l.startsWith('@') && !/^\*+$/.test(l));
  return (lines.at(-1) ?? '').slice(0, 200);
}

/** Classifies a failed ssh run; `destination` names the box in the reason. */
export function classifySshFailure(stderr: string, exitCode: number | null, destination: string): SshFailure {
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED/.test(stderr)) {
    const offending = /Offending [^\n]*key in ([^\n]+)/.exec(stderr)?.[1]?.trim();
    return {
      kind: 'host-key-changed',
      reason: `the host key of ${destination} has changed; ssh refused to connect${offending ? ` (known key: ${offending.slice(0, 120)})` : ''}. If the box was reinstalled, check its new key and remove the old one with ssh-keygen -R`,
    };
  }
  if (/Host key verification failed|No \S+ host key is known for/.test(stderr)) {
    return { kind: 'host-key-unknown', reason: `the host key of ${destination} is not known: connect once with \`ssh ${destination}\` to check and accept it` };
  }
  if (/Permission denied|Too many authentication failures/.test(stderr)) {
    return { kind: 'auth-failed', reason: `ssh could not log in to ${destination} with your keys or agent (${lastLine(stderr)})` };
  }
  if (/open failed|connect to \S+ port -2 failed|forwarding .* failed|remote port forwarding failed/i.test(stderr)) {
    return { kind: 'no-engine', reason: `no Headroom engine answers on ${destination}: run \`headroom service install\` there` };
  }
  const line = lastLine(stderr);
  return { kind: 'unreachable', reason: `${destination} cannot be reached${line ? `: ${line}` : exitCode !== null ? ` (ssh exited with ${exitCode})` : ''}` };
}
