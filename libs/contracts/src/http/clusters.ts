import { z } from 'zod';
import { cniSchema, k8sNameSchema } from './common';
import { deliverySchema, deliveryViewSchema } from './delivery';
import { idParam, instantSchema, route } from './route';

export const DRIVERS = ['simulated', 'kubernetes'] as const;

export const createClusterSchema = z
  .strictObject({
    name: k8sNameSchema.describe('Unique name of the cluster in Bulkhead'),
    cni: cniSchema.default('unknown').describe('The CNI plugin; decides whether NetworkPolicy is enforced at all'),
    description: z.string().max(2000).optional(),
    driver: z.enum(DRIVERS).default('simulated').describe('simulated: Bulkhead stands in for the cluster; kubernetes: a real API server'),
    kubeconfig: z
      .string()
      .min(1)
      .max(1024 * 1024)
      .optional()
      .describe('For driver kubernetes: the kubeconfig (YAML). Stored encrypted, never returned'),
    delivery: deliverySchema.default({ kind: 'direct' }),
  })
  .superRefine((body, ctx) => {
    if (body.driver === 'kubernetes' && !body.kubeconfig)
      ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'is required for driver kubernetes' });
    if (body.driver === 'simulated' && body.kubeconfig)
      ctx.addIssue({ code: 'custom', path: ['kubeconfig'], message: 'only goes with driver kubernetes' });
  });
export type CreateClusterBody = z.infer<typeof createClusterSchema>;

export const updateClusterSchema = z.strictObject({
  cni: cniSchema.optional(),
  description: z.string().max(2000).optional(),
  kubeconfig: z
    .string()
    .min(1)
    .max(1024 * 1024)
    .optional()
    .describe('Replaces the stored kubeconfig of a kubernetes cluster'),
  delivery: deliverySchema
    .optional()
    .describe('Replaces how rollouts deliver changes (an admin; refused while a rollout acts on the cluster)'),
});
export type UpdateClusterBody = z.infer<typeof updateClusterSchema>;

export const clusterViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  cni: z.string(),
  enforcesNetworkPolicy: z
    .boolean()
    .nullable()
    .describe('true/false when the CNI is known to enforce NetworkPolicy or not; null when unknown'),
  description: z.string().nullable(),
  driver: z.enum(DRIVERS),
  hasCredentials: z.boolean().describe('Whether a kubeconfig is stored. The kubeconfig itself is never returned'),
  delivery: deliveryViewSchema,
  counts: z.strictObject({ namespaces: z.number(), workloads: z.number(), pods: z.number(), policies: z.number(), edges: z.number() }),
  inventoryImportedAt: instantSchema.nullable(),
  createdAt: instantSchema,
});
export type ClusterView = z.infer<typeof clusterViewSchema>;

const clusterParams = z.strictObject({ clusterId: idParam });

export const clusterRoutes = {
  listClusters: route({
    method: 'GET',
    path: '/api/v1/clusters',
    summary: 'Every cluster',
    success: [200],
    response: z.array(clusterViewSchema),
  }),
  createCluster: route({
    method: 'POST',
    path: '/api/v1/clusters',
    summary: 'Registers a cluster',
    body: createClusterSchema,
    success: [201],
    response: clusterViewSchema,
  }),
  getCluster: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId',
    summary: 'One cluster',
    params: clusterParams,
    success: [200],
    response: clusterViewSchema,
  }),
  updateCluster: route({
    method: 'PATCH',
    path: '/api/v1/clusters/:clusterId',
    summary: 'Changes a cluster: CNI and description (an operator), its kubeconfig and delivery (an admin)',
    params: clusterParams,
    body: updateClusterSchema,
    success: [200],
    response: clusterViewSchema,
  }),
  deleteCluster: route({
    method: 'DELETE',
    path: '/api/v1/clusters/:clusterId',
    summary: 'Deletes a cluster with everything known about it; refused (409) while a rollout acts on it',
    params: clusterParams,
    success: [204],
    response: null,
  }),
};
