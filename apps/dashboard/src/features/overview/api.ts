import { routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchNamespaces = (clusterId: string, signal?: AbortSignal) =>
  api.call(routes.listNamespaces, { params: { clusterId }, signal });
export const fetchEdges = (clusterId: string, signal?: AbortSignal) => api.call(routes.listEdges, { params: { clusterId }, signal });
export { fetchPlans } from '../plans/api';
