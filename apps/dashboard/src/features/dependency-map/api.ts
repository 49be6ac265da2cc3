import {
  type ClusterView,
  type CreateEdgeBody,
  type EdgeView,
  type FlowImportView,
  type NamespaceView,
  routes,
  type WorkloadView,
} from '@bulkhead/contracts';
import { api } from '../../api/client';
import { everyItem } from '../../shared/use-pages';

export interface MapData {
  cluster: ClusterView;
  namespaces: NamespaceView[];
  workloads: WorkloadView[];
  edges: EdgeView[];
  imports: FlowImportView[];
}

/** Every edge of the cluster, in pages of the most the API gives at once (the drawing needs them all). */
export const fetchEdges = (clusterId: string, signal: AbortSignal) =>
  everyItem((cursor) => api.call(routes.listEdges, { params: { clusterId }, query: { cursor, limit: 1000 }, signal }), signal);

export async function fetchMap(clusterId: string, signal: AbortSignal): Promise<MapData> {
  const [cluster, namespaces, workloads, edges, imports] = await Promise.all([
    api.call(routes.getCluster, { params: { clusterId }, signal }),
    api.call(routes.listNamespaces, { params: { clusterId }, signal }),
    api.call(routes.listWorkloads, { params: { clusterId }, signal }),
    fetchEdges(clusterId, signal),
    everyItem((cursor) => api.call(routes.listFlowImports, { params: { clusterId }, query: { cursor, limit: 200 }, signal }), signal),
  ]);
  return { cluster, namespaces, workloads, edges, imports };
}

export const reviewEdge = (clusterId: string, edgeId: string, verdict: 'confirm' | 'reject', comment: string) =>
  api.call(verdict === 'confirm' ? routes.confirmEdge : routes.rejectEdge, {
    params: { clusterId, edgeId },
    body: comment.trim() ? { comment: comment.trim() } : {},
  });

/** The port as typed: a port that is not a number is the API's to refuse, naming the field. */
export const declareEdge = (clusterId: string, body: Omit<CreateEdgeBody, 'port'> & { port: number | string }) =>
  api.call(routes.declareEdge, { params: { clusterId }, body: body as CreateEdgeBody });
