import type { z } from 'zod';
import type { RequestRow } from './acceptance-queries.js';
import type { acceptanceRequest } from './acceptance-schemas.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** A risk acceptance request as the API gives it (acceptance-schemas.ts). */
export function presentRequest(r: RequestRow): z.infer<typeof acceptanceRequest> {
  return {
    id: r.id,
    finding: {
      id: r.finding_id,
      title: r.finding_title,
      severity: r.finding_severity,
      state: r.finding_state,
      system: r.system_key === null ? null : { key: r.system_key, name: r.system_name ?? r.system_key },
    },
    reason: r.reason,
    accepted_until: r.accepted_until,
    requested_by: { id: r.requested_by, name: r.requester_name },
    requested_at: r.requested_at.toISOString(),
    decision: r.decision,
    decision_note: r.decision_note,
    decided_by: r.decided_by === null ? null : { id: r.decided_by, name: r.decider_name },
    decided_at: iso(r.decided_at),
  };
}
