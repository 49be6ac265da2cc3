// Stage 1, the cluster in scope: every namespace (declared or seen through its pods), the tier of each,
// and how each workload is selected.
import { compareStrings, selectWorkloads, type WorkloadSelection } from '../selectors';
import { resolveTiers } from '../tiers';
import type { PlanInput, Tier } from '../types';

export interface ClusterScope {
  /** Sorted. */
  namespaces: string[];
  /** Tier of every namespace: given, read from its labels, or null. */
  tiers: Record<string, Tier | null>;
  /** `ns/name` -> the selector that names the workload, and how exactly. */
  selections: Map<string, WorkloadSelection>;
}

export function scopeCluster({ inventory, tiers: givenTiers }: PlanInput): ClusterScope {
  const tiers = resolveTiers(inventory.namespaces, givenTiers);
  const namespaces = [...new Set([...inventory.namespaces.map((ns) => ns.name), ...inventory.pods.map((pod) => pod.namespace)])].sort(
    compareStrings,
  );
  for (const ns of namespaces) if (!(ns in tiers)) tiers[ns] = givenTiers?.[ns] ?? null;
  return { namespaces, tiers, selections: selectWorkloads(inventory) };
}
