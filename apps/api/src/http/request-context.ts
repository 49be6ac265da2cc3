import type { Role } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import type { Request } from 'express';

export interface Caller {
  kind: 'token' | 'user';
  /** The token's id, or the signed-in user's id. */
  id: string;
  name: string;
  role: Role;
  /** The person behind the call: the signed-in user, or the owner of the token. */
  userId: string;
  /** For a signed-in user: the session's CSRF token and when the session ends. */
  csrfToken?: string;
  expiresAt?: Date;
}

/** What Bulkhead attaches to each Express request. */
export interface BulkheadRequest extends Request {
  requestId: string;
  caller?: Caller;
  /**
   * Who a request said it was before that was proven (`user:<name typed>` at sign-in,
   * `token:<name>` for an expired token), so that a refusal can still be audited under it.
   */
  claimedActor?: string;
  rawBody?: Buffer;
  /** How far the body may grow once parsed (set with rawBody, from the settings). */
  documentLimits?: DocumentLimits;
}

/** How the audit trail and records name a caller: `user:<username>` or `token:<name>`. */
export const callerName = (c: Caller): string => `${c.kind}:${c.name}`;

/**
 * The person behind a caller, for rules about people (whoever created a rollout never approves it):
 * the user of a session, or the user who owns the token.
 */
export const personOf = (c: Caller): string => `user:${c.userId}`;

/** The path a request asked for, as the client sent it, without its query string. */
export function requestPath(req: Request): string {
  const queryStart = req.originalUrl.indexOf('?');
  return queryStart === -1 ? req.originalUrl : req.originalUrl.slice(0, queryStart);
}
