import type { Role } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
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
  /** How far the body may grow once parsed (set with rawBody, from the settings). */
  documentLimits?: DocumentLimits;
}

/** How the audit trail and records name a caller: `user:<username>` or `token:<name>`. */
export const callerName = (c: Caller): string => `${c.kind}:${c.name}`;
