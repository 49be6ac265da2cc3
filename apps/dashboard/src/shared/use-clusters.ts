import type { ClusterView } from '@bulkhead/contracts';
import { api } from '../api/client';
import { paths } from '../api/paths';
import { useAsync } from './use-async';

/** Every cluster, for the overview and the cluster pickers. */
export function useClusters() {
  return useAsync((signal) => api.get<ClusterView[]>(paths.clusters, signal), []);
}

export function useCluster(id: string) {
  return useAsync((signal) => api.get<ClusterView>(paths.cluster(id), signal), [id]);
}
