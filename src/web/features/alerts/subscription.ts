import type { z } from 'zod';
import type {
  notification,
  subscription,
  subscriptionBody,
} from '../../../server/modules/alerts/subscription-schemas';

/** Subscriptions and in-app notifications, from the server's zod schemas (types only). */
export type Subscription = z.infer<typeof subscription>;
export type SubscriptionInput = z.infer<typeof subscriptionBody>;
export type AlertNotification = z.infer<typeof notification>;
export type SubscriptionChannel = Subscription['channels'][number];
export type AlertKind = Subscription['kinds'][number];

export const CHANNELS = ['app', 'email'] as const satisfies readonly SubscriptionChannel[];
export const ALERT_KINDS = ['advisory', 'general'] as const satisfies readonly AlertKind[];

export const subscriptionKey = (org: string) => ['alerts', org, 'subscription'] as const;
export const notificationsKey = (org: string) => ['alerts', org, 'notifications'] as const;

/** How often the bell asks for the unread count again (ms). */
export const UNREAD_REFRESH_MS = 30_000;

export const orgPath = (org: string, rest: string) => `/orgs/${encodeURIComponent(org)}/${rest}`;
