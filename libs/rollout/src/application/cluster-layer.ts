// The cluster layer Bulkhead manages: the cluster-scoped policies it applied (labelled as its own by the plan), beside
// the cluster policies of others, which it never touches. A rollout's cluster step and a drift re-apply both converge it.
import type { SnapshotClusterPolicy } from '@bulkhead/netpol';
import { isManagedByBulkhead } from '@bulkhead/plan';
import type { ClusterDriver } from './ports/cluster-driver.port';

/** Names a cluster-scoped policy: names are unique within a kind only. */
export const clusterPolicyKey = (policy: SnapshotClusterPolicy): string => `${policy.kind}/${policy.metadata.name}`;

/** Whether Bulkhead applied this cluster-scoped policy (a plan's cluster layer carries its managed-by label). */
export const isBulkheadClusterPolicy = (policy: SnapshotClusterPolicy): boolean =>
  isManagedByBulkhead(policy as { metadata: { labels?: Record<string, string> } });

/**
 * Makes the plan's layer the cluster's Bulkhead-managed cluster policies, exactly: the plan's are created or updated,
 * then the ones Bulkhead applied that the plan no longer has (an earlier plan version's) are deleted; the cluster
 * policies of others are left alone.
 */
export async function convergeClusterLayer(driver: ClusterDriver, layer: SnapshotClusterPolicy[]): Promise<void> {
  const kept = new Set(layer.map(clusterPolicyKey));
  const dropped = (await driver.readClusterPolicies()).filter((live) => isBulkheadClusterPolicy(live) && !kept.has(clusterPolicyKey(live)));
  await driver.applyClusterPolicies(layer);
  if (dropped.length > 0) await driver.deleteClusterPolicies(dropped.map(({ kind, metadata }) => ({ kind, name: metadata.name })));
}
