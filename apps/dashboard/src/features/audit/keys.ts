import type { AuditFilters } from './api';

/** The query keys of the audit log: one page of entries per filters and cursor. */
export const auditKeys = {
  page: (filters: AuditFilters, limit: number) => ['audit', filters, limit] as const,
};
