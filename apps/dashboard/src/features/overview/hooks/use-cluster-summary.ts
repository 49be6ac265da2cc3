import type { NamespaceView } from '@bulkhead/contracts';
import { useAsync } from '../../../shared/use-async';
import type { PlanListItem } from '@bulkhead/contracts';
import { fetchEdges, fetchNamespaces, fetchPlans } from '../api';

export type TierKey = 'prod' | 'staging' | 'dev' | 'none';
export const TIER_ORDER: TierKey[] = ['prod', 'staging', 'dev', 'none'];
export const TIER_LABEL: Record<TierKey, string> = { prod: 'Production', staging: 'Staging', dev: 'Development', none: 'No tier' };

export type Protection = NamespaceView['protection'];

export interface ClusterSummary {
  byTier: Record<TierKey, NamespaceView[]>;
  unprotected: number;
  /** The newest plan, for the blast radius now and after it. */
  latestPlan: PlanListItem | null;
  crossTier: number;
  unreviewed: number;
}

/** The namespaces of a cluster grouped by tier, and what the map says about it. */
export function useClusterSummary(clusterId: string) {
  return useAsync(
    async (signal): Promise<ClusterSummary> => {
      const [namespaces, edges, plans] = await Promise.all([
        fetchNamespaces(clusterId, signal),
        fetchEdges(clusterId, signal),
        fetchPlans(clusterId, undefined, signal),
      ]);
      const byTier: Record<TierKey, NamespaceView[]> = { prod: [], staging: [], dev: [], none: [] };
      for (const ns of [...namespaces].sort((a, b) => a.name.localeCompare(b.name))) byTier[ns.tier ?? 'none'].push(ns);
      return {
        byTier,
        unprotected: namespaces.filter((n) => n.protection === 'unprotected').length,
        latestPlan: plans.items[0] ?? null,
        crossTier: edges.filter((e) => e.crossTier && e.review !== 'rejected').length,
        unreviewed: edges.filter((e) => e.review === 'unreviewed').length,
      };
    },
    [clusterId],
  );
}

/** How many namespaces of a list are unprotected, partly protected, or under a verified plan. */
export function protectionCounts(namespaces: NamespaceView[]): Record<Protection, number> {
  const counts: Record<Protection, number> = { unprotected: 0, partial: 0, verified: 0 };
  for (const ns of namespaces) counts[ns.protection]++;
  return counts;
}
