import type { z } from 'zod';
import type { auditEntry } from '../../../server/modules/audit/schemas';

/** One entry of the audit log, as the API returns it (types only). */
export type AuditEntry = z.infer<typeof auditEntry>;

/** The filters of the screen, as typed; empty means "any". */
export interface AuditFilters {
  actor: string;
  action: string;
  target_type: string;
  target_id: string;
  from: string;
  to: string;
}

export const NO_FILTERS: AuditFilters = {
  actor: '',
  action: '',
  target_type: '',
  target_id: '',
  from: '',
  to: '',
};

/** The query string of the filters that are set (shared by the list and the CSV export). */
export function filterQuery(filters: AuditFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const v = value.trim();
    if (v) params.set(key, v);
  }
  return params;
}

export const listPath = (org: string, filters: AuditFilters, cursor: string) => {
  const params = filterQuery(filters);
  params.set('limit', '50');
  if (cursor) params.set('cursor', cursor);
  return `/orgs/${encodeURIComponent(org)}/audit?${params}`;
};

export const exportHref = (org: string, filters: AuditFilters) => {
  const query = filterQuery(filters).toString();
  return `/api/v1/orgs/${encodeURIComponent(org)}/audit/export.csv${query ? `?${query}` : ''}`;
};
