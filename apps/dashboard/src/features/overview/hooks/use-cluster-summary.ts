import type { NamespaceView } from '@bulkhead/contracts';
import { useAsync } from '../../../shared/use-async';
import { fetchEdges, fetchNamespaces } from '../api';

export type TierKey = 'prod' | 'staging' | 'dev' | 'none';
export const TIER_ORDER: TierKey[] = ['prod', 'staging', 'dev', 'none'];
export const TIER_LABEL: Record<TierKey, string> = { prod: 'Production', staging: 'Staging', dev: 'Development', none: 'No tier' };

export interface ClusterSummary {
  byTier: Record<TierKey, NamespaceView[]>;
  unprotected: number;
  crossTier: number;
  unreviewed: number;
}

/** The namespaces of a cluster grouped by tier, and what the map says about it. */
export function useClusterSummary(clusterId: string) {
  return useAsync(async (signal): Promise<ClusterSummary> => {
    const [namespaces, edges] = await Promise.all([fetchNamespaces(clusterId, signal), fetchEdges(clusterId, signal)]);
    const byTier: Record<TierKey, NamespaceView[]> = { prod: [], staging: [], dev: [], none: [] };
    for (const ns of [...namespaces].sort((a, b) => a.name.localeCompare(b.name))) byTier[ns.tier ?? 'none'].push(ns);
    return {
      byTier,
      unprotected: namespaces.filter((n) => n.counts.policies === 0).length,
      crossTier: edges.filter((e) => e.crossTier && e.review !== 'rejected').length,
      unreviewed: edges.filter((e) => e.review === 'unreviewed').length,
    };
  }, [clusterId]);
}
