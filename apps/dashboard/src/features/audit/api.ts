import { routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export interface AuditFilters {
  clusterId?: string;
  actor?: string;
  action?: string;
  q?: string;
  cursor?: string;
}

export const fetchAudit = (filters: AuditFilters, limit: number, signal?: AbortSignal) =>
  api.call(routes.listAudit, { query: { ...filters, limit }, signal });
