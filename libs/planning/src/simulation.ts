import { type ClusterStore, type InventoryStore, requireCluster } from '@bulkhead/inventory';
import type { Inventory } from '@bulkhead/netpol';
import { PlanningError } from './errors';
import type { PlanStore } from './plan-store.port';

export interface SimulationDeps {
  clusters: ClusterStore;
  inventory: InventoryStore;
  plans: PlanStore;
}

/**
 * What a simulation of the cluster evaluates probes against: its stored inventory with its live policies, or, with
 * `planId`, with the NetworkPolicies of that plan of the cluster in their place (its cluster-scoped policies stay, as a
 * plan does not change them). A plan of another cluster is refused as if it did not exist, naming `planId`.
 */
export async function simulationInventory(deps: SimulationDeps, clusterId: string, planId?: string): Promise<Inventory> {
  await requireCluster(deps.clusters, clusterId);
  const [inventory, plan] = await Promise.all([deps.inventory.load(clusterId), planId === undefined ? null : deps.plans.get(planId)]);
  if (planId === undefined) return inventory;
  if (!plan || plan.clusterId !== clusterId)
    throw new PlanningError('plan.not_found', [{ field: 'planId', reason: `plan ${planId} is not a plan of cluster ${clusterId}` }]);
  return { ...inventory, policies: plan.policies };
}
