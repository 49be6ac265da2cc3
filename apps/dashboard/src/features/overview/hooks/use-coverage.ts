import { type NamespaceCoverageView, routes } from '@bulkhead/contracts';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../../api/client';
import { everyItem } from '../../../shared/pages';

/** How well each namespace of a cluster has been observed, by name (every page). */
export function useCoverage(clusterId: string) {
  const coverage = useQuery({
    queryKey: ['map', clusterId, 'observation-coverage'] as const,
    queryFn: ({ signal }) =>
      everyItem((cursor) => api.call(routes.observationCoverage, { params: { clusterId }, query: { cursor, limit: 200 }, signal }), signal),
  });
  const byNamespace = useMemo(
    () => new Map((coverage.data ?? []).map((ns): [string, NamespaceCoverageView] => [ns.namespace, ns])),
    [coverage.data],
  );
  return { byNamespace, loaded: coverage.isSuccess };
}
