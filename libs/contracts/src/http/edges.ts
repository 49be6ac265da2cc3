import { z } from 'zod';
import { identifierSchema } from './text';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, route } from './route';

export const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;

/** `namespace/workload` (or `namespace/pod`), an IP address, a CIDR or a DNS name outside the cluster, `reserved:kube-apiserver`, or `node:<name>`. */
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

export const REVIEW_STATES = ['unreviewed', 'confirmed', 'rejected'] as const;
/** `observed` in traffic, `declared` by a source such as Otterize intents or an advised policy, `manual` by a person. */
export const EDGE_ORIGINS = ['observed', 'declared', 'manual'] as const;

export const listEdgesQuerySchema = z.strictObject({
  namespace: identifierSchema(253).optional().describe('Edges from or to a workload of this namespace'),
  review: z.enum(REVIEW_STATES).optional(),
  origin: z.enum(EDGE_ORIGINS).optional(),
  ...pageQueryShape({ default: 200, max: 1000 }),
});

export const edgeViewSchema = z.strictObject({
  id: z.string(),
  from: z.string().describe('`namespace/workload`, an external address or name, or `reserved:<identity>`'),
  to: z.string(),
  fromKey: z.string().describe('The stable keys the map stores: `workload:ns/name`, `external:...`, `reserved:...`'),
  toKey: z.string(),
  port: z.number(),
  protocol: z.string(),
  origin: z.enum(EDGE_ORIGINS),
  review: z.enum(REVIEW_STATES),
  crossTier: z.boolean().describe('true when the two ends sit in different tiers (dev reaching prod, say)'),
  connections: z.number(),
  firstSeen: instantSchema.nullable(),
  lastSeen: instantSchema.nullable(),
  verdicts: z.array(z.string()),
  addresses: z.array(z.string()).describe('For a destination outside the cluster known by name: the IP addresses it was reached at'),
  sources: z
    .array(
      z.strictObject({
        importId: z.string(),
        format: z.string().nullable().describe('The format of the import (hubble, otterize-intents, ...): how it saw or declared the edge'),
        connections: z.number(),
        firstSeen: instantSchema.nullable(),
        lastSeen: instantSchema.nullable(),
      }),
    )
    .describe('The flow imports that observed or declared the edge'),
  createdBy: z.string().nullable(),
  reviewedBy: z.string().nullable(),
  reviewComment: z.string().nullable(),
});
export type EdgeView = z.infer<typeof edgeViewSchema>;

export const listBlockedAttemptsQuerySchema = z.strictObject({
  namespace: identifierSchema(253).optional().describe('Blocked attempts from or to a workload of this namespace'),
  ...pageQueryShape({ default: 200, max: 1000 }),
});

export const blockedAttemptViewSchema = z
  .strictObject({
    id: z.string(),
    kind: z.literal('blocked'),
    from: z.string().describe('`namespace/workload`, a node, an external address or name, or `reserved:<identity>`'),
    to: z.string(),
    fromKey: z.string(),
    toKey: z.string(),
    port: z.number(),
    protocol: z.string(),
    attempts: z.number().describe('Refused flow records (packets or reports)'),
    firstSeen: instantSchema.nullable(),
    lastSeen: instantSchema.nullable(),
    reasons: z.array(z.string()).describe('Why, as the source said: Hubble `drop_reason_desc` (POLICY_DENIED, ...), Calico `deny`'),
    lastSource: z
      .strictObject({ importId: z.string(), format: z.string().nullable() })
      .nullable()
      .describe('The evidence: the flow import that reported it most recently, with its format; null once that import is deleted'),
  })
  .describe(
    'A refused attempt (Hubble DROPPED or ERROR, Calico deny): never a dependency of the map and never allowed by a plan, shown for a person to declare if it is wanted',
  );
export type BlockedAttemptView = z.infer<typeof blockedAttemptViewSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });
const edgeParams = z.strictObject({ clusterId: idParam, edgeId: idParam });

export const edgeRoutes = {
  listEdges: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/edges',
    summary: 'The dependency map: its edges, observed or declared, in pages ordered by their ends and port',
    params: clusterParams,
    query: listEdgesQuerySchema,
    success: [200],
    response: pageOf(edgeViewSchema),
  }),
  listBlockedAttempts: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/edges/blocked',
    summary:
      'The blocked attempts: refused flows, kept apart from the dependencies (the 2,000 seen most recently), in pages ordered by their ends and port',
    params: clusterParams,
    query: listBlockedAttemptsQuerySchema,
    success: [200],
    response: pageOf(blockedAttemptViewSchema),
  }),
  declareEdge: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/edges',
    summary: 'Declares a dependency by hand (201), or confirms it when the map already has it (200)',
    params: clusterParams,
    body: createEdgeSchema,
    success: [201, 200],
    response: edgeViewSchema,
  }),
  confirmEdge: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/edges/:edgeId/confirm',
    summary: 'Confirms an edge',
    params: edgeParams,
    body: reviewEdgeSchema,
    success: [200],
    response: edgeViewSchema,
  }),
  rejectEdge: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/edges/:edgeId/reject',
    summary: 'Rejects an edge: no plan allows it',
    params: edgeParams,
    body: reviewEdgeSchema,
    success: [200],
    response: edgeViewSchema,
  }),
};
