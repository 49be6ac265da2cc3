import type { KeysetPage, PageRequest } from '@bulkhead/contracts';

export type EdgeReview = 'unreviewed' | 'confirmed' | 'rejected';

/** `observed` in traffic, `declared` by an imported source (Otterize, an advised policy), `manual` by a person. */
export type EdgeOrigin = 'observed' | 'declared' | 'manual';

export interface EdgeRecord {
  id: string;
  clusterId: string;
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  origin: EdgeOrigin;
  review: EdgeReview;
  connections: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  verdicts: string[];
  addresses: string[];
  createdBy: string | null;
  reviewedBy: string | null;
  reviewComment: string | null;
  reviewedAt: Date | null;
  /** The imports behind the edge, with their format (how each saw or declared it). */
  sources: Array<{ importId: string; format: string | null; connections: number; firstSeen: Date | null; lastSeen: Date | null }>;
}

/** Refused attempts between two ends on one port, summed over the imports that saw them. */
export interface BlockedAttemptRecord {
  id: string;
  srcKey: string;
  dstKey: string;
  port: number;
  protocol: string;
  attempts: number;
  firstSeen: Date | null;
  lastSeen: Date | null;
  reasons: string[];
  /** The import that reported it most recently, while that import is kept. */
  lastSource: { importId: string; format: string | null } | null;
}

export interface EdgeFilter {
  /** Edges with at least one end in this namespace. */
  namespace?: string;
  review?: EdgeReview;
  origin?: EdgeOrigin;
}

/** Where a page of edges ends: edges are listed in the order of their key (ends, port, protocol), unique in a cluster. */
export interface EdgePosition {
  key: string;
}

export interface EdgeStore {
  /** Every edge of the cluster that passes the filter (a plan reads the whole map). */
  list(clusterId: string, filter: EdgeFilter): Promise<EdgeRecord[]>;
  /** A page of them, in key order. */
  page(clusterId: string, filter: EdgeFilter, page: PageRequest<EdgePosition>): Promise<KeysetPage<EdgeRecord, EdgePosition>>;
  /** A page of the cluster's blocked attempts (with at least one end in the namespace, when given), in key order as edges are. */
  blocked(
    clusterId: string,
    filter: Pick<EdgeFilter, 'namespace'>,
    page: PageRequest<EdgePosition>,
  ): Promise<KeysetPage<BlockedAttemptRecord, EdgePosition>>;
  get(id: string): Promise<EdgeRecord | null>;
  /**
   * Declares a dependency by hand. When the edge is already known (observed, say), it is confirmed
   * instead of duplicated. Returns the edge and whether it was new.
   */
  declare(
    clusterId: string,
    edge: { srcKey: string; dstKey: string; port: number; protocol: string },
    by: string,
    comment: string | null,
    at: Date,
  ): Promise<{ edge: EdgeRecord; created: boolean }>;
  review(id: string, review: Exclude<EdgeReview, 'unreviewed'>, by: string, comment: string | null, at: Date): Promise<EdgeRecord | null>;
}
