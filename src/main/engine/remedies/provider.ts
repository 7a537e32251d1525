/**
 * The seam between the remediation framework (the one place where Headroom
 * changes anything on the machine) and the kinds of fixes it can run.
 *
 * Process fixes and container fixes each implement FixProvider. The framework
 * owns ids, expiry, dry runs, guards, the audit log and the CLI; a provider only
 * proposes, re-checks a target right before acting, and acts on one target.
 */

import type { Alert, FixProposal, FixTarget, FixTargetResult, Snapshot } from '../../../shared/model.ts';
import type { Settings } from '../../../shared/settings.ts';

/** What a provider proposes from, for one planning pass. */
export interface PlanInput {
  snapshot: Snapshot;
  alerts: readonly Alert[];
  settings: Settings;
}

/** A proposal without the fields the framework assigns (id, createdAt). */
export type ProposalDraft = Omit<FixProposal, 'id' | 'createdAt' | 'alertIds'> & {
  /** Alert ids this fix addresses; the framework publishes them as the proposal's `alertIds`. */
  addresses: string[];
  /** Opaque data the provider needs at run time (e.g. a new memory limit); stored with the proposal, never taken from outside. */
  params?: Record<string, unknown>;
  /**
   * Extra identity for the proposal id, on top of kind and targets (e.g. a chosen
   * new memory limit). Leave out anything that changes from sample to sample,
   * or the id will not survive from `headroom fixes` to `headroom fix <id>`.
   */
  idKey?: string;
};

export interface FixProvider {
  readonly name: string;
  /** Proposal kinds this provider runs, e.g. ['process.stop-excess', 'process.stop-tree']. */
  readonly kinds: readonly string[];
  propose(input: PlanInput): ProposalDraft[] | Promise<ProposalDraft[]>;
  /**
   * Re-check one target immediately before acting: is it still the same object
   * (same PID *and* start time, same container id) and still a valid target?
   * Returns null when it is fine to act, or the reason to skip it.
   */
  revalidate(target: FixTarget, proposal: FixProposal & { params?: Record<string, unknown> }): Promise<string | null>;
  /** Act on one target. Never throws: failures come back as outcome 'failed' with the engine's or kernel's message. */
  apply(target: FixTarget, proposal: FixProposal & { params?: Record<string, unknown> }): Promise<FixTargetResult>;
  /**
   * Optional: act on all the (already re-validated) targets of one proposal
   * together, e.g. SIGTERM to every process of a tree and then one shared grace
   * period. Returns one result per target, in any order. When absent, the
   * framework calls `apply` for each target in turn.
   */
  applyAll?(targets: FixTarget[], proposal: FixProposal & { params?: Record<string, unknown> }): Promise<FixTargetResult[]>;
  /** Optional: what undo needs, recorded in the audit log (e.g. the previous memory limit). */
  undoInfo?(target: FixTarget, proposal: FixProposal & { params?: Record<string, unknown> }): Promise<Record<string, unknown> | null>;
}
