import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';

/** The management report's API contract (docs/vulnerabilities.md, "Management report"). */

const quarter = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, 'YYYY-Q1 … YYYY-Q4')
  .describe('a calendar quarter, e.g. 2026-Q4');
const lang = z.enum(['da', 'en']).describe('the language of the report');
const org = z.string().min(1).max(63);

export const draftParams = z.strictObject({ org, quarter });
export const draftQuery = z.strictObject({ lang: lang.default('da') });

export const signBody = z.strictObject({
  quarter,
  lang,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'six digits'),
});

export const reportParams = z.strictObject({ org, id: z.uuid() });
export const reportsQuery = pageQuery.extend({
  quarter: quarter.optional().describe("only that quarter's signed reports (is it signed?)"),
});

export const signedReport = z.object({
  id: z.uuid(),
  quarter: z.string(),
  lang,
  signer: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  signed_at: z.string(),
  sha256: z.string().describe('SHA-256 (hex) of the exact PDF bytes that were signed'),
  size: z.number().int().describe('bytes'),
});
export type SignedReport = z.infer<typeof signedReport>;
