import { api } from '../../api/client';
import { paths } from '../../api/paths';
import type { AuditItem } from '../../api/wire';

export interface AuditFilters {
  clusterId?: string;
  actor?: string;
  action?: string;
  q?: string;
  before?: string;
}

export const fetchAudit = (filters: AuditFilters, limit: number, signal?: AbortSignal) => api.get<AuditItem[]>(paths.audit({ ...filters, limit: String(limit) }), signal);
