/**
 * Both transports reject a call with an ApiError-shaped value, but what
 * arrives can still vary (the Electron bridge copies only an Error's message,
 * a dropped connection is an Error): this turns any rejection into an ApiError.
 */

import type { ApiError } from '../../shared/contract.ts';

const CODES: ReadonlySet<string> = new Set(['bad-request', 'not-found', 'stale', 'refused', 'internal']);

/** Any rejection → { code, message }. */
export function toApiError(e: unknown): ApiError {
  if (typeof e === 'object' && e !== null) {
    const rec = e as { code?: unknown; message?: unknown };
    const message = typeof rec.message === 'string' ? rec.message : 'request failed';
    if (typeof rec.code === 'string' && CODES.has(rec.code)) return { code: rec.code as ApiError['code'], message };
    return { code: 'internal', message };
  }
  return { code: 'internal', message: typeof e === 'string' ? e : 'request failed' };
}
