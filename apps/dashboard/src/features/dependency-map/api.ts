import type { ClusterView, CreateEdgeBody, EdgeView, FlowImportView, NamespaceView, WorkloadView } from '@bulkhead/contracts';
import { api } from '../../api/client';
import { paths } from '../../api/paths';

export interface MapData {
  cluster: ClusterView;
  namespaces: NamespaceView[];
  workloads: WorkloadView[];
  edges: EdgeView[];
  imports: FlowImportView[];
}

export async function fetchMap(clusterId: string, signal: AbortSignal): Promise<MapData> {
  const [cluster, namespaces, workloads, edges, imports] = await Promise.all([
    api.get<ClusterView>(paths.cluster(clusterId), signal),
    api.get<NamespaceView[]>(paths.namespaces(clusterId), signal),
    api.get<WorkloadView[]>(paths.workloads(clusterId), signal),
    api.get<EdgeView[]>(paths.edges(clusterId), signal),
    api.get<FlowImportView[]>(paths.flowImports(clusterId), signal),
  ]);
  return { cluster, namespaces, workloads, edges, imports };
}

export const reviewEdge = (clusterId: string, edgeId: string, verdict: 'confirm' | 'reject', comment: string) =>
  api.post<EdgeView>(paths.edgeReview(clusterId, edgeId, verdict), comment.trim() ? { comment: comment.trim() } : {});

export const declareEdge = (clusterId: string, body: Omit<CreateEdgeBody, 'port'> & { port: number | string }) => api.post<EdgeView>(paths.edges(clusterId), body);
