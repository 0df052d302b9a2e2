import type { z } from 'zod';
import type {
  alertAnswer,
  alertDetail,
  inboxItem,
  linkView,
} from '../../../server/modules/alerts/alert-schemas';
import type { Membership } from '../../app/api-types';

/** The alerts API's shapes, from the server's zod schemas (types only). */
export type InboxItem = z.infer<typeof inboxItem>;
export type AlertDetail = z.infer<typeof alertDetail>;
export type AlertAnswer = z.infer<typeof alertAnswer>;
export type LinkView = z.infer<typeof linkView>;
export type AnswerStatus = AlertAnswer['status'];
export type AlertSeverity = InboxItem['severity'];

/** The answers an organisation gives, in the order of handling (alert-schemas.ts ANSWER_STATUSES). */
export const ANSWER_STATUSES = [
  'received',
  'assessing',
  'affected',
  'not_affected',
  'mitigated',
] as const satisfies readonly AnswerStatus[];

const has = (m: Membership | undefined, roles: readonly string[]) =>
  m?.roles.some((r) => roles.includes(r)) ?? false;

/** Every member of a recipient organisation reads its alerts (alertPolicy.read). */
export const canReadAlerts = (m: Membership | undefined): boolean =>
  has(m, [
    'admin',
    'security_officer',
    'system_owner',
    'management',
    'auditor',
    'member',
    'sector_coordinator',
  ]);

/** Writing alerts to the organisation's own subscribers: its admin or security officer (alertPolicy.issue). */
export const canIssueAlerts = (m: Membership | undefined): boolean => has(m, ['admin', 'security_officer']);
