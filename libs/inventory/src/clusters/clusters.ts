import { AppError, type ClusterView, type CreateClusterBody, type UpdateClusterBody } from '@bulkhead/contracts';
import { DocumentError, parseYaml } from '@bulkhead/documents';
import type { ClusterCounts, ClusterRecord, ClusterStore, SecretSealer } from './cluster-store.port';
import { cniEnforcesNetworkPolicy } from './cni';

const NO_COUNTS: ClusterCounts = { namespaces: 0, workloads: 0, pods: 0, policies: 0, edges: 0 };

function toView(c: ClusterRecord, counts: ClusterCounts = NO_COUNTS): ClusterView {
  return {
    id: c.id,
    name: c.name,
    cni: c.cni,
    enforcesNetworkPolicy: cniEnforcesNetworkPolicy(c.cni),
    description: c.description,
    driver: c.driver,
    hasCredentials: c.hasCredentials,
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

/** A kubeconfig must at least name a cluster with a server and a user; what it holds is checked again on connect. */
export function checkKubeconfig(text: string, field: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    throw AppError.invalid('cluster.invalid_kubeconfig', [{ field, reason: error.kind === 'unreadable' ? 'is not valid YAML' : error.message }]);
  }
  const clusters = (doc as { clusters?: Array<{ cluster?: { server?: unknown } }> } | null)?.clusters;
  const users = (doc as { users?: unknown[] } | null)?.users;
  if (!Array.isArray(clusters) || !clusters.some((c) => typeof c?.cluster?.server === 'string') || !Array.isArray(users) || users.length === 0) {
    throw AppError.invalid('cluster.invalid_kubeconfig', [{ field, reason: 'must be a kubeconfig with at least one cluster (with a server) and one user' }]);
  }
}

export async function createCluster(deps: { clusters: ClusterStore; sealer: SecretSealer }, body: CreateClusterBody): Promise<ClusterView> {
  if (body.kubeconfig) checkKubeconfig(body.kubeconfig, 'body.kubeconfig');
  const { kubeconfig, ...rest } = body;
  return toView(await deps.clusters.create({ ...rest, ...(kubeconfig ? { sealedCredentials: deps.sealer.seal(kubeconfig) } : {}) }));
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

export async function updateCluster(deps: { clusters: ClusterStore; sealer: SecretSealer }, id: string, patch: UpdateClusterBody): Promise<ClusterView> {
  const current = await requireCluster(deps.clusters, id);
  if (patch.kubeconfig !== undefined) {
    if (current.driver !== 'kubernetes') throw AppError.invalid('cluster.no_kubeconfig', [{ field: 'body.kubeconfig', reason: 'only goes with driver kubernetes' }]);
    checkKubeconfig(patch.kubeconfig, 'body.kubeconfig');
  }
  const { kubeconfig, ...rest } = patch;
  const updated = await deps.clusters.update(id, { ...rest, ...(kubeconfig ? { sealedCredentials: deps.sealer.seal(kubeconfig) } : {}) });
  if (!updated) throw AppError.notFound('cluster', id);
  return toView(updated, (await deps.clusters.counts([id])).get(id));
}

export async function deleteCluster(store: ClusterStore, id: string): Promise<void> {
  if (!(await store.delete(id))) throw AppError.notFound('cluster', id);
}
