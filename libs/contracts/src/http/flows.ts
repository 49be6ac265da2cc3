import { z } from 'zod';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, route } from './route';

export const flowImportProgressSchema = z.strictObject({
  bytesRead: z.number(),
  totalBytes: z.number(),
  linesRead: z.number(),
  flowsParsed: z.number(),
  flowsAttributed: z.number(),
  flowsSkipped: z.number(),
  skippedByReason: z.record(z.string(), z.number()),
  edges: z.number(),
});
export type FlowImportProgress = z.infer<typeof flowImportProgressSchema>;

/** Why an import that finished attributed nothing, or less than it could. */
export const FLOW_IMPORT_WARNING_CODES = ['no-inventory', 'other-cluster', 'only-health-checks', 'nothing-attributed'] as const;
export type FlowImportWarningCode = (typeof FLOW_IMPORT_WARNING_CODES)[number];

export const flowImportWarningSchema = z.strictObject({
  code: z.enum(FLOW_IMPORT_WARNING_CODES),
  message: z.string(),
});
export type FlowImportWarning = z.infer<typeof flowImportWarningSchema>;

export const FLOW_IMPORT_STATUSES = ['queued', 'running', 'succeeded', 'failed'] as const;

export const flowImportViewSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  status: z.enum(FLOW_IMPORT_STATUSES),
  format: z.string().nullable(),
  fileName: z.string().nullable(),
  sha256: z.string(),
  sizeBytes: z.number(),
  progress: flowImportProgressSchema,
  error: z.string().nullable(),
  warnings: z
    .array(flowImportWarningSchema)
    .describe(
      'Set when the import finished without attributing a single flow: why (no inventory yet, another cluster, only health checks)',
    ),
  unattributed: z
    .strictObject({
      waiting: z.number().describe('Unattributed flows kept, attributed again whenever the inventory changes (snapshot or sync)'),
      notKept: z.number().describe('Unattributed flows not kept, the cluster holding as many as it keeps'),
      attributedLater: z.number().describe('Flows attributed after the import, when the inventory changed'),
    })
    .describe('What became of the flows that could not be attributed when the import ran'),
  duplicateOf: z
    .string()
    .nullable()
    .describe('Set when the same content was already imported into this cluster: nothing was counted twice'),
  createdAt: instantSchema,
  startedAt: instantSchema.nullable(),
  finishedAt: instantSchema.nullable(),
});
export type FlowImportView = z.infer<typeof flowImportViewSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });

export const flowImportRoutes = {
  uploadFlows: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/flow-imports',
    summary:
      'Uploads observed traffic (Hubble JSON, Calico flow logs, Istio/Envoy access logs, AWS VPC Flow Logs, Inspektor Gadget trace_tcp JSON, or an edge list) or declared dependencies (Otterize ClientIntents, the NetworkPolicies Inspektor Gadget advises); the format is detected. Plain or gzip-compressed, as the raw request body. 202 with the import, whose progress can then be followed; 200 when the same content was already imported into this cluster',
    params: clusterParams,
    // The name the file had, any text, kept (cut to 255 characters) to show beside the import. Other keys are ignored, as they always were.
    query: z.object({ fileName: z.string().optional() }),
    rawBody: {
      contentTypes: ['application/x-ndjson', 'application/json', 'application/yaml', 'text/plain', 'application/gzip'],
      schema: z.string().describe('The file, as bytes'),
    },
    success: [202, 200],
    response: flowImportViewSchema,
  }),
  listFlowImports: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/flow-imports',
    summary: 'The flow imports of a cluster, newest first, in pages',
    params: clusterParams,
    query: z.strictObject({ status: z.enum(FLOW_IMPORT_STATUSES).optional(), ...pageQueryShape({ default: 50, max: 200 }) }),
    success: [200],
    response: pageOf(flowImportViewSchema),
  }),
  getFlowImport: route({
    method: 'GET',
    path: '/api/v1/flow-imports/:importId',
    summary: 'One flow import, with its progress',
    params: z.strictObject({ importId: idParam }),
    success: [200],
    response: flowImportViewSchema,
  }),
};
