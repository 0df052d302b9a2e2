import type { SharedFindingRow } from './test-findings-queries.js';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

/** A finding another organisation shared: what the test found, never the owner's inventory. */
export function presentSharedFinding(r: SharedFindingRow) {
  return {
    id: r.id,
    owner: { id: r.owner_id, slug: r.owner_slug, name: r.owner_name },
    engagement: {
      kind: r.family as 'pentest' | 'redteam',
      name: r.engagement,
      tester: r.tester,
      tested_on: r.tested_on,
    },
    title: r.title,
    severity: r.severity as 'info' | 'low' | 'medium' | 'high' | 'critical',
    cvss: r.cvss === null ? null : Number(r.cvss),
    cvss_vector: r.cvss_vector,
    cves: r.cves,
    description: r.description,
    solution: r.solution,
    evidence: r.evidence,
    state: r.state,
    first_seen_at: iso(r.first_seen_at),
    shared_at: iso(r.shared_at),
  };
}
