// One engine per (inventory, policy layers): impact, blast radius and lint often ask about the same pair.
// Memoized on the identity of the arrays (WeakMaps), so nothing outlives the data it was built from.
import { type ClusterNetworkPolicy, type Engine, type Inventory, type NetworkPolicy, buildEngine } from '@bulkhead/netpol';
import type { PolicyLayers } from './layers';

const NO_CLUSTER_POLICIES: readonly ClusterNetworkPolicy[] = Object.freeze([]);
const cache = new WeakMap<readonly unknown[], WeakMap<readonly NetworkPolicy[], WeakMap<readonly ClusterNetworkPolicy[], Engine>>>();

export function engineFor(inventory: Pick<Inventory, 'namespaces' | 'pods' | 'nodes'>, layers: PolicyLayers): Engine {
  const { policies, clusterPolicies = NO_CLUSTER_POLICIES } = layers;
  let byPolicies = cache.get(inventory.pods);
  if (!byPolicies) cache.set(inventory.pods, (byPolicies = new WeakMap()));
  let byClusterPolicies = byPolicies.get(policies);
  if (!byClusterPolicies) byPolicies.set(policies, (byClusterPolicies = new WeakMap()));
  let engine = byClusterPolicies.get(clusterPolicies);
  if (!engine)
    byClusterPolicies.set(
      clusterPolicies,
      (engine = buildEngine({
        namespaces: inventory.namespaces,
        pods: inventory.pods,
        policies,
        clusterPolicies,
        ...(inventory.nodes ? { nodes: inventory.nodes } : {}),
      })),
    );
  return engine;
}
