import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { NotPermittedError, ValidationError } from '../../domain/errors.js';
import type { Submitter } from '../../domain/outbound/outboundFaxEvents.js';
import type { Auth } from '../auth/authenticate.js';
import type { AuthEnv, Principal } from '../auth/principal.js';
import type { FaxSubmission, FaxSubmissionResult } from '../services/faxSubmission.js';

export interface SubmissionRouteDeps {
  service: FaxSubmission;
  auth: Auth;
  /** `submission.dropDir`; unset, the original's `file_name` answers 503. */
  dropDir?: string;
}

/**
 * `auth.any`, unless an earlier module's middleware on the same path (the fax read routes guard
 * `/v1/faxes*` for every method) already authenticated the request: one password check per request.
 */
export const authenticateOnce = (auth: Auth) =>
  createMiddleware<AuthEnv>((c, next) => ((c.get('principal') as Principal | undefined) ? next() : auth.any(c, next)));

export function submitterOf(principal: Principal): Submitter {
  if (principal.kind === 'admin') return { kind: 'admin' };
  return principal.apiKeyId === null
    ? { kind: 'user', userId: principal.userId, username: principal.username }
    : { kind: 'apiKey', userId: principal.userId, keyId: principal.apiKeyId };
}

/** The tenant a request acts for: a user's own; for the admin, the one asked for (or, left out, the sender number's). */
export function tenantFor(principal: Principal, asked: string | undefined, field: string): string | undefined {
  if (principal.kind === 'admin') return asked;
  if (asked !== undefined && asked !== principal.tenantId) throw new NotPermittedError(field, 'a tenant user sends for its own tenant only');
  return principal.tenantId;
}

export function idempotencyKeyOf(c: Context): { idempotencyKey?: string } {
  const key = c.req.header('idempotency-key');
  if (key === undefined) return {};
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw new ValidationError('Idempotency-Key', 'must be 1–255 visible ASCII characters');
  return { idempotencyKey: key };
}

export function answerHeaders(c: Context, result: FaxSubmissionResult): void {
  c.header('Location', `/v1/faxes/${result.faxId}`);
  if (result.replayed) c.header('Idempotent-Replayed', 'true');
}
