import { z } from 'zod';
import { stageTierSchema } from './common';
import { instantSchema, route } from './route';
import { approvalEvidenceSchema } from './rollouts';

/** One stage waiting for a decision. */
export const approvalItemSchema = z.strictObject({
  rolloutId: z.string(),
  clusterId: z.string(),
  planId: z.string(),
  planVersion: z.number(),
  createdBy: z.string(),
  tier: stageTierSchema,
  requestedAt: instantSchema,
  evidence: approvalEvidenceSchema,
  mine: z.boolean().describe('the caller created this rollout, so cannot approve it'),
});
export type ApprovalItem = z.infer<typeof approvalItemSchema>;

export const approvalRoutes = {
  listApprovals: route({
    method: 'GET',
    path: '/api/v1/approvals',
    summary: 'What waits for an approval: stages of rollouts, with the evidence',
    success: [200],
    response: z.array(approvalItemSchema),
  }),
};
