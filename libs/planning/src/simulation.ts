import { type ClusterStore, type InventoryStore, requireCluster } from '@bulkhead/inventory';
import type { Inventory } from '@bulkhead/netpol';
import { plannedLayers } from '@bulkhead/plan';
import { PlanningError } from './errors';
import type { PlanStore } from './plan-store.port';

export interface SimulationDeps {
  clusters: ClusterStore;
  inventory: InventoryStore;
  plans: PlanStore;
}

/**
 * What a simulation of the cluster evaluates probes against: its stored inventory with its live policies, or, with
 * `planId`, with that plan of the cluster applied: its NetworkPolicies in place of the cluster's, its cluster layer in
 * place of an earlier plan's, beside the cluster policies of others. A plan of another cluster is refused as if it did
 * not exist, naming `planId`.
 */
export async function simulationInventory(deps: SimulationDeps, clusterId: string, planId?: string): Promise<Inventory> {
  await requireCluster(deps.clusters, clusterId);
  const [inventory, plan] = await Promise.all([deps.inventory.load(clusterId), planId === undefined ? null : deps.plans.get(planId)]);
  if (planId === undefined) return inventory;
  if (!plan || plan.clusterId !== clusterId)
    throw new PlanningError('plan.not_found', [{ field: 'planId', reason: `plan ${planId} is not a plan of cluster ${clusterId}` }]);
  const { clusterPolicies = [] } = plannedLayers(inventory, { policies: plan.policies, clusterLayer: plan.report.plan.clusterLayer });
  return { ...inventory, policies: plan.policies, clusterPolicies: [...clusterPolicies] };
}
