import type { Role } from '@bulkhead/contracts';
import type { Request } from 'express';

export interface Caller {
  kind: 'token';
  id: string;
  name: string;
  role: Role;
}

/** What Bulkhead attaches to each Express request. */
export interface BulkheadRequest extends Request {
  requestId: string;
  caller?: Caller;
  rawBody?: Buffer;
}

/** How the audit trail and records name a caller: `token:<name>`. */
export const callerName = (c: Caller): string => `${c.kind}:${c.name}`;
