import { z } from 'zod';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, route } from './route';
import { identifierSchema } from './text';

const clusterParams = z.strictObject({ clusterId: idParam });

export const driftFindingSchema = z.strictObject({
  id: z.string().describe('Kept while the checks find it again; a finding that goes and comes back has a new one'),
  rolloutId: z.string().describe('The rollout that verified the namespace'),
  planId: z.string(),
  planVersion: z.number().describe('The plan version the namespace should hold'),
  namespace: z.string(),
  kind: z.enum(['policy_removed', 'policy_changed', 'policy_added', 'probe_changed']),
  subject: z.string().describe('The policy or probe concerned'),
  message: z.string(),
  difference: z
    .strictObject({
      expected: z.string().nullable().describe('The policy as the plan has it, as YAML; null when the plan has no such policy'),
      live: z.string().nullable().describe('The policy as the cluster has it, as YAML; null when the cluster has no such policy'),
      lines: z.array(z.string()).describe('From expected to live: `- ` only in the plan, `+ ` only in the cluster, `  ` in both'),
      truncated: z.boolean().describe('A side was longer than 400 lines and was cut there'),
    })
    .optional()
    .describe('Policy findings: the YAML difference'),
  foundAt: instantSchema.describe('When a check first found it'),
  lastSeenAt: instantSchema.describe('The last check that found it'),
});
export type DriftFindingView = z.infer<typeof driftFindingSchema>;

export const DRIFT_ACTION_KINDS = ['reapply', 'accept'] as const;

export const driftActionSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  rolloutId: z.string(),
  kind: z.enum(DRIFT_ACTION_KINDS),
  namespaces: z.array(z.string()),
  requestedBy: z.string(),
  requestedAt: instantSchema,
  status: z.enum(['queued', 'done', 'failed']),
  detail: z.string().nullable().describe('What was done, or why it failed'),
  planId: z.string().nullable().describe('An acceptance: the plan version it made'),
  finishedAt: instantSchema.nullable(),
});
export type DriftActionView = z.infer<typeof driftActionSchema>;

export const driftActionRequestSchema = z.strictObject({
  kind: z
    .enum(DRIFT_ACTION_KINDS)
    .describe(
      "reapply: put back exactly the plan's policies in these namespaces; accept: a new plan version whose policies for them are the live ones",
    ),
  namespaces: z
    .array(identifierSchema(253).min(1))
    .min(1)
    .max(1000)
    .describe('Namespaces the last rollout verified, or "(cluster)" for its verified guardrails (re-apply only)'),
});
export type DriftActionRequest = z.infer<typeof driftActionRequestSchema>;

export const driftRoutes = {
  listDriftFindings: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/drift-findings',
    summary:
      'What the last drift check found, newest found first: policies changed, removed or added by hand, probes that changed outcome, each with its YAML difference',
    params: clusterParams,
    query: z.strictObject(pageQueryShape({ default: 50, max: 200 })),
    success: [200],
    response: pageOf(driftFindingSchema),
  }),
  requestDriftAction: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/drift-actions',
    summary:
      "Re-applies the plan to drifted namespaces, or accepts their live policies as the plan's next version; a worker carries it out, then checks drift again",
    params: clusterParams,
    body: driftActionRequestSchema,
    success: [202],
    response: driftActionSchema,
  }),
  listDriftActions: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/drift-actions',
    summary: 'What was asked about drift and what came of it, newest first',
    params: clusterParams,
    query: z.strictObject(pageQueryShape({ default: 20, max: 200 })),
    success: [200],
    response: pageOf(driftActionSchema),
  }),
};
