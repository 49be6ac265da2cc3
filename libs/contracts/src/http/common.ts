import { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const TIERS = ['dev', 'staging', 'prod'] as const;
export const tierSchema = z.enum(TIERS);
/** Unless the server is configured otherwise, staging and prod stages wait for an approver, and namespaces leave these tiers only by an approver's hand. */
export const DEFAULT_APPROVAL_TIERS: readonly Tier[] = ['staging', 'prod'];
export type Tier = z.infer<typeof tierSchema>;
/** What names a rollout's stage: a tier, or `cluster`, the stage of the plan's cluster-scoped guardrails. */
export const STAGE_TIERS = [...TIERS, 'cluster'] as const;
export const stageTierSchema = z.enum(STAGE_TIERS);
export type StageTier = z.infer<typeof stageTierSchema>;
/** What stands where a namespace's name goes for the cluster stage's one step (its halt, drift, a rollback's scope): no DNS label can be it. */
export const CLUSTER_SCOPE = '(cluster)';

/**
 * The namespaces Kubernetes and its add-ons run in (control plane components, cluster DNS, node leases):
 * a rollout recommends excluding them, since the traffic seen rarely shows all they need.
 */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'] as const;

export const CNIS = ['calico', 'cilium', 'flannel', 'canal', 'weave', 'antrea', 'kube-router', 'unknown'] as const;
export const cniSchema = z.enum(CNIS);
export type Cni = z.infer<typeof cniSchema>;

/** The error body of every 4xx/5xx answer. */
export const errorBodySchema = z.strictObject({
  statusCode: z.number().int(),
  code: z.string().describe('Stable machine-readable code, e.g. `cluster.name_taken`, `request.invalid_body`'),
  message: z.string(),
  problems: z
    .array(z.strictObject({ field: z.string().describe('e.g. `body.port`, `query.namespace`, `params.clusterId`'), reason: z.string() }))
    .optional(),
  errorId: z.string().optional().describe('Of a 500: quote it when reporting the error; the log has it'),
  requestId: z.string().optional(),
});
export type ErrorBody = z.infer<typeof errorBodySchema>;

export const uuidSchema = z.uuid();
export const k8sNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lower-case DNS name (a-z, 0-9, "-" and ".")');
