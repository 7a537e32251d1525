/**
 * Push channels: which engine event feeds which channel. Both transports (IPC
 * and WebSocket) subscribe through here, so they push the same things.
 */

import type { MachinePush, MachineSummary, PushChannel, PushChannels } from '../../../shared/contract.ts';
import type { Alert, FixProposal, Snapshot } from '../../../shared/model.ts';

/** The engine's events that become pushes (Engine implements this). */
export interface PushSource {
  on(event: 'snapshot', fn: (s: Snapshot) => void): unknown;
  on(event: 'alerts', fn: (a: Alert[]) => void): unknown;
  on(event: 'fixes', fn: (f: FixProposal[]) => void): unknown;
  off(event: 'snapshot', fn: (s: Snapshot) => void): unknown;
  off(event: 'alerts', fn: (a: Alert[]) => void): unknown;
  off(event: 'fixes', fn: (f: FixProposal[]) => void): unknown;
}

/** Delivers one push; a transport's sink must not throw (a failing client is the transport's business). */
export type PushSink = <C extends PushChannel>(channel: C, payload: PushChannels[C]) => void;

/**
 * Forwards the engine's snapshot, alerts and fixes events to `sink` as
 * snapshot:push, alerts:push and fixes:push. Returns the unsubscribe function.
 */
export function forwardPushes(source: PushSource, sink: PushSink): () => void {
  // A throwing sink would otherwise throw inside the engine's emit, i.e. inside its tick.
  const safe = <C extends PushChannel>(channel: C, payload: PushChannels[C]) => {
    try {
      sink(channel, payload);
    } catch {
      /* the transport logs its own failures */
    }
  };
  const onSnapshot = (s: Snapshot) => safe('snapshot:push', s);
  const onAlerts = (a: Alert[]) => safe('alerts:push', a);
  const onFixes = (f: FixProposal[]) => safe('fixes:push', f);
  source.on('snapshot', onSnapshot);
  source.on('alerts', onAlerts);
  source.on('fixes', onFixes);
  return () => {
    source.off('snapshot', onSnapshot);
    source.off('alerts', onAlerts);
    source.off('fixes', onFixes);
  };
}

/** The followed boxes' events that become pushes (RemoteMachines implements this). */
export interface MachinePushSource {
  summaries(): MachineSummary[];
  on(event: 'change', fn: (name: string) => void): unknown;
  on(event: 'push', fn: (p: MachinePush) => void): unknown;
  off(event: 'change', fn: (name: string) => void): unknown;
  off(event: 'push', fn: (p: MachinePush) => void): unknown;
}

/**
 * Forwards what the followed boxes push as machine:push, and their list as
 * machines:push whenever a row changes (a box's state or alert count; a new
 * snapshot alone changes no row, so it sends none). Returns the unsubscribe.
 */
export function forwardMachinePushes(source: MachinePushSource, sink: PushSink): () => void {
  let last = '';
  const onChange = () => {
    try {
      const rows = source.summaries();
      const text = JSON.stringify(rows);
      if (text === last) return;
      last = text;
      sink('machines:push', rows);
    } catch {
      /* the transport logs its own failures */
    }
  };
  const onPush = (p: MachinePush) => {
    try {
      sink('machine:push', p);
    } catch {
      /* as above */
    }
  };
  source.on('change', onChange);
  source.on('push', onPush);
  return () => {
    source.off('change', onChange);
    source.off('push', onPush);
  };
}
