import { z } from 'zod';
import { cniSchema, k8sNameSchema, tierSchema } from './common';

export const DRIVERS = ['simulated', 'kubernetes'] as const;

export const createClusterSchema = z
  .strictObject({
    name: k8sNameSchema.describe('Unique name of the cluster in Bulkhead'),
    cni: cniSchema.default('unknown').describe('The CNI plugin; decides whether NetworkPolicy is enforced at all'),
    description: z.string().max(2000).optional(),
    driver: z.enum(DRIVERS).default('simulated').describe('simulated: Bulkhead stands in for the cluster; kubernetes: a real API server'),
    kubeconfig: z.string().min(1).max(1024 * 1024).optional().describe('For driver kubernetes: the kubeconfig (YAML). Stored encrypted, never returned'),
  })
  .superRefine((body, ctx) => {
    if (body.driver === 'kubernetes' && !body.kubeconfig) ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'is required for driver kubernetes' });
    if (body.driver === 'simulated' && body.kubeconfig) ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'only goes with driver kubernetes' });
  });
export type CreateClusterBody = z.infer<typeof createClusterSchema>;

export const updateClusterSchema = z.strictObject({
  cni: cniSchema.optional(),
  description: z.string().max(2000).optional(),
  kubeconfig: z.string().min(1).max(1024 * 1024).optional().describe('Replaces the stored kubeconfig of a kubernetes cluster'),
});
export type UpdateClusterBody = z.infer<typeof updateClusterSchema>;

export const updateNamespaceSchema = z.strictObject({
  tier: tierSchema.nullable().describe('dev, staging or prod; null to fall back to the namespace labels'),
});
export type UpdateNamespaceBody = z.infer<typeof updateNamespaceSchema>;

export const listWorkloadsQuerySchema = z.strictObject({
  namespace: k8sNameSchema.optional(),
});

export interface ClusterView {
  id: string;
  name: string;
  cni: string;
  /** true/false when the CNI is known to enforce NetworkPolicy or not; null when unknown. */
  enforcesNetworkPolicy: boolean | null;
  description: string | null;
  driver: 'simulated' | 'kubernetes';
  /** Whether a kubeconfig is stored. The kubeconfig itself is never returned. */
  hasCredentials: boolean;
  counts: { namespaces: number; workloads: number; pods: number; policies: number; edges: number };
  inventoryImportedAt: string | null;
  createdAt: string;
}

export interface NamespaceView {
  name: string;
  labels: Record<string, string>;
  tier: 'dev' | 'staging' | 'prod' | null;
  /** Where the tier came from: a label, a person, or nowhere. */
  tierSource: 'label' | 'manual' | 'none';
  /**
   * `verified`: the latest rollout that reached the namespace applied a plan there and its probes
   * passed; `partial`: it has NetworkPolicies, but no verified plan; `unprotected`: none at all.
   */
  protection: 'unprotected' | 'partial' | 'verified';
  counts: { workloads: number; pods: number; policies: number };
}

export interface WorkloadView {
  namespace: string;
  name: string;
  kind: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; port: number; protocol: string }>;
  podCount: number;
}
