import { z } from 'zod';
import { tierSchema } from './common';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, route } from './route';

/** How often an edge recurs, from its per-hour activity: once a day, once a week, or neither (null). */
export const PERIODICITIES = ['daily', 'weekly'] as const;

/** The observation a namespace needs by default before it counts as well observed: a week, so that weekly callers are seen. */
export const DEFAULT_MIN_OBSERVED_DAYS = 7;

export const coverageEdgeSchema = z.strictObject({
  direction: z.enum(['outgoing', 'incoming']),
  peer: z.string().describe('The other end, as an endpoint key (workload:ns/name, external:..., node:...)'),
  port: z.number(),
  protocol: z.string(),
  lastActive: instantSchema.nullable().describe('When a connection was last seen on it'),
  periodic: z.enum(PERIODICITIES).nullable().describe('daily or weekly when its live activity recurs so; null otherwise'),
});

export const workloadCoverageSchema = z.strictObject({
  name: z.string(),
  kind: z.string(),
  lastSeen: instantSchema.nullable().describe('When any of its edges was last active'),
  underObserved: z.boolean(),
  warning: z.string().nullable().describe('Why it is under-observed, in words'),
  edges: z.array(coverageEdgeSchema),
});

export const namespaceCoverageSchema = z.strictObject({
  namespace: z.string(),
  tier: tierSchema.nullable(),
  observedSince: instantSchema.nullable().describe('Start of the latest span observed without a gap (live sources and imports)'),
  observedUntil: instantSchema.nullable(),
  observedDays: z.number().describe('Length of that span, in days'),
  underObserved: z.boolean().describe('Observed for less than minObservedDays without a gap'),
  workloads: z.array(workloadCoverageSchema),
});
export type NamespaceCoverageView = z.infer<typeof namespaceCoverageSchema>;

/**
 * A namespace's coverage as a plan keeps it, at the time the plan was made: the span observed without a
 * gap and only the workloads under-observed (with why), not every edge.
 */
export const planNamespaceCoverageSchema = namespaceCoverageSchema.omit({ workloads: true }).extend({
  minObservedDays: z.number().describe('The days of observation it was measured against'),
  underObservedWorkloads: z.array(workloadCoverageSchema.omit({ edges: true, underObserved: true })),
});
export type PlanNamespaceCoverage = z.infer<typeof planNamespaceCoverageSchema>;

export const observationCoverageQuerySchema = z.strictObject({
  ...pageQueryShape({ default: 50, max: 200 }),
  minObservedDays: z.coerce
    .number()
    .min(0)
    .max(365)
    .default(DEFAULT_MIN_OBSERVED_DAYS)
    .describe(`Days of observation a namespace needs to be well observed (default ${DEFAULT_MIN_OBSERVED_DAYS})`),
});

export const coverageRoutes = {
  observationCoverage: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/observation-coverage',
    summary: 'How well each namespace and workload has been observed: days without a gap, edges last active, periodic edges',
    params: z.strictObject({ clusterId: idParam }),
    query: observationCoverageQuerySchema,
    success: [200],
    response: pageOf(namespaceCoverageSchema),
  }),
};
