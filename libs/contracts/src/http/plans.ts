import { z } from 'zod';
import { tierSchema } from './common';
import { planNamespaceCoverageSchema } from './coverage';
import { REVIEW_STATES } from './edges';
import { kubernetesObjectSchema } from './inventory';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, route } from './route';
import { identifierSchema } from './text';

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
const severityCounts = z.strictObject({ error: z.number(), warning: z.number(), info: z.number() });

export const lintFindingSchema = z.strictObject({
  rule: z.string().describe('Stable id, e.g. `wildcard-namespace-selector`'),
  severity: z.enum(SEVERITIES),
  object: z.string().describe('What it is about: `NetworkPolicy ns/name`, `Namespace ns`, `Workload ns/name`, `Edge <key>`, `Cluster`'),
  message: z.string(),
  fix: z.string(),
});
export type LintFinding = z.infer<typeof lintFindingSchema>;

const reachSummarySchema = z.strictObject({
  workloads: z.number(),
  maxReachableWorkloads: z.number(),
  meanReachableWorkloads: z.number(),
  totalReachablePorts: z
    .number()
    .describe('Connections a compromised pod can open to other workloads: (workload, port) pairs, on the ports each workload serves'),
});
export type ReachSummary = z.infer<typeof reachSummarySchema>;

export const blastRadiusSchema = z.strictObject({
  workloads: z.array(z.strictObject({ workload: z.string(), reachableWorkloads: z.number(), reachablePorts: z.number() })),
  namespaces: z.array(reachSummarySchema.extend({ namespace: z.string() })),
  cluster: reachSummarySchema.extend({ listeningPorts: z.number() }),
});
export type BlastRadius = z.infer<typeof blastRadiusSchema>;

export const planSummarySchema = z.strictObject({
  policies: z.number(),
  namespaces: z.number(),
  findings: severityCounts,
  existingFindings: severityCounts,
  blockedEdges: z.number().describe('Edges the plan does not allow (rejected, cross-tier unconfirmed, ...)'),
  newlyBlocked: z.number().describe('Observed flows the plan newly blocks'),
  risks: z.number(),
  blastRadius: z.strictObject({ before: reachSummarySchema, after: reachSummarySchema }),
});
export type PlanSummary = z.infer<typeof planSummarySchema>;

export const planEdgeSchema = z.strictObject({
  src: z.string().describe('`workload:ns/name`, `external:...` or `reserved:<identity>`'),
  dst: z.string(),
  port: z.number().nullable().describe('null (ICMP) cannot be expressed in a NetworkPolicy'),
  protocol: z.string(),
  connections: z.number(),
  firstSeen: instantSchema.nullable().optional(),
  lastSeen: instantSchema.nullable().optional(),
  review: z.enum(REVIEW_STATES).optional(),
});
export type PlanEdge = z.infer<typeof planEdgeSchema>;

export const EDGE_VERDICTS = ['allowed', 'denied', 'partial', 'unevaluated'] as const;
export type EdgeVerdict = (typeof EDGE_VERDICTS)[number];

export const edgeImpactSchema = z.strictObject({
  key: z.string(),
  edge: planEdgeSchema,
  before: z.enum(EDGE_VERDICTS),
  after: z.enum(EDGE_VERDICTS),
  note: z.string().optional().describe('Why an edge could not be evaluated, or which side denies it after'),
});
export type EdgeImpact = z.infer<typeof edgeImpactSchema>;

export const blockedEdgeSchema = z.strictObject({ edge: planEdgeSchema, key: z.string(), reason: z.string(), message: z.string() });
export type BlockedEdge = z.infer<typeof blockedEdgeSchema>;

export const riskSchema = z.strictObject({
  kind: z.enum(['job', 'seen-once', 'short-window', 'never-observed']),
  workload: z.string(),
  message: z.string(),
});
export type Risk = z.infer<typeof riskSchema>;

const evidenceTimes = { connections: z.number(), firstSeen: instantSchema.nullable(), lastSeen: instantSchema.nullable() };

export const GUARDRAIL_PIECES = ['tierIsolation', 'baselineDefaultDeny', 'intraTierPass'] as const;
export type GuardrailPiece = (typeof GUARDRAIL_PIECES)[number];
/**
 * Where a rollout applies the cluster layer, as a stage of its own: `afterProd` (the default), once every namespace
 * holds the plan's policies, so that a Baseline default-deny only catches what they leave out; or `beforeDev`,
 * which puts tier isolation (the incident's fix) in force first. `beforeDev` does not go with a Baseline
 * default-deny: applied before the namespaces' own allows, it would cut every namespace off.
 */
export const GUARDRAIL_STAGES = ['beforeDev', 'afterProd'] as const;
export type GuardrailStage = (typeof GUARDRAIL_STAGES)[number];

export const clusterNetworkPolicySchema = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string() }),
    spec: z.object({ tier: z.enum(['Admin', 'Baseline']), priority: z.number() }),
  })
  .describe('A ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2), whole');

export const clusterLayerSchema = z
  .strictObject({
    pieces: z.array(
      z.strictObject({
        piece: z.enum(GUARDRAIL_PIECES),
        requested: z.boolean(),
        included: z.boolean(),
        policies: z.array(z.string()).describe('Names of its ClusterNetworkPolicies'),
        reason: z.string().optional().describe('Why a requested piece is not in the plan'),
      }),
    ),
    policies: z.array(clusterNetworkPolicySchema).describe('Admin tier first, each tier by priority, then name'),
    stage: z
      .enum(GUARDRAIL_STAGES)
      .optional()
      .describe('Where a rollout applies the policies, as a stage of its own (when there are any): beforeDev or afterProd'),
  })
  .describe(
    'The guardrails the plan adds to the cluster-scoped tiers: tier isolation (Admin-tier Deny between tiers, confirmed cross-tier edges passed to NetworkPolicy ahead of it), a Baseline-tier default-deny over every namespace, and Admin-tier Pass within each tier; each piece only when asked for, and only on a CNI that implements ClusterNetworkPolicy',
  );
export type ClusterLayer = z.infer<typeof clusterLayerSchema>;

export const createPlanSchema = z
  .strictObject({
    clusterLayer: z
      .strictObject({
        tierIsolation: z.boolean().optional(),
        baselineDefaultDeny: z.boolean().optional(),
        intraTierPass: z.boolean().optional(),
      })
      .optional()
      .describe("The cluster layer's pieces to plan; each off unless true"),
    guardrailStage: z
      .enum(GUARDRAIL_STAGES)
      .optional()
      .describe(
        'Where a rollout applies the cluster layer: afterProd (default), once every namespace holds its policies; or beforeDev, first (not with baselineDefaultDeny, which would cut off every namespace not yet holding its allows)',
      ),
  })
  .superRefine((body, ctx) => {
    if (body.guardrailStage === 'beforeDev' && body.clusterLayer?.baselineDefaultDeny === true)
      ctx.addIssue({
        code: 'custom',
        path: ['guardrailStage'],
        message:
          'beforeDev cannot go with clusterLayer.baselineDefaultDeny: the Baseline deny, applied before the namespaces hold their allows, would cut every namespace off; use afterProd',
      });
  });
export type CreatePlan = z.infer<typeof createPlanSchema>;

const planFindingsSchema = z.strictObject({
  findings: z.array(lintFindingSchema),
  evidence: z.array(
    z.strictObject({
      policy: z.string(),
      direction: z.enum(['ingress', 'egress']),
      rule: z.number(),
      purpose: z.string(),
      edges: z.array(z.strictObject({ key: z.string(), ...evidenceTimes })),
      ...evidenceTimes,
    }),
  ),
  observation: z.array(
    z.strictObject({
      namespace: z.string(),
      tier: tierSchema.nullable(),
      edges: z.number(),
      ...evidenceTimes,
      spanHours: z.number(),
      workloads: z.number(),
      unobservedWorkloads: z.array(z.string()),
    }),
  ),
  risks: z.array(riskSchema),
  blocked: z.array(blockedEdgeSchema),
  ignored: z.array(blockedEdgeSchema),
  tiers: z.record(z.string(), tierSchema.nullable()),
  clusterLayer: clusterLayerSchema,
});

const planImpactSchema = z.strictObject({
  edges: z.array(edgeImpactSchema),
  newlyBlocked: z.array(edgeImpactSchema),
  newlyAllowed: z.array(edgeImpactSchema),
  unevaluated: z.array(edgeImpactSchema),
  summary: z.strictObject({
    edges: z.number(),
    allowedBefore: z.number(),
    allowedAfter: z.number(),
    newlyBlocked: z.number(),
    newlyAllowed: z.number(),
    unevaluated: z.number(),
  }),
});

export const planReportSchema = z.strictObject({
  plan: planFindingsSchema,
  existingFindings: z.array(lintFindingSchema),
  impact: planImpactSchema,
  blastRadius: z.strictObject({ before: blastRadiusSchema, after: blastRadiusSchema }),
  coverage: z
    .array(planNamespaceCoverageSchema)
    .optional()
    .describe("How well each of the plan's namespaces was observed when it was made (absent on plans made before it was recorded)"),
});

export const planListItemSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  version: z.number(),
  createdBy: z.string(),
  createdAt: instantSchema,
  summary: planSummarySchema,
});
export type PlanListItem = z.infer<typeof planListItemSchema>;

export const planViewSchema = planListItemSchema.extend({
  policies: z.array(kubernetesObjectSchema),
  byNamespace: z.record(z.string(), z.array(z.string())).describe('namespace -> policy names'),
  report: planReportSchema,
});
export type PlanView = z.infer<typeof planViewSchema>;

/**
 * The plan as a reviewer reads it: the view without what grows with every edge and is read elsewhere,
 * the manifests (`/yaml`, a namespace at a time), each rule's evidence and the replay of every edge (of
 * which the impact keeps the edges that change). On 1,000 namespaces and 50,000 edges, a few MB instead of tens.
 */
export const planReviewSchema = planListItemSchema.extend({
  byNamespace: planViewSchema.shape.byNamespace,
  report: planReportSchema.extend({
    plan: planFindingsSchema.omit({ evidence: true }),
    impact: planImpactSchema.omit({ edges: true }),
  }),
});
export type PlanReview = z.infer<typeof planReviewSchema>;

export const CELL_STATES = ['denied', 'allowed', 'partial'] as const;
const connectionChangeSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  port: z.number(),
  protocol: z.string(),
  before: z.enum(CELL_STATES),
  after: z.enum(CELL_STATES),
});
export type ConnectionChange = z.infer<typeof connectionChangeSchema>;

export const policyChangeSchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  change: z.enum(['added', 'removed', 'changed']),
  lines: z.array(z.string()).describe('`+ ...` added, `- ...` removed, `  ...` unchanged context'),
});
export type PolicyChange = z.infer<typeof policyChangeSchema>;

export const planDiffSchema = z.strictObject({
  against: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('plan'), id: z.string(), version: z.number() }),
    z.strictObject({ kind: z.literal('live') }),
    z.strictObject({ kind: z.literal('none') }),
  ]),
  policies: z.array(policyChangeSchema),
  semantic: z
    .strictObject({
      allowed: z.array(connectionChangeSchema),
      blocked: z.array(connectionChangeSchema),
      changed: z.array(connectionChangeSchema),
      onEveryPort: z
        .strictObject({ allowed: z.number(), blocked: z.number(), changed: z.number(), ports: z.number() })
        .describe(
          'The full-port figure: the same changes counted for every workload pair on every port any workload serves (`ports` of them), whether the destination serves it or not',
        ),
    })
    .describe('Connections that change: a workload pair on a port the destination serves (its container ports, and ports seen in flows)'),
});
export type PlanDiff = z.infer<typeof planDiffSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });
const planParams = z.strictObject({ planId: idParam });

export const planRoutes = {
  createPlan: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/plans',
    summary: "Makes the next plan version from the cluster's inventory and dependency map as they are now",
    params: clusterParams,
    body: createPlanSchema,
    success: [201],
    response: planViewSchema,
  }),
  listPlans: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/plans',
    summary: 'The plans of a cluster, as summaries, newest version first, in pages',
    params: clusterParams,
    query: z.strictObject(pageQueryShape({ default: 50, max: 200 })),
    success: [200],
    response: pageOf(planListItemSchema),
  }),
  getPlan: route({
    method: 'GET',
    path: '/api/v1/plans/:planId',
    summary: 'The plan with its policies, lint findings, evidence, the flows it would block, and blast radius before and after',
    params: planParams,
    success: [200],
    response: planViewSchema,
  }),
  planReview: route({
    method: 'GET',
    path: '/api/v1/plans/:planId/review',
    summary:
      'The plan as the dashboard reviews it: its summary, policy names by namespace, findings, risks, the flows it would block or allow, and blast radius; without the manifests, the evidence and the replay of every edge',
    params: planParams,
    success: [200],
    response: planReviewSchema,
  }),
  planYaml: route({
    method: 'GET',
    path: '/api/v1/plans/:planId/yaml',
    summary:
      "`kubectl apply -f`-ready YAML, one document per policy, the cluster layer last (only the namespace's policies with `namespace`)",
    params: planParams,
    query: z.strictObject({ namespace: identifierSchema(253).optional() }),
    success: [200],
    response: z.string(),
    produces: 'application/yaml',
  }),
  planDiff: route({
    method: 'GET',
    path: '/api/v1/plans/:planId/diff',
    summary: "What changes against an earlier plan or the cluster's live policies: policy by policy, and connection by connection",
    params: planParams,
    query: z.strictObject({
      against: z
        .union([z.enum(['previous', 'live']), z.uuid()])
        .default('previous')
        .describe('previous, live, or the id of an earlier plan'),
    }),
    success: [200],
    response: planDiffSchema,
  }),
};
