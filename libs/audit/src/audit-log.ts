import type { KeysetPage, PageRequest } from '@bulkhead/contracts';
import type { ChainVerdict } from './chain';

/** One line of the audit trail. */
export interface AuditEntry {
  /** `user:<name>`, `token:<name>`, or `system:<part>` for the worker's own actions. */
  actor: string;
  /** What happened, `<thing>.<verb>`: `cluster.create`, `edge.reject`, `rollout.step.apply`... */
  action: string;
  clusterId?: string | null;
  /** The object acted on, e.g. `payments-prod` or an id. */
  target?: string | null;
  details?: Record<string, unknown>;
  /** For changes to a cluster: its policies before and after. */
  before?: unknown;
  after?: unknown;
}

export interface AuditRecord extends AuditEntry {
  id: string;
  at: Date;
  /** Its place in the hash chain (1, 2, 3...) and the chain's hashes, hex (see chain.ts). */
  position: number;
  previousHash: string;
  hash: string;
}

export interface AuditQuery {
  clusterId?: string;
  actor?: string;
  /** Matches the action exactly, or every action under a prefix ending in `.` (`rollout.`). */
  action?: string;
  /** Free text over target and details. */
  text?: string;
  /** Entries written at or after this instant. */
  since?: Date;
}

/** Where a page of the log ends: the last entry's id (entries are listed newest first, by id). */
export interface AuditPosition {
  id: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** A page of the entries that match, newest first. */
  query(q: AuditQuery, page: PageRequest<AuditPosition>): Promise<KeysetPage<AuditRecord, AuditPosition>>;
  /** Walks the whole hash chain and says where it first breaks, if it does. */
  verify(): Promise<ChainVerdict>;
  /**
   * How many entries the log holds: the newest entry's position in the chain. Positions are given one by
   * one in commit order (under the chain's lock) and entries are never changed or removed, so this
   * number names exactly what the log holds.
   */
  size(): Promise<number>;
}
