import type { NamespaceView, PlanListItem } from '@bulkhead/contracts';
import { useMemo } from 'react';
import { useEdges, useNamespaces } from '../../dependency-map/api';
import { usePlans } from '../../plans/api';

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

/**
 * The namespaces of a cluster grouped by tier, and what the map says about it: from the same queries
 * as the map and the plans page, so that a review made there counts here without asking again.
 */
export function useClusterSummary(clusterId: string) {
  const namespaces = useNamespaces(clusterId);
  const edges = useEdges(clusterId);
  const plans = usePlans(clusterId);
  const data = useMemo((): ClusterSummary | undefined => {
    if (!namespaces.data || !edges.data || !plans.items) return undefined;
    const byTier: Record<TierKey, NamespaceView[]> = { prod: [], staging: [], dev: [], none: [] };
    for (const ns of [...namespaces.data].sort((a, b) => a.name.localeCompare(b.name))) byTier[ns.tier ?? 'none'].push(ns);
    return {
      byTier,
      unprotected: namespaces.data.filter((n) => n.protection === 'unprotected').length,
      latestPlan: plans.items[0] ?? null,
      crossTier: edges.data.filter((e) => e.crossTier && e.review !== 'rejected').length,
      unreviewed: edges.data.filter((e) => e.review === 'unreviewed').length,
    };
  }, [namespaces.data, edges.data, plans.items]);
  const failed = [namespaces, edges, plans].filter((part) => part.isError);
  return { data, error: failed[0]?.error ?? null, retry: () => failed.forEach((part) => void part.refetch()) };
}

/** How many namespaces of a list are unprotected, partly protected, or under a verified plan. */
export function protectionCounts(namespaces: NamespaceView[]): Record<Protection, number> {
  const counts: Record<Protection, number> = { unprotected: 0, partial: 0, verified: 0 };
  for (const ns of namespaces) counts[ns.protection]++;
  return counts;
}
