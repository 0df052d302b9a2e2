import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';
import { finding } from './findings-schemas.js';

const SEVERITY = z.enum(['info', 'low', 'medium', 'high', 'critical']);
const text = (max: number) => z.string().trim().min(1).max(max);

export const testFindingBody = z.strictObject({
  kind: z.enum(['pentest', 'redteam']).describe('a penetration test or a red-team exercise'),
  engagement: text(200).describe('which test: e.g. "Pentest of the patient portal, Q3 2026"'),
  tester: text(200).optional().describe('who tested (a company or team)'),
  tested_on: z.iso.date().optional(),
  title: text(1000),
  severity: SEVERITY,
  system: text(100).optional().describe('the key of the system tested; the finding stays with it'),
  host: text(300).optional().describe('the host, URL or asset tested; default the system key'),
  port: z.number().int().min(0).max(65535).optional(),
  protocol: z
    .string()
    .regex(/^[a-z0-9_-]{1,20}$/i)
    .optional(),
  cvss: z.number().min(0).max(10).optional(),
  cvss_vector: z.string().max(200).optional(),
  cves: z
    .array(z.string().regex(/^CVE-[0-9]{4}-[0-9]{4,19}$/i))
    .max(100)
    .optional(),
  description: z.string().max(20000).optional(),
  solution: z.string().max(20000).optional(),
  evidence: z.string().max(20000).optional(),
});

const engagement = z.object({
  kind: z.enum(['pentest', 'redteam']),
  name: z.string(),
  tester: z.string().nullable(),
  tested_on: z.string().nullable(),
});

const share = z.object({
  org: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  shared_at: z.string(),
});

export const testFinding = z.object({
  finding,
  engagement,
  shared_with: z.array(share),
});

export const shareParams = z.strictObject({
  org: z.string().min(1).max(63),
  id: z.uuid(),
  with: z.string().min(1).max(63).describe('the slug of the organisation shared with'),
});

export const sharedFindingsQuery = pageQuery;

export const sharedFinding = z.object({
  id: z.uuid(),
  owner: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }),
  engagement,
  title: z.string(),
  severity: SEVERITY,
  cvss: z.number().nullable(),
  cvss_vector: z.string().nullable(),
  cves: z.array(z.string()),
  description: z.string().nullable(),
  solution: z.string().nullable(),
  evidence: z.string().nullable(),
  state: z.string(),
  first_seen_at: z.string(),
  shared_at: z.string(),
});
