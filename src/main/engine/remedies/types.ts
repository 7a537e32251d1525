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
  /** System memory used (total − available) right before and right after acting. */
  memBefore: number;
  memAfter: number;
  /** RSS of the fix's targets right before acting, and of those still running right after. */
  targetsRssBefore?: number;
  targetsRssAfter?: number;
  undo: Record<string, unknown> | null;
}

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
