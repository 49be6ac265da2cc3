// The two layers a cluster enforces: namespaced NetworkPolicy, and the cluster-scoped Admin and Baseline tiers.
// What the cluster holds now, and what it would hold once a plan is applied, as the engine must evaluate them.
import { cniClusterPolicySupport } from '@bulkhead/contracts';
import type { ClusterNetworkPolicy, Inventory, NetworkPolicy } from '@bulkhead/netpol';
import { MANAGED_BY, MANAGED_BY_LABEL } from './generate/naming';
import type { ClusterLayer } from './types';

export interface PolicyLayers {
  policies: readonly NetworkPolicy[];
  /** Both tiers; absent: none. */
  clusterPolicies?: readonly ClusterNetworkPolicy[];
}

export function isManagedByBulkhead(object: { metadata: { labels?: Record<string, string> } }): boolean {
  return object.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
}

/** A CNI known not to implement cluster policies enforces none of them: they are left out. */
function enforced(clusterPolicies: readonly ClusterNetworkPolicy[], cni: string | undefined): readonly ClusterNetworkPolicy[] {
  return cni !== undefined && cniClusterPolicySupport(cni)?.implements === false ? [] : clusterPolicies;
}

/** What the cluster enforces now. */
export function currentLayers(inventory: Pick<Inventory, 'policies' | 'clusterPolicies'>, cni?: string): PolicyLayers {
  return { policies: inventory.policies, clusterPolicies: enforced(inventory.clusterPolicies ?? [], cni) };
}

/**
 * What the cluster enforces once the plan is applied: the plan's NetworkPolicies in place of the ones it has, and its
 * cluster layer in place of the one an earlier plan applied, beside the cluster policies of others, which a plan
 * leaves alone.
 */
export function plannedLayers(
  inventory: Pick<Inventory, 'clusterPolicies'>,
  plan: { policies: readonly NetworkPolicy[]; clusterLayer: Pick<ClusterLayer, 'policies'> },
  cni?: string,
): PolicyLayers {
  const others = (inventory.clusterPolicies ?? []).filter((policy) => !isManagedByBulkhead(policy));
  return { policies: plan.policies, clusterPolicies: enforced([...others, ...plan.clusterLayer.policies], cni) };
}
