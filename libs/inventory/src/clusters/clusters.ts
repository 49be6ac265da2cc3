import {
  type ClusterView,
  type CreateClusterBody,
  type Role,
  type UpdateClusterBody,
  cniEnforcesNetworkPolicy,
  doesNotExist,
} from '@bulkhead/contracts';
import { DocumentError, parseYaml } from '@bulkhead/documents';
import type { ClusterCounts, ClusterRecord, ClusterStore } from './cluster-store.port';
import { InventoryError } from '../errors';
import { type KubeconfigRules, resolvedAddressRefusal, reviewKubeconfig } from './kubeconfig-policy';
import { checkDelivery, type DeliveryDeps, deliveryView } from './delivery';

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
    delivery: deliveryView(c),
    counts,
    inventoryImportedAt: c.inventoryImportedAt?.toISOString() ?? null,
    createdAt: c.createdAt.toISOString(),
  };
}

export async function requireCluster(store: ClusterStore, id: string): Promise<ClusterRecord> {
  const cluster = await store.get(id);
  if (!cluster) throw new InventoryError('cluster.not_found', doesNotExist('cluster', id));
  return cluster;
}

/**
 * What registering or changing a cluster needs: the store, the sealer of its secrets (kubeconfig,
 * repository credentials), and the rules a kubeconfig and a delivery's repository are held to.
 */
export interface ClusterDeps extends DeliveryDeps {
  clusters: ClusterStore;
  kubeconfigRules: KubeconfigRules;
}

/** Who asks for a change; only an admin may hand the server credentials to run. */
export interface ClusterActor {
  role: Role;
}

/**
 * A kubeconfig must name a cluster with a server and a user, carry only embedded credentials, and point
 * to no loopback or link-local address, literal or resolved (see kubeconfig-policy.ts). Every refusal
 * is a problem on `kubeconfig` that names the entry and the field in it.
 */
export async function checkKubeconfig(deps: Pick<ClusterDeps, 'kubeconfigRules' | 'resolver'>, text: string): Promise<void> {
  const field = 'kubeconfig';
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    throw new InventoryError('cluster.invalid_kubeconfig', [
      { field, reason: error.kind === 'unreadable' ? 'is not valid YAML' : error.message },
    ]);
  }
  const review = reviewKubeconfig(doc, deps.kubeconfigRules);
  const refusals = [...review.refusals];
  for (const { entry, field: where, host } of review.hostsToResolve) {
    let addresses: string[];
    try {
      addresses = await deps.resolver.resolve(host);
    } catch {
      refusals.push({ entry, field: where, reason: `${host} could not be resolved, so its address cannot be checked` });
      continue;
    }
    const reason = resolvedAddressRefusal(host, addresses, deps.kubeconfigRules);
    if (reason) refusals.push({ entry, field: where, reason });
  }
  if (refusals.length) {
    throw new InventoryError(
      'cluster.invalid_kubeconfig',
      refusals.map((r) => ({ field, reason: r.field ? `${r.entry}: ${r.field} ${r.reason}` : `${r.entry} ${r.reason}` })),
    );
  }
}

const credentialsNeedAdmin = (actor: ClusterActor, what: string) => {
  if (actor.role !== 'admin') {
    throw new InventoryError(
      'cluster.credentials_need_admin',
      `${what} needs the admin role: it decides what the Bulkhead server connects to and with what credentials`,
    );
  }
};

export async function createCluster(deps: ClusterDeps, body: CreateClusterBody, actor: ClusterActor): Promise<ClusterView> {
  if (body.kubeconfig) {
    credentialsNeedAdmin(actor, 'registering a cluster with a kubeconfig');
    await checkKubeconfig(deps, body.kubeconfig);
  }
  if (body.delivery.kind === 'git') credentialsNeedAdmin(actor, 'registering a cluster that delivers through git');
  const { kubeconfig, delivery, ...rest } = body;
  const { sealedDeliveryCredentials, ...change } = await checkDelivery(deps, delivery);
  return toView(
    await deps.clusters.create({
      ...rest,
      ...change,
      ...(kubeconfig ? { sealedCredentials: deps.sealer.seal(kubeconfig) } : {}),
      ...(sealedDeliveryCredentials ? { sealedDeliveryCredentials } : {}),
    }),
  );
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

export async function updateCluster(deps: ClusterDeps, id: string, patch: UpdateClusterBody, actor: ClusterActor): Promise<ClusterView> {
  const current = await requireCluster(deps.clusters, id);
  if (patch.kubeconfig !== undefined) {
    credentialsNeedAdmin(actor, "changing a cluster's kubeconfig (its credentials and server address)");
    if (current.driver !== 'kubernetes')
      throw new InventoryError('cluster.no_kubeconfig', [{ field: 'kubeconfig', reason: 'only goes with driver kubernetes' }]);
    await checkKubeconfig(deps, patch.kubeconfig);
  }
  if (patch.delivery !== undefined) credentialsNeedAdmin(actor, "changing a cluster's delivery");
  const { kubeconfig, delivery, ...rest } = patch;
  const updated = await deps.clusters.update(id, {
    ...rest,
    ...(kubeconfig ? { sealedCredentials: deps.sealer.seal(kubeconfig) } : {}),
    ...(delivery ? await checkDelivery(deps, delivery, current) : {}),
  });
  if (!updated) throw new InventoryError('cluster.not_found', doesNotExist('cluster', id));
  return toView(updated, (await deps.clusters.counts([id])).get(id));
}

export async function deleteCluster(store: ClusterStore, id: string): Promise<void> {
  if (!(await store.delete(id))) throw new InventoryError('cluster.not_found', doesNotExist('cluster', id));
}
