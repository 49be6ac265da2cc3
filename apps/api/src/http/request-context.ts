import type { Role } from '@bulkhead/contracts';
import type { Request } from 'express';

export interface Caller {
  kind: 'token' | 'user';
  id: string;
  name: string;
  role: Role;
  /** For a signed-in user: the session's CSRF token and when the session ends. */
  csrfToken?: string;
  expiresAt?: Date;
}

/** What Bulkhead attaches to each Express request. */
export interface BulkheadRequest extends Request {
  requestId: string;
  caller?: Caller;
  rawBody?: Buffer;
}

/** How the audit trail and records name a caller: `user:<username>` or `token:<name>`. */
export const callerName = (c: Caller): string => `${c.kind}:${c.name}`;

/**
 * The person behind a caller, for rules about people (whoever created a rollout never approves it):
 * the user of a session; a token stands for itself.
 */
export const personOf = (c: Caller): string => `${c.kind}:${c.id}`;
