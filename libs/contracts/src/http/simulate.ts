import { z } from 'zod';
import { PROTOCOLS } from './edges';
import { route } from './route';

/** Described here for the documentation; the simulation itself reads and checks the body (it runs on a worker thread). */
const simulateInputSchema = z.object({
  snapshot: z.looseObject({}).describe('kubectl get namespaces,pods,networkpolicies -A -o json'),
  probes: z.array(
    z.object({ from: z.string(), to: z.string(), port: z.union([z.number().int(), z.string()]), protocol: z.enum(PROTOCOLS).optional() }),
  ),
});

const directionVerdictSchema = z.strictObject({
  allowed: z.boolean(),
  policies: z.array(z.string()).describe('`ns/name` of every policy that selected this side for this direction'),
  isolated: z.boolean(),
  allowedBy: z.array(z.strictObject({ policy: z.string(), rule: z.number().describe('Index in spec.ingress or spec.egress') })),
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
};
