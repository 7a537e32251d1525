/**
 * All followed boxes: one MachineConnection per entry of `settings.machines`,
 * kept in step with the settings (a machine added, removed or pointed
 * elsewhere is connected, dropped or reconnected), and one place the surfaces
 * read from: statuses, each box's snapshot/alerts/fixes, and calls on a named
 * box's engine (a fix runs *there*, through its own re-check and audit log).
 */

import { EventEmitter } from 'node:events';
import type { InvokeChannel, MachinePush, MachineSummary, Req, Res } from '../../../shared/contract.ts';
import { machineLive, type MachineStatus } from '../../../shared/machines.ts';
import type { Alert, FixProposal, Severity, Snapshot } from '../../../shared/model.ts';
import type { MachineSetting } from '../../../shared/settings.ts';
import type { BackoffPolicy } from './backoff.ts';
import { localSocketPath } from './local-socket.ts';
import { MachineConnection } from './machine.ts';
import { sshOptionsFromEnv, type SshOptions } from './ssh-args.ts';

export interface RemoteMachinesOptions {
  dataDir: string;
  ssh?: SshOptions;
  backoff?: BackoffPolicy;
  slowAfterMs?: number;
  log?: (line: string) => void;
}

/** What one box contributes to the surfaces. */
export interface MachineView {
  status: MachineStatus;
  snapshot: Snapshot | null;
  alerts: Alert[];
  fixes: FixProposal[];
}

export interface RemoteMachinesEvents {
  /** Anything about `name` changed: its state, or what it pushed. */
  change: [name: string];
  /** A box pushed its alert list (notifications diff these). */
  alerts: [name: string, alerts: Alert[]];
  /** Anything a box pushed, tagged with the box (the window's machine:push). */
  push: [push: MachinePush];
}

export class RemoteMachines extends EventEmitter<RemoteMachinesEvents> {
  private readonly machines = new Map<string, { setting: MachineSetting; conn: MachineConnection }>();
  private readonly ssh: SshOptions;

  constructor(private readonly opts: RemoteMachinesOptions) {
    super();
    this.ssh = opts.ssh ?? sshOptionsFromEnv();
  }

  /** Brings the followed set in line with `list` (settings.machines). */
  async update(list: readonly MachineSetting[]): Promise<void> {
    const wanted = new Map(list.map((m) => [m.name, m]));
    const stops: Promise<void>[] = [];
    for (const [name, { setting, conn }] of this.machines) {
      const next = wanted.get(name);
      if (next && next.destination === setting.destination && next.socket === setting.socket) continue;
      this.machines.delete(name);
      conn.removeAllListeners();
      stops.push(conn.stop());
      this.emit('change', name);
    }
    await Promise.all(stops);
    for (const m of list) if (!this.machines.has(m.name)) this.add(m);
  }

  private add(setting: MachineSetting): void {
    const conn = new MachineConnection({
      name: setting.name,
      destination: setting.destination,
      socket: setting.socket,
      localPath: localSocketPath(this.opts.dataDir, setting.name),
      ssh: this.ssh,
      backoff: this.opts.backoff,
      slowAfterMs: this.opts.slowAfterMs,
      log: this.opts.log,
    });
    const machine = setting.name;
    const changed = () => this.emit('change', machine);
    conn.on('status', changed);
    conn.on('snapshot', (payload) => {
      this.emit('push', { machine, channel: 'snapshot:push', payload });
      changed();
    });
    conn.on('fixes', (payload) => {
      this.emit('push', { machine, channel: 'fixes:push', payload });
      changed();
    });
    conn.on('alerts', (payload) => {
      this.emit('alerts', machine, payload);
      this.emit('push', { machine, channel: 'alerts:push', payload });
      changed();
    });
    this.machines.set(setting.name, { setting, conn });
    conn.start();
    // Listed at once (connecting…), not only at its first state change.
    this.emit('change', machine);
  }

  names(): string[] {
    return [...this.machines.keys()];
  }

  view(name: string): MachineView | null {
    const m = this.machines.get(name)?.conn;
    return m ? { status: m.status(), snapshot: m.snapshot(), alerts: m.alerts(), fixes: m.fixes() } : null;
  }

  views(): MachineView[] {
    return this.names().map((n) => this.view(n) as MachineView);
  }

  /** Each box's state with its firing alerts, counted where they are known (the machine switcher's rows). */
  summaries(): MachineSummary[] {
    return this.views().map(({ status, alerts }) => summarize(status, alerts));
  }

  statuses(): MachineStatus[] {
    return [...this.machines.values()].map((m) => m.conn.status());
  }

  /** Calls `channel` on the engine of box `name`. */
  invoke<C extends InvokeChannel>(name: string, channel: C, arg: Req<C>): Promise<Res<C>> {
    const m = this.machines.get(name);
    if (!m) return Promise.reject({ code: 'not-found', message: `no machine called ${JSON.stringify(name).slice(0, 80)}` });
    return m.conn.invoke(channel, arg);
  }

  /** Skips the backoff wait of box `name` (or of every box). */
  retryNow(name?: string): void {
    for (const [n, m] of this.machines) if (name === undefined || n === name) m.conn.retryNow();
  }

  async close(): Promise<void> {
    await this.update([]);
  }
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

/** A box's row: its alerts count only while its data is live (an unreachable box's last list is stale). */
export function summarize(status: MachineStatus, alerts: readonly Alert[]): MachineSummary {
  let firing = 0;
  let worst: MachineSummary['worst'] = null;
  if (machineLive(status)) {
    for (const a of alerts) {
      if (a.state !== 'firing') continue;
      firing++;
      if (worst === null || RANK[a.severity] > RANK[worst]) worst = a.severity;
    }
  }
  return { status, firing, worst };
}
