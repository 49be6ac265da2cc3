import { z } from 'zod';
import { identifierSchema } from './text';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** `namespace/workload` (or `namespace/pod`), an IP address, a CIDR or a DNS name outside the cluster, or `reserved:kube-apiserver`. */
const endpointRef = identifierSchema(300).trim().min(1);

export const createEdgeSchema = z.strictObject({
  from: endpointRef,
  to: endpointRef,
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(PROTOCOLS).default('TCP'),
  comment: z.string().max(2000).optional(),
});
export type CreateEdgeBody = z.infer<typeof createEdgeSchema>;

export const reviewEdgeSchema = z.strictObject({
  comment: z.string().max(2000).optional(),
});

export const listEdgesQuerySchema = z.strictObject({
  namespace: identifierSchema(253).optional(),
  review: z.enum(['unreviewed', 'confirmed', 'rejected']).optional(),
  origin: z.enum(['observed', 'manual']).optional(),
});

export interface FlowImportProgress {
  bytesRead: number;
  totalBytes: number;
  linesRead: number;
  flowsParsed: number;
  flowsAttributed: number;
  flowsSkipped: number;
  skippedByReason: Record<string, number>;
  edges: number;
}

export interface FlowImportView {
  id: string;
  clusterId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  format: string | null;
  fileName: string | null;
  sha256: string;
  sizeBytes: number;
  progress: FlowImportProgress;
  error: string | null;
  /** Set when the same content was already imported into this cluster: nothing was counted twice. */
  duplicateOf: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface EdgeView {
  id: string;
  /** `namespace/workload`, an external address or name, or `reserved:<identity>`. */
  from: string;
  to: string;
  /** The stable keys the map stores: `workload:ns/name`, `external:...`, `reserved:...`. */
  fromKey: string;
  toKey: string;
  port: number;
  protocol: string;
  origin: 'observed' | 'manual';
  review: 'unreviewed' | 'confirmed' | 'rejected';
  /** true when the two ends sit in different tiers (dev reaching prod, say). */
  crossTier: boolean;
  connections: number;
  firstSeen: string | null;
  lastSeen: string | null;
  verdicts: string[];
  /** For a destination outside the cluster known by name: the IP addresses it was reached at. */
  addresses: string[];
  /** Where the edge came from: the flow imports that observed it, and the person who added it. */
  sources: Array<{ importId: string; connections: number; firstSeen: string | null; lastSeen: string | null }>;
  createdBy: string | null;
  reviewedBy: string | null;
  reviewComment: string | null;
}
