import type { EdgeView, NamespaceView } from '@bulkhead/contracts';
import { api } from '../../api/client';
import { paths } from '../../api/paths';

export const fetchNamespaces = (clusterId: string, signal?: AbortSignal) => api.get<NamespaceView[]>(paths.namespaces(clusterId), signal);
export const fetchEdges = (clusterId: string, signal?: AbortSignal) => api.get<EdgeView[]>(paths.edges(clusterId), signal);
export { fetchPlans } from '../plans/api';
