import { z } from 'zod';
import { pageQuery } from '../../http/paging.js';
import { ANSWER_STATUSES, SEVERITIES, TLP_LABELS } from './alert-schemas.js';

export const sectorAlertsQuery = pageQuery;

const counts = {
  recipients: z.number().int(),
  answered: z.number().int(),
  median_ack_seconds: z
    .number()
    .nullable()
    .describe("the median time from issue to an organisation's first answer; null while nobody answered"),
};

export const sectorAlert = z.object({
  id: z.uuid(),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  tlp: z.enum(TLP_LABELS),
  issued_at: z.string(),
  ...counts,
});

export const boardParams = z.strictObject({ id: z.uuid() });

export const alertBoard = z.object({
  alert: sectorAlert,
  by_status: z
    .record(z.enum(ANSWER_STATUSES), z.number().int())
    .describe('organisations by their latest answer'),
  organisations: z.array(
    z.object({
      org: z.object({ id: z.uuid(), slug: z.string(), name: z.string(), kind: z.string() }),
      mails: z.number().int(),
      mails_sent: z.number().int(),
      first_answer_at: z.string().nullable(),
      answer: z
        .object({ status: z.enum(ANSWER_STATUSES), note: z.string().nullable(), answered_at: z.string() })
        .nullable(),
      answers: z.number().int(),
      escalation: z.enum(['security_officer', 'management']).nullable(),
    }),
  ),
});
