import { type CreateEdgeBody, type EdgeView, routes } from '@bulkhead/contracts';
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../../api/client';
import { everyItem, usePagedList } from '../../shared/pages';
import { useCluster } from '../../shared/use-clusters';
import { flowImportKeys } from '../flow-imports/keys';
import { mapKeys } from './keys';

export const useNamespaces = (clusterId: string) =>
  useQuery({
    queryKey: mapKeys.namespaces(clusterId),
    queryFn: ({ signal }) => api.call(routes.listNamespaces, { params: { clusterId }, signal }),
  });

/** Every edge of the cluster, in pages of the most the API gives at once (the drawing needs them all). */
export const useEdges = (clusterId: string) =>
  useQuery({
    queryKey: mapKeys.edges(clusterId),
    queryFn: ({ signal }) =>
      everyItem((cursor) => api.call(routes.listEdges, { params: { clusterId }, query: { cursor, limit: 1000 }, signal }), signal),
  });

/** The cluster's blocked attempts from or to a namespace (all, when none is given), a page at a time. */
export const useBlockedAttempts = (clusterId: string, namespace: string) =>
  usePagedList(mapKeys.blockedPages(clusterId, namespace), (cursor, signal) =>
    api.call(routes.listBlockedAttempts, { params: { clusterId }, query: { cursor, ...(namespace ? { namespace } : {}) }, signal }),
  );

/** Every blocked attempt of the cluster (the API keeps the 2,000 seen most recently), for the drawing; none is asked for while it is not drawn. */
export const useEveryBlockedAttempt = (clusterId: string, enabled: boolean) =>
  useQuery({
    queryKey: mapKeys.everyBlocked(clusterId),
    queryFn: ({ signal }) =>
      everyItem(
        (cursor) => api.call(routes.listBlockedAttempts, { params: { clusterId }, query: { cursor, limit: 1000 }, signal }),
        signal,
      ),
    enabled,
  });

/** What the map draws of one cluster, read as one: ready when every part is, failed when one part failed. */
export function useMap(clusterId: string) {
  const parts = {
    cluster: useCluster(clusterId),
    namespaces: useNamespaces(clusterId),
    workloads: useQuery({
      queryKey: mapKeys.workloads(clusterId),
      queryFn: ({ signal }) => api.call(routes.listWorkloads, { params: { clusterId }, signal }),
    }),
    edges: useEdges(clusterId),
    imports: useQuery({
      queryKey: flowImportKeys.every(clusterId),
      queryFn: ({ signal }) =>
        everyItem((cursor) => api.call(routes.listFlowImports, { params: { clusterId }, query: { cursor, limit: 200 }, signal }), signal),
    }),
  };
  const { cluster, namespaces, workloads, edges, imports } = parts;
  const data = useMemo(
    () =>
      cluster.data && namespaces.data && workloads.data && edges.data && imports.data
        ? { cluster: cluster.data, namespaces: namespaces.data, workloads: workloads.data, edges: edges.data, imports: imports.data }
        : undefined,
    [cluster.data, namespaces.data, workloads.data, edges.data, imports.data],
  );
  const failed = Object.values(parts).filter((part) => part.isError);
  return {
    data,
    isPending: Object.values(parts).some((part) => part.isPending),
    error: failed[0]?.error ?? null,
    retry: () => failed.forEach((part) => void part.refetch()),
  };
}

/**
 * An edge the API answered after a review or a declaration goes into the cluster's edges in the cache:
 * the map, its table and the overview's counts show it at once, without reading every edge again.
 */
function putEdge(queryClient: QueryClient, clusterId: string, edge: EdgeView) {
  queryClient.setQueryData<EdgeView[]>(
    mapKeys.edges(clusterId),
    (edges) => edges && (edges.some((e) => e.id === edge.id) ? edges.map((e) => (e.id === edge.id ? edge : e)) : [...edges, edge]),
  );
}

export function useReviewEdge(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ edgeId, verdict, comment }: { edgeId: string; verdict: 'confirm' | 'reject'; comment: string }) =>
      api.call(verdict === 'confirm' ? routes.confirmEdge : routes.rejectEdge, {
        params: { clusterId, edgeId },
        body: comment.trim() ? { comment: comment.trim() } : {},
      }),
    onSuccess: (edge) => putEdge(queryClient, clusterId, edge),
  });
}

/** The port as typed: a port that is not a number is the API's to refuse, naming the field. */
export function useDeclareEdge(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Omit<CreateEdgeBody, 'port'> & { port: number | string }) =>
      api.call(routes.declareEdge, { params: { clusterId }, body: body as CreateEdgeBody }),
    onSuccess: (edge) => putEdge(queryClient, clusterId, edge),
  });
}
