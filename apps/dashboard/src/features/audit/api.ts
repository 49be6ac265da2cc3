import { routes } from '@bulkhead/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { auditKeys } from './keys';

export interface AuditFilters {
  clusterId?: string;
  actor?: string;
  action?: string;
  q?: string;
  cursor?: string;
}

/** One page of the audit log; while the next one loads, the page before stays shown (greyed as stale). */
export const useAuditPage = (filters: AuditFilters, limit: number) =>
  useQuery({
    queryKey: auditKeys.page(filters, limit),
    queryFn: ({ signal }) => api.call(routes.listAudit, { query: { ...filters, limit }, signal }),
    placeholderData: keepPreviousData,
  });
