import { routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchNamespaces = (clusterId: string, signal?: AbortSignal) =>
  api.call(routes.listNamespaces, { params: { clusterId }, signal });
export { fetchEdges } from '../dependency-map/api';
export { fetchPlans } from '../plans/api';
