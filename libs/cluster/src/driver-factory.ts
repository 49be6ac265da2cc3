import type { ClusterStore, KubeconfigRules } from '@bulkhead/inventory';
import type { ClusterDriver } from '@bulkhead/rollout';
import { KubernetesDriver } from './kubernetes';
import { SimulatedDriver, type SqlClient } from './simulated/simulated-driver';

/**
 * The driver of a cluster, by its record: the simulated one (kept per cluster, so its objects are read
 * once per reset), or the Kubernetes one over the cluster's kubeconfig, opened only here.
 */
export function driverFactory(deps: {
  db: SqlClient;
  clusters: ClusterStore;
  openSecret(sealed: Uint8Array): string;
  kubeconfigRules: KubeconfigRules;
}): (clusterId: string) => Promise<ClusterDriver> {
  const simulated = new Map<string, SimulatedDriver>();
  return async (clusterId) => {
    // A cluster's driver never changes, so a simulated one found here needs no lookup.
    const known = simulated.get(clusterId);
    if (known) return known;
    const cluster = await deps.clusters.get(clusterId);
    if (!cluster) throw new Error(`cluster ${clusterId} does not exist`);
    if (cluster.driver === 'simulated') {
      const driver = new SimulatedDriver(deps.db, clusterId);
      simulated.set(clusterId, driver);
      return driver;
    }
    const sealed = await deps.clusters.sealedCredentials(clusterId);
    if (!sealed) throw new Error(`cluster ${cluster.name} has no kubeconfig`);
    return new KubernetesDriver(deps.openSecret(sealed), { kubeconfigRules: deps.kubeconfigRules });
  };
}
