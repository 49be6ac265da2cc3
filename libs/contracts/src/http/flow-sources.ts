import { z } from 'zod';
import { k8sNameSchema } from './common';
import { idParam, instantSchema, route } from './route';

/**
 * Where a cluster's live flows come from: Cilium's Hubble Relay (`observer.Observer/GetFlows`) or
 * Calico's Goldmane (`goldmane.Flows`), both over gRPC.
 */
export const FLOW_SOURCE_KINDS = ['hubble-relay', 'goldmane'] as const;
export type FlowSourceKind = (typeof FLOW_SOURCE_KINDS)[number];

/** waiting: no worker collects it yet (or it is disabled); connected: flows arrive; lagging: they arrive late; failing: see `reason`. */
export const FLOW_SOURCE_STATUSES = ['waiting', 'connected', 'lagging', 'failing'] as const;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/;
const pem = (what: string, label: RegExp) =>
  z
    .string()
    .max(64 * 1024)
    .refine((text) => {
      const blockLabel = PEM_BLOCK.exec(text)?.[1];
      return blockLabel !== undefined && label.test(blockLabel);
    }, `must be a PEM ${what}`);

/** `host:port` or `[ipv6]:port`, without a scheme: TLS is chosen by `tls`. */
const addressSchema = z
  .string()
  .max(300)
  .regex(
    /^(\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?):([1-9]\d{0,4})$/,
    'must be host:port (e.g. hubble-relay.kube-system.svc:80)',
  )
  .refine((a) => Number(a.slice(a.lastIndexOf(':') + 1)) <= 65535, 'has a port above 65535');

export const flowSourceTlsSchema = z
  .strictObject({
    ca: pem('certificate', /CERTIFICATE$/)
      .optional()
      .describe('PEM CA bundle the server certificate must chain to; the system roots when absent'),
    certificate: pem('certificate', /CERTIFICATE$/)
      .optional()
      .describe('PEM client certificate, for mTLS (Goldmane requires it)'),
    key: pem('private key', /PRIVATE KEY$/)
      .optional()
      .describe('PEM private key of the client certificate'),
    serverName: z
      .string()
      .max(253)
      .regex(/^[a-zA-Z0-9*]([-a-zA-Z0-9.*]*[a-zA-Z0-9])?$/, 'must be a DNS name')
      .optional()
      .describe('The name the server certificate must carry, when it is not the address host (e.g. goldmane.calico-system.svc)'),
  })
  .superRefine((tls, ctx) => {
    if (tls.certificate && !tls.key) ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required with a client certificate' });
    if (tls.key && !tls.certificate) ctx.addIssue({ code: 'custom', path: ['certificate'], message: 'is required with a key' });
  })
  .describe('TLS to the server (mTLS with a client certificate). Stored encrypted, never returned');

export const createFlowSourceSchema = z.strictObject({
  name: k8sNameSchema.describe('Unique name of the source in its cluster'),
  kind: z.enum(FLOW_SOURCE_KINDS),
  address: addressSchema.describe(
    'host:port of Hubble Relay (e.g. hubble-relay.kube-system.svc:80) or Goldmane (goldmane.calico-system.svc:7443)',
  ),
  tls: flowSourceTlsSchema.optional(),
  enabled: z.boolean().default(true),
});
export type CreateFlowSourceBody = z.infer<typeof createFlowSourceSchema>;

export const updateFlowSourceSchema = z.strictObject({
  address: addressSchema.optional(),
  tls: flowSourceTlsSchema.nullable().optional().describe('Replaces the TLS settings; null goes back to plain gRPC'),
  enabled: z.boolean().optional(),
});
export type UpdateFlowSourceBody = z.infer<typeof updateFlowSourceSchema>;

export const flowSourceViewSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  name: z.string(),
  kind: z.enum(FLOW_SOURCE_KINDS),
  address: z.string(),
  tls: z
    .strictObject({
      mode: z.enum(['none', 'tls', 'mtls']),
      serverName: z.string().nullable(),
      hasCa: z.boolean(),
    })
    .describe('How the server is reached. Certificates and keys are never returned'),
  enabled: z.boolean(),
  status: z.enum(FLOW_SOURCE_STATUSES),
  reason: z.string().nullable().describe('Why it is failing or lagging'),
  statusSince: instantSchema,
  observingSince: instantSchema.nullable().describe('Time of the first flow collected'),
  lastFlowAt: instantSchema.nullable().describe('Time of the newest flow collected'),
  flowsPerSecond: z.number(),
  flowsCollected: z.number(),
  gaps: z
    .array(z.strictObject({ from: instantSchema, to: instantSchema, reason: z.string() }))
    .describe('The latest spans the source could not observe (newest first, at most 20)'),
  createdAt: instantSchema,
  updatedAt: instantSchema,
});
export type FlowSourceView = z.infer<typeof flowSourceViewSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });
const sourceParams = z.strictObject({ clusterId: idParam, sourceId: idParam });

export const flowSourceRoutes = {
  listFlowSources: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/flow-sources',
    summary: "A cluster's live flow sources, with their state",
    params: clusterParams,
    success: [200],
    response: z.array(flowSourceViewSchema),
  }),
  createFlowSource: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/flow-sources',
    summary: 'Adds a live flow source (Hubble Relay or Goldmane) to a cluster; a worker starts collecting it',
    params: clusterParams,
    body: createFlowSourceSchema,
    success: [201],
    response: flowSourceViewSchema,
  }),
  getFlowSource: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/flow-sources/:sourceId',
    summary: 'One live flow source, with its state',
    params: sourceParams,
    success: [200],
    response: flowSourceViewSchema,
  }),
  updateFlowSource: route({
    method: 'PATCH',
    path: '/api/v1/clusters/:clusterId/flow-sources/:sourceId',
    summary: 'Changes a flow source (address, TLS, enabled); its collector reconnects',
    params: sourceParams,
    body: updateFlowSourceSchema,
    success: [200],
    response: flowSourceViewSchema,
  }),
  deleteFlowSource: route({
    method: 'DELETE',
    path: '/api/v1/clusters/:clusterId/flow-sources/:sourceId',
    summary: 'Removes a flow source; the edges it observed stay in the map',
    params: sourceParams,
    success: [204],
    response: null,
  }),
};
