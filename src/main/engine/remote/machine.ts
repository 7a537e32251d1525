/**
 * One followed box: keeps an SSH forward of its engine's channel up, a channel
 * client on it, and the box's latest snapshot, alerts and fixes as the remote
 * engine pushes them (no polling: following a box costs the laptop the
 * parsing of what the box sends). Whatever fails becomes a state with a
 * reason (shared/machines.ts), and the connection is retried with backoff
 * (backoff.ts) until stop().
 *
 * On every (re)connection the current snapshot, alerts and fixes are asked for
 * once, so what the box recorded while the link was down shows at once; its
 * history never left the box and is read from there on demand.
 */

import { EventEmitter } from 'node:events';
import type { InvokeChannel, Req, Res } from '../../../shared/contract.ts';
import { STUCK_STATES, type MachineStateKind, type MachineStatus } from '../../../shared/machines.ts';
import type { Alert, FixProposal, Snapshot } from '../../../shared/model.ts';
import { ChannelError, connectChannel, type ChannelClient } from '../channel/client.ts';
import { attemptAfter, backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.ts';
import type { SshOptions } from './ssh-args.ts';
import type { SshFailure } from './ssh-failure.ts';
import { querySocketPath, startForward, type SshForward } from './ssh-process.ts';

/** Channels a followed box must serve: what the surfaces show and the fix path. */
export const MACHINE_NEEDS: readonly InvokeChannel[] = ['snapshot:get', 'alerts:list', 'fixes:list', 'fix:preview', 'fix:run'];

export interface MachineOptions {
  name: string;
  destination: string;
  /** The remote engine's socket; asked of the box (ssh-args.ts REMOTE_SOCKET_QUERY) when absent. */
  socket?: string;
  /** Where the forward appears here (local-socket.ts). */
  localPath: string;
  ssh?: SshOptions;
  backoff?: BackoffPolicy;
  /** No snapshot from a connected box for this long shows it as slow (the engine pushes every ~2 s). */
  slowAfterMs?: number;
  log?: (line: string) => void;
  now?: () => number;
  random?: () => number;
}

export interface MachineEvents {
  status: [MachineStatus];
  snapshot: [Snapshot];
  alerts: [Alert[]];
  fixes: [FixProposal[]];
}

class Failure extends Error {
  constructor(
    readonly kind: Exclude<MachineStateKind, 'ok' | 'slow' | 'connecting'>,
    readonly reason: string,
  ) {
    super(reason);
  }
}

export class MachineConnection extends EventEmitter<MachineEvents> {
  readonly name: string;
  readonly destination: string;
  private state: MachineStatus;
  private snap: Snapshot | null = null;
  private alertList: Alert[] = [];
  private fixList: FixProposal[] = [];
  private client: ChannelClient | null = null;
  private forward: SshForward | null = null;
  private remotePath: string | null;
  private stopped = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private slowTimer: NodeJS.Timeout | null = null;
  private readonly now: () => number;
  private readonly log: (line: string) => void;

  constructor(private readonly opts: MachineOptions) {
    super();
    this.name = opts.name;
    this.destination = opts.destination;
    this.remotePath = opts.socket ?? null;
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.state = { name: opts.name, destination: opts.destination, state: 'connecting', reason: null, since: this.now(), engine: null, nextAttemptAt: null };
  }

  status(): MachineStatus {
    return { ...this.state };
  }
  snapshot(): Snapshot | null {
    return this.snap;
  }
  alerts(): Alert[] {
    return this.alertList;
  }
  fixes(): FixProposal[] {
    return this.fixList;
  }

  /** Starts connecting (and reconnecting) until stop(). */
  start(): void {
    this.loop ??= this.run();
  }

  /** Tries again now, skipping the rest of a backoff wait (a user's "Reconnect"). */
  retryNow(): void {
    this.wake?.();
  }

  /** Calls a channel on the box's engine; rejects with an ApiError-shaped error when the box is not connected. */
  invoke<C extends InvokeChannel>(channel: C, arg: Req<C>): Promise<Res<C>> {
    if (!this.client) return Promise.reject({ code: 'refused', message: `${this.name} is not connected (${this.state.reason ?? this.state.state})` });
    return this.client.invoke(channel, arg);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.client?.close();
    await this.forward?.stop();
    await this.loop;
    this.clearSlow();
  }

  private setState(state: MachineStateKind, reason: string | null, nextAttemptAt: number | null = null): void {
    const same = this.state.state === state && this.state.reason === reason;
    const engine = state === 'ok' || state === 'slow' ? this.state.engine : null;
    this.state = { ...this.state, state, reason, engine, since: same ? this.state.since : this.now(), nextAttemptAt };
    if (!same) this.log(`remote ${this.name}: ${state}${reason ? ` — ${reason}` : ''}`);
    this.emit('status', this.status());
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      let failure: Failure;
      let upSince: number | null = null;
      try {
        await this.connectOnce(() => (upSince = this.now()));
        if (this.stopped) break;
        failure = new Failure('unreachable', `the connection to ${this.destination} was lost`);
      } catch (err) {
        failure = err instanceof Failure ? err : new Failure('unreachable', (err as Error).message ?? String(err));
      }
      await this.teardown();
      if (this.stopped) break;
      // The box may have moved its data directory (or been set up since): ask again next time.
      if (failure.kind === 'no-engine' && this.opts.socket === undefined) this.remotePath = null;
      const stuck = STUCK_STATES.has(failure.kind);
      const policy = this.opts.backoff ?? DEFAULT_BACKOFF;
      // Only a connection that held counts as a fresh start (backoff.ts, STABLE_MS).
      attempt = attemptAfter(attempt, upSince === null ? null : this.now() - upSince, policy);
      const delay = backoffDelay(attempt++, stuck, (this.opts.random ?? Math.random)(), policy);
      this.setState(failure.kind, failure.reason, this.now() + delay);
      await this.sleep(delay);
      if (!this.stopped) this.setState('connecting', null);
    }
  }

  /** One connection, from ssh to hello; resolves when it ends (the forward exited or the channel closed). */
  private async connectOnce(connected: () => void): Promise<void> {
    this.remotePath ??= await querySocketPath(this.destination, this.opts.ssh).catch((f: SshFailure) => {
      throw new Failure(f.kind, f.reason);
    });
    if (this.stopped) return;
    const forward = startForward({ destination: this.destination, localPath: this.opts.localPath, remotePath: this.remotePath, ssh: this.opts.ssh });
    this.forward = forward;
    await forward.ready.catch((f: SshFailure) => {
      throw new Failure(f.kind, f.reason);
    });
    if (this.stopped) return;
    let client: ChannelClient;
    try {
      client = await connectChannel(forward.localPath, { subscribe: ['snapshot:push', 'alerts:push', 'fixes:push'], needs: MACHINE_NEEDS, timeoutMs: 15_000 });
    } catch (err) {
      throw this.channelFailure(err, forward);
    }
    this.client = client;
    const closed = new Promise<void>((resolve) => client.onClose(() => resolve()));
    client.on('snapshot:push', (s) => this.onSnapshot(s));
    client.on('alerts:push', (a) => this.onAlerts(a));
    client.on('fixes:push', (f) => this.onFixes(f));
    // What happened on the box while we were away, at once (the pushes bring the rest).
    const [snap, alerts, fixes] = await Promise.all([client.invoke('snapshot:get', undefined), client.invoke('alerts:list', undefined), client.invoke('fixes:list', undefined)]).catch(
      (err: { message?: string }) => {
        throw new Failure('unreachable', `${this.destination}: ${err.message ?? 'the engine stopped answering'}`);
      },
    );
    this.state = { ...this.state, engine: { kind: client.engine.kind, pid: client.engine.pid, startedAt: client.engine.startedAt } };
    connected();
    this.setState('ok', null);
    this.onFixes(fixes);
    this.onAlerts(alerts);
    if (snap) this.onSnapshot(snap);
    else this.armSlow();
    await Promise.race([closed, forward.exited]);
  }

  private channelFailure(err: unknown, forward: SshForward): Failure {
    const message = (err as Error).message ?? String(err);
    if (err instanceof ChannelError && err.code === 'refused' && /version|older and lacks|not a Headroom engine/.test(message)) {
      return new Failure('version-mismatch', `${this.destination} runs another Headroom: ${message}`);
    }
    // ssh accepted our connection but could not reach the remote socket: it says so on stderr.
    if (/open failed|port -2/.test(forward.stderr())) {
      return new Failure('no-engine', `no Headroom engine answers on ${this.destination} (${this.remotePath}): run \`headroom service install\` there`);
    }
    return new Failure('unreachable', `${this.destination}: ${message}`);
  }

  private onSnapshot(s: Snapshot): void {
    this.snap = s;
    if (this.state.state === 'slow') this.setState('ok', null);
    this.armSlow();
    this.emit('snapshot', s);
  }
  private onAlerts(a: Alert[]): void {
    this.alertList = a;
    this.emit('alerts', a);
  }
  private onFixes(f: FixProposal[]): void {
    this.fixList = f;
    this.emit('fixes', f);
  }

  /** A connected box that stops sending is "slow" until it sends again (or ssh's keep-alive gives up on it). */
  private armSlow(): void {
    this.clearSlow();
    const after = this.opts.slowAfterMs ?? 20_000;
    this.slowTimer = setTimeout(() => {
      if (this.state.state === 'ok') this.setState('slow', `no update from ${this.destination} for ${Math.round(after / 1000)} s`);
    }, after);
    this.slowTimer.unref();
  }
  private clearSlow(): void {
    if (this.slowTimer) clearTimeout(this.slowTimer);
    this.slowTimer = null;
  }

  private async teardown(): Promise<void> {
    this.clearSlow();
    this.client?.close();
    this.client = null;
    await this.forward?.stop();
    this.forward = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
