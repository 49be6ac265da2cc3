import { z } from 'zod';
import { k8sNameSchema, tierSchema } from './common';
import { idParam, queuedSchema, route } from './route';

export const updateNamespaceSchema = z.strictObject({
  tier: tierSchema.nullable().describe('dev, staging or prod; null to fall back to the namespace labels'),
});
export type UpdateNamespaceBody = z.infer<typeof updateNamespaceSchema>;

export const listWorkloadsQuerySchema = z.strictObject({
  namespace: k8sNameSchema.optional(),
});

export const namespaceViewSchema = z.strictObject({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  tier: tierSchema.nullable(),
  tierSource: z.enum(['label', 'manual', 'none']).describe('Where the tier came from: a label, a person, or nowhere'),
  protection: z
    .enum(['unprotected', 'partial', 'verified'])
    .describe(
      'verified: the latest rollout that reached the namespace applied a plan there and its probes passed; partial: it has NetworkPolicies, but no verified plan; unprotected: none at all',
    ),
  counts: z.strictObject({ workloads: z.number(), pods: z.number(), policies: z.number() }),
});
export type NamespaceView = z.infer<typeof namespaceViewSchema>;

export const workloadViewSchema = z.strictObject({
  namespace: z.string(),
  name: z.string(),
  kind: z.string(),
  labels: z.record(z.string(), z.string()),
  ports: z.array(z.strictObject({ name: z.string().optional(), port: z.number(), protocol: z.string() })),
  podCount: z.number(),
});
export type WorkloadView = z.infer<typeof workloadViewSchema>;

/**
 * A Kubernetes object as the cluster holds it (a NetworkPolicy): Kubernetes' schema, not ours, so only
 * what Bulkhead relies on is named, and other fields are not refused.
 */
export const kubernetesObjectSchema = z.object({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: z.object({ name: z.string(), namespace: z.string() }),
});

/**
 * A cluster-scoped policy of policy.networking.k8s.io as the cluster holds it (ClusterNetworkPolicy v1alpha2,
 * AdminNetworkPolicy or BaselineAdminNetworkPolicy v1alpha1): Kubernetes' schema, so other fields are not refused.
 */
export const clusterPolicyObjectSchema = z.object({
  apiVersion: z.string(),
  kind: z.enum(['ClusterNetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy']),
  metadata: z.object({ name: z.string() }),
});

export const snapshotImportResultSchema = z.strictObject({
  namespaces: z.number(),
  workloads: z.number(),
  pods: z.number(),
  policies: z.number(),
  clusterPolicies: z.number().describe('ClusterNetworkPolicies, AdminNetworkPolicies and BaselineAdminNetworkPolicies listed'),
  nodes: z.number().describe('Nodes listed, and nodes only a host-network pod named'),
  namespacesWithoutTier: z
    .array(z.string())
    .describe(
      'Namespaces with no tier after the import: their labels name none, and no person or floor gave them one; a person should set one',
    ),
  keptAtFloor: z
    .array(z.strictObject({ namespace: z.string(), tier: tierSchema }))
    .describe(
      'Namespaces kept at a tier under approval they have been in, although their labels now name a lower one: only an approver moves them down',
    ),
});
export type SnapshotImportResult = z.infer<typeof snapshotImportResultSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });

export const inventoryRoutes = {
  importSnapshot: route({
    method: 'PUT',
    path: '/api/v1/clusters/:clusterId/snapshot',
    summary: 'Replaces the inventory with a `kubectl get namespaces,pods,networkpolicies -A -o json` snapshot (JSON or YAML)',
    params: clusterParams,
    rawBody: {
      contentTypes: ['application/json', 'application/yaml'],
      schema: z.looseObject({}).describe('A Kubernetes v1 List (or multi-document YAML)'),
    },
    success: [200],
    response: snapshotImportResultSchema,
  }),
  syncInventory: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/sync',
    summary: 'Re-reads the cluster through its driver and replaces the inventory',
    params: clusterParams,
    success: [202],
    response: queuedSchema,
  }),
  listNamespaces: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/namespaces',
    summary: 'The namespaces of a cluster',
    params: clusterParams,
    success: [200],
    response: z.array(namespaceViewSchema),
  }),
  setNamespaceTier: route({
    method: 'PATCH',
    path: '/api/v1/clusters/:clusterId/namespaces/:namespace',
    summary: "Sets a namespace's tier; moving it out of a tier under approval needs an approver",
    params: z.strictObject({ clusterId: idParam, namespace: z.string() }),
    body: updateNamespaceSchema,
    success: [200],
    response: namespaceViewSchema,
  }),
  listWorkloads: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/workloads',
    summary: 'The workloads of a cluster, or of one namespace',
    params: clusterParams,
    query: listWorkloadsQuerySchema,
    success: [200],
    response: z.array(workloadViewSchema),
  }),
  listPolicies: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/policies',
    summary: 'The NetworkPolicies the cluster has, or one namespace has',
    params: clusterParams,
    query: listWorkloadsQuerySchema,
    success: [200],
    response: z.array(kubernetesObjectSchema),
  }),
  listClusterPolicies: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/cluster-policies',
    summary:
      'The cluster-scoped policies the cluster has (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy), by kind and name',
    params: clusterParams,
    success: [200],
    response: z.array(clusterPolicyObjectSchema),
  }),
};
