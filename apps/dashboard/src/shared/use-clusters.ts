import { routes } from '@bulkhead/contracts';
import { api } from '../api/client';
import { useAsync } from './use-async';

/** Every cluster, for the overview and the cluster pickers. */
export function useClusters() {
  return useAsync((signal) => api.call(routes.listClusters, { signal }), []);
}

export function useCluster(clusterId: string) {
  return useAsync((signal) => api.call(routes.getCluster, { params: { clusterId }, signal }), [clusterId]);
}
