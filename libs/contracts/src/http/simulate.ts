import { z } from 'zod';
import { PROTOCOLS } from './edges';
import { idParam, route } from './route';

const endpointDescription = '`namespace/pod`, `namespace/workload` (one of its pods stands for it) or an IP address';

/** One connection to test. The engine checks each field against the inventory and names the one at fault. */
const probeSchema = z.object({
  from: z.string().describe(endpointDescription),
  to: z.string().describe(endpointDescription),
  port: z.union([z.number().int(), z.string()]).describe('A port number, or a named port of the destination pod'),
  protocol: z.enum(PROTOCOLS).optional().describe('TCP when absent'),
});

/** Described here for the documentation; the simulation itself reads and checks the body (it runs on a worker thread). */
const simulateInputSchema = z.object({
  snapshot: z.looseObject({}).describe('kubectl get namespaces,pods,networkpolicies -A -o json'),
  probes: z.array(probeSchema),
});

export const clusterSimulateSchema = z.strictObject({
  probes: z.array(probeSchema),
  planId: idParam
    .optional()
    .describe("A plan of this cluster: its policies take the place of the cluster's live NetworkPolicies. Absent: the live ones"),
});
export type ClusterSimulateBody = z.input<typeof clusterSimulateSchema>;

const clusterRuleSchema = z.strictObject({
  kind: z.enum(['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']),
  name: z.string(),
  tier: z.enum(['Admin', 'Baseline']),
  priority: z.number().int().optional().describe('Absent for a BaselineAdminNetworkPolicy'),
  rule: z.string().optional().describe("The rule's name, when it has one"),
  ruleIndex: z.number().int().describe('Index in spec.ingress or spec.egress'),
  action: z.enum(['Accept', 'Deny', 'Pass']),
});

const directionVerdictSchema = z.strictObject({
  allowed: z.boolean(),
  policies: z
    .array(z.string())
    .describe(
      'Every policy that selected this side for this direction: `ns/name` for a NetworkPolicy, the name alone for a cluster-scoped one',
    ),
  isolated: z.boolean().describe('A NetworkPolicy selects this side for this direction'),
  allowedBy: z.array(z.strictObject({ policy: z.string(), rule: z.number().describe('Index in spec.ingress or spec.egress') })),
  decidedBy: clusterRuleSchema.optional().describe('The cluster-scoped Accept or Deny rule that decided this side'),
  passedBy: clusterRuleSchema.optional().describe('The Pass rule that sent the connection on to the next tier'),
  dependsOnDns: z
    .array(z.strictObject({ rule: clusterRuleSchema, domainNames: z.array(z.string()) }))
    .optional()
    .describe('On a denied side: domainNames Accept rules that would accept the address if it is an answer for one of their names'),
  reason: z.string(),
});

export const simulateOutputSchema = z.strictObject({
  results: z.array(
    z.strictObject({
      from: z.string(),
      to: z.string(),
      port: z.union([z.number(), z.string()]),
      protocol: z.enum(PROTOCOLS),
      allowed: z.boolean(),
      egress: directionVerdictSchema,
      ingress: directionVerdictSchema,
      resolvedPort: z.number().optional().describe('The port number a named port resolved to on the destination pod'),
      fromPod: z.string().optional().describe('`namespace/pod`: the pod that stood for the workload `from` named'),
      toPod: z.string().optional().describe('`namespace/pod`: the pod that stood for the workload `to` named'),
    }),
  ),
});

export const simulateRoutes = {
  simulate: route({
    method: 'POST',
    path: '/api/v1/simulate',
    summary: 'Evaluates probes against a snapshot, as `bulkhead simulate` does: same body, same answer. Needs no stored cluster',
    rawBody: { contentTypes: ['application/json', 'application/yaml'], schema: simulateInputSchema },
    success: [200],
    response: simulateOutputSchema,
  }),
  simulateCluster: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/simulate',
    summary: "Evaluates probes against the cluster's stored inventory, with its live policies or with those of one of its plans",
    params: z.strictObject({ clusterId: idParam }),
    body: clusterSimulateSchema,
    success: [200],
    response: simulateOutputSchema,
  }),
};
