/**
 * The remediation framework's public face: what the CLI, the handler table
 * (IPC and web), the tray and the notifier call. Implemented in remedies/index.ts.
 */

import type { AuditLogEntry } from '../../../shared/contract.ts';
import type { FixProposal, FixResult } from '../../../shared/model.ts';
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

/** One row of the audit log: the contract's type, so the IPC, WebSocket and channel carry it unchanged. */
export type AuditEntry = AuditLogEntry;

export interface Remedies extends FixPlanner {
  /** The current proposals (those issued by the latest plan and not expired). */
  list(): FixProposal[];
  /**
   * Dry run: what the fix would touch, re-validated now. Throws FixError for unknown or stale ids.
   * Not logged unless `audit` is set (the CLI's `fix --dry-run` logs; a UI showing a preview does not).
   */
  preview(id: string, options?: { audit?: boolean }): Promise<FixResult>;
  /** Runs a proposal by id only. Throws FixError for unknown or stale ids. */
  run(id: string): Promise<FixResult>;
  /** Most recent audit entries first. */
  auditLog(limit?: number): AuditEntry[];
}
