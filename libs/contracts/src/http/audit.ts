import { z } from 'zod';
import { identifierSchema } from './text';
import { pageOf, pageQueryShape } from './pages';
import { instantSchema, route } from './route';

export const auditQuerySchema = z.strictObject({
  clusterId: z.uuid().optional(),
  actor: identifierSchema(200).optional(),
  action: identifierSchema(200).optional().describe('Matches exactly, or every action under a prefix ending in "." (`edge.`)'),
  q: z.string().max(200).optional().describe('Searches targets and details'),
  since: z.iso.datetime({ offset: true }).optional().describe('Entries written at or after this instant'),
  ...pageQueryShape({ default: 100, max: 500 }),
});

export const auditItemSchema = z.strictObject({
  id: z.string(),
  at: instantSchema,
  actor: z.string().describe("`user:<name>`, `token:<name>`, or `system:<part>` for the worker's own actions"),
  action: z.string().describe('`<thing>.<verb>`: `cluster.create`, `edge.reject`, `rollout.step.apply`...'),
  clusterId: z.string().nullable().optional(),
  target: z.string().nullable().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  before: z.unknown().optional().describe('For changes to a cluster: its policies before and after'),
  after: z.unknown().optional(),
  position: z.number().describe('Its place in the hash chain: 1, 2, 3...'),
  previousHash: z.string(),
  hash: z.string(),
});
export type AuditItem = z.infer<typeof auditItemSchema>;

export const chainVerdictSchema = z.strictObject({
  ok: z.boolean(),
  checked: z.number().describe('Entries found intact before the first break (all of them when ok)'),
  firstBrokenAt: z.number().optional().describe('The position where the chain first breaks'),
  reason: z.string().optional(),
});
export type ChainVerdict = z.infer<typeof chainVerdictSchema>;

export const auditRoutes = {
  listAudit: route({
    method: 'GET',
    path: '/api/v1/audit',
    summary: 'The audit log, newest first, in pages',
    query: auditQuerySchema,
    success: [200],
    response: pageOf(auditItemSchema),
  }),
  verifyAudit: route({
    method: 'GET',
    path: '/api/v1/audit/verify',
    summary: 'Walks the hash chain from the first entry: intact, or where it first breaks and why. Reads the whole log',
    success: [200],
    response: chainVerdictSchema,
  }),
};
