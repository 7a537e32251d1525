/**
 * The remediation framework's public face: what the CLI, the handler table
 * (IPC and web), the tray and the notifier call. Implemented in remedies/index.ts.
 */

import type { FixProposal, FixResult, FixTarget } from '../../../shared/model.ts';
import type { FixPlanner } from '../engine.ts';

/** Why a fix id was refused. */
export type FixErrorCode = 'not-found' | 'stale' | 'refused';

export class FixError extends Error {
  constructor(
    readonly code: FixErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** One row of the audit log (stored in the history database). */
export interface AuditEntry {
  id: number;
  t: number;
  fixId: string;
  kind: string;
  title: string;
  dryRun: boolean;
  ok: boolean;
  summary: string;
  targets: { target: FixTarget; outcome: string; detail: string }[];
  memBefore: number;
  memAfter: number;
  undo: Record<string, unknown> | null;
}

export interface Remedies extends FixPlanner {
  /** The current proposals (those issued by the latest plan and not expired). */
  list(): FixProposal[];
  /** Dry run: what the fix would touch, re-validated now. Throws FixError for unknown or stale ids. */
  preview(id: string): Promise<FixResult>;
  /** Runs a proposal by id only. Throws FixError for unknown or stale ids. */
  run(id: string): Promise<FixResult>;
  /** Most recent audit entries first. */
  auditLog(limit?: number): AuditEntry[];
}
