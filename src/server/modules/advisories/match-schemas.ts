import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

export const matchesQuery = pageQuery.extend({
  review: z
    .enum(['pending', 'decided', 'all'])
    .default('all')
    .describe('pending: uncertain matches nobody has decided yet (the review queue)'),
  advisory: z.uuid().optional(),
});

export const matchParams = z.strictObject({ org: z.string(), id: z.uuid() });

export const reviewBody = z.strictObject({
  decision: z.enum(['confirmed', 'rejected']),
  note: z.string().max(2000).optional(),
});

export const advisoryMatch = z.object({
  id: z.uuid(),
  advisory: z.object({ id: z.uuid(), tracking_id: z.string(), title: z.string(), tlp: z.string() }),
  product: z.object({ product_id: z.string(), name: z.string() }),
  item: z.object({
    type: z.enum(['component', 'system']),
    id: z.uuid(),
    key: z.string(),
    label: z.string().nullable(),
    version: z.string().nullable(),
  }),
  system: z.object({ id: z.uuid(), key: z.string(), name: z.string() }),
  basis: z.enum(['purl', 'cpe', 'model', 'name']),
  confidence: z.enum(['certain', 'likely', 'possible']),
  version_status: z.enum(['in_range', 'unknown']),
  product_status: z.enum(['affected', 'under_investigation', 'fixed', 'not_affected']).nullable(),
  needs_review: z.boolean(),
  review: z
    .object({
      decision: z.enum(['confirmed', 'rejected']),
      note: z.string().nullable(),
      reviewed_at: z.string(),
    })
    .nullable(),
  matched_at: z.string(),
});

export const affectedParams = z.strictObject({ id: z.uuid() });

export const affectedOrganisation = z.object({
  org: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), kind: z.string() }),
  systems: z.number().int(),
  components: z.number().int(),
  certain: z.number().int(),
  pending_review: z.number().int(),
});

export const kevMatch = z.object({
  cve: z.string(),
  vulnerability_name: z.string(),
  date_added: z.string(),
  due_date: z.string(),
  known_ransomware_campaign_use: z.string().nullable(),
  item: z.object({ type: z.enum(['component', 'system']), id: z.uuid(), key: z.string() }),
  system: z.object({ id: z.uuid(), key: z.string(), name: z.string() }),
  basis: z.enum(['finding', 'name']),
  confidence: z.enum(['certain', 'possible']),
});
