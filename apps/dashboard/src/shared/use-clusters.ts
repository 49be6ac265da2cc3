import { routes } from '@bulkhead/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';

/** The query keys of the clusters, which every feature's pages name and pick from. */
export const clusterKeys = {
  list: ['clusters', 'list'] as const,
  one: (clusterId: string) => ['clusters', 'one', clusterId] as const,
};

/** Every cluster, for the overview and the cluster pickers. */
export function useClusters() {
  return useQuery({ queryKey: clusterKeys.list, queryFn: ({ signal }) => api.call(routes.listClusters, { signal }) });
}

export function useCluster(clusterId: string) {
  return useQuery({
    queryKey: clusterKeys.one(clusterId),
    queryFn: ({ signal }) => api.call(routes.getCluster, { params: { clusterId }, signal }),
  });
}
