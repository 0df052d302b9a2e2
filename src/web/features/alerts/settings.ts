import type { Membership } from '../../app/api-types';
import type { AlertSeverity } from './access';
import type { AlertKind } from './subscription';

/** The organisation's alert settings: duty address and webhook endpoints (alerts/webhook-routes.ts). */
export interface DutyAddress {
  duty_address: string | null;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  description: string | null;
  min_severity: AlertSeverity;
  kinds: AlertKind[];
  only_affected: boolean;
  created_at: string;
}

/** The answer to registering an endpoint: the signing secret, shown this once. */
export interface WebhookCreated extends WebhookEndpoint {
  secret: string;
}

export interface DeadLetter {
  id: string;
  alert_id: string;
  title: string;
  endpoint_id: string;
  address: string;
  attempts: number;
  last_error: string | null;
  dead_at: string;
}

/** The duty address and webhooks are the admin's or security officer's (alertPolicy.setDutyAddress, webhook-service). */
export const canManageAlertSettings = (m: Membership | undefined): boolean =>
  m?.roles.some((r) => r === 'admin' || r === 'security_officer') ?? false;
