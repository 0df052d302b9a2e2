import type { z } from 'zod';
import type { AffectedRow, KevMatchRow, MatchRow } from './match-queries.js';
import type { advisoryMatch, affectedOrganisation, kevMatch } from './match-schemas.js';

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function presentMatch(r: MatchRow): z.infer<typeof advisoryMatch> {
  return {
    id: r.id,
    advisory: { id: r.advisory_id, tracking_id: r.tracking_id, title: r.advisory_title, tlp: r.tlp },
    product: { product_id: r.product_id, name: r.product_name },
    item: { type: r.item_type, id: r.item_id, key: r.item_key, label: r.item_label, version: r.item_version },
    system: { id: r.system_id, key: r.system_key, name: r.system_name },
    basis: r.basis,
    confidence: r.confidence,
    version_status: r.version_status,
    product_status: r.product_status,
    needs_review: r.confidence !== 'certain' && r.decision === null,
    review:
      r.decision === null || r.reviewed_at === null
        ? null
        : { decision: r.decision, note: r.note, reviewed_at: iso(r.reviewed_at) },
    matched_at: iso(r.matched_at),
  };
}

export function presentAffected(r: AffectedRow): z.infer<typeof affectedOrganisation> {
  return {
    org: { id: r.org_id, slug: r.slug, name: r.name, kind: r.kind },
    systems: r.systems,
    components: r.components,
    certain: r.certain,
    pending_review: r.pending,
  };
}

export function presentKevMatch(r: KevMatchRow): z.infer<typeof kevMatch> {
  return {
    cve: r.cve,
    vulnerability_name: r.vulnerability_name,
    date_added: r.date_added,
    due_date: r.due_date,
    known_ransomware_campaign_use: r.known_ransomware_campaign_use,
    item: { type: r.item_type, id: r.item_id, key: r.item_key },
    system: { id: r.system_id, key: r.system_key, name: r.system_name },
    basis: r.basis,
    confidence: r.confidence,
  };
}
