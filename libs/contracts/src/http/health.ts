import { z } from 'zod';
import { instantSchema, route } from './route';

export const livenessSchema = z.strictObject({ status: z.literal('ok') });

/** What /readyz answers, 200 or 503: each dependency `ok` or `failing: <why>`, and the stalled rollouts. */
export const readinessSchema = z.strictObject({
  status: z.enum(['ready', 'not ready']),
  checks: z.strictObject({ postgres: z.string(), redis: z.string() }),
  stalledRollouts: z.array(z.strictObject({ id: z.string(), clusterId: z.string(), status: z.string(), since: instantSchema })).optional(),
});

export const healthRoutes = {
  liveness: route({ method: 'GET', path: '/healthz', summary: 'The process is up', success: [200], response: livenessSchema }),
  readiness: route({
    method: 'GET',
    path: '/readyz',
    summary: 'The process can serve: PostgreSQL and Redis both answer (else 503)',
    success: [200, 503],
    response: readinessSchema,
  }),
};
