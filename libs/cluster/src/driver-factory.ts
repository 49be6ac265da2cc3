import { type GitCredentials, gitCredentialsSchema } from '@bulkhead/contracts';
import type { ClusterRecord, ClusterStore, GitRemoteRules, HostResolver, KubeconfigRules } from '@bulkhead/inventory';
import type { ClusterDriver } from '@bulkhead/rollout';
import { GitDelivery } from './git/git-delivery';
import { KeyedQueue } from './git/keyed-queue';
import { remoteAccess } from './git/remote-access';
import { KubernetesDriver } from './kubernetes';
import { SimulatedDriver, type SqlClient } from './simulated/simulated-driver';

/** What delivering through git needs: where the cache repositories go, and where they may push. */
export interface GitDeliveryDeps {
  cacheRoot: string;
  rules: GitRemoteRules;
  resolver: HostResolver;
  /** How long one git command (a fetch, a push) may take: two minutes unless said. */
  commandTimeoutMs?: number;
  /** How often the cluster is read while a change waits for its sync: every half second unless said. */
  pollMs?: number;
}

/** Sealed credentials, opened: an error says which cluster's are unreadable, never what they hold. */
function openCredentials(opened: string, cluster: string): GitCredentials {
  try {
    return gitCredentialsSchema.parse(JSON.parse(opened));
  } catch {
    throw new Error(`the repository credentials stored for cluster ${cluster} cannot be read`);
  }
}

/**
 * The driver of a cluster, by its record: the simulated one (kept per cluster, so its objects are read
 * once per reset), or the Kubernetes one over the cluster's kubeconfig, opened only here; wrapped in a
 * git delivery when the cluster takes its changes through git (its credentials, too, opened only here).
 */
export function driverFactory(deps: {
  db: SqlClient;
  clusters: ClusterStore;
  openSecret(sealed: Uint8Array): string;
  kubeconfigRules: KubeconfigRules;
  git: GitDeliveryDeps;
}): (clusterId: string) => Promise<ClusterDriver> {
  const simulated = new Map<string, SimulatedDriver>();
  const queue = new KeyedQueue();

  const readingDriver = async (cluster: ClusterRecord): Promise<ClusterDriver> => {
    if (cluster.driver === 'simulated') {
      const known = simulated.get(cluster.id) ?? new SimulatedDriver(deps.db, cluster.id);
      simulated.set(cluster.id, known);
      return known;
    }
    const sealed = await deps.clusters.sealedCredentials(cluster.id);
    if (!sealed) throw new Error(`cluster ${cluster.name} has no kubeconfig`);
    return new KubernetesDriver(deps.openSecret(sealed), { kubeconfigRules: deps.kubeconfigRules });
  };

  return async (clusterId) => {
    // Read every time: an admin may change the delivery between two rollouts.
    const cluster = await deps.clusters.get(clusterId);
    if (!cluster) throw new Error(`cluster ${clusterId} does not exist`);
    const reading = await readingDriver(cluster);
    if (cluster.delivery.kind === 'direct') return reading;
    const sealed = await deps.clusters.sealedDeliveryCredentials(clusterId);
    const credentials = sealed ? openCredentials(deps.openSecret(sealed), cluster.name) : null;
    const { repoUrl } = cluster.delivery;
    return new GitDelivery(reading, cluster.delivery, {
      cacheRoot: deps.git.cacheRoot,
      access: () => remoteAccess(repoUrl, credentials, deps.git.rules, deps.git.resolver, deps.git.commandTimeoutMs ?? 120_000),
      queue,
      pollMs: deps.git.pollMs ?? 500,
    });
  };
}
