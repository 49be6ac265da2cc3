import { AppError, type ClusterView, type CreateClusterBody, type UpdateClusterBody } from '@bulkhead/contracts';
import type { ClusterCounts, ClusterRecord, ClusterStore } from './cluster-store.port';
import { cniEnforcesNetworkPolicy } from './tiers';

const NO_COUNTS: ClusterCounts = { namespaces: 0, workloads: 0, pods: 0, policies: 0, edges: 0 };

function toView(c: ClusterRecord, counts: ClusterCounts = NO_COUNTS): ClusterView {
  return {
    id: c.id,
    name: c.name,
    cni: c.cni,
    enforcesNetworkPolicy: cniEnforcesNetworkPolicy(c.cni),
    description: c.description,
    counts,
    inventoryImportedAt: c.inventoryImportedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

export async function requireCluster(store: ClusterStore, id: string): Promise<ClusterRecord> {
  const cluster = await store.get(id);
  if (!cluster) throw AppError.notFound('cluster', id);
  return cluster;
}

export async function createCluster(store: ClusterStore, body: CreateClusterBody): Promise<ClusterView> {
  return toView(await store.create(body));
}

export async function listClusters(store: ClusterStore): Promise<ClusterView[]> {
  const clusters = await store.list();
  const counts = await store.counts(clusters.map((c) => c.id));
  return clusters.map((c) => toView(c, counts.get(c.id)));
}

export async function getCluster(store: ClusterStore, id: string): Promise<ClusterView> {
  const cluster = await requireCluster(store, id);
  return toView(cluster, (await store.counts([id])).get(id));
}

export async function updateCluster(store: ClusterStore, id: string, patch: UpdateClusterBody): Promise<ClusterView> {
  const updated = await store.update(id, patch);
  if (!updated) throw AppError.notFound('cluster', id);
  return toView(updated, (await store.counts([id])).get(id));
}

export async function deleteCluster(store: ClusterStore, id: string): Promise<void> {
  if (!(await store.delete(id))) throw AppError.notFound('cluster', id);
}
