import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { decodeCursor, page, pageOf, pageQuery } from '../../http/paging.js';
import { actorOf, orgOf } from '../../http/request.js';
import { badRequest } from '../../lib/errors.js';
import { orgParams } from '../directory/schemas.js';
import { alertParams } from './alert-schemas.js';
import {
  markedCount,
  notification,
  notificationParams,
  subscription,
  subscriptionBody,
  unreadCount,
  webhookFilters,
  webhookFiltersBody,
} from './subscription-schemas.js';
import * as service from './subscription-service.js';

const tags = ['alerts'];

/** Alert subscriptions (a person's channels and filters), webhook endpoint filters, in-app notifications. */
export function subscriptionRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/orgs/:org/alert-subscription',
    {
      schema: {
        tags,
        summary: 'My subscription to the alerts of the organisation, or the default that applies to me',
        params: orgParams,
        response: { 200: subscription },
      },
    },
    async (request) => service.getSubscription({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.put(
    '/api/v1/orgs/:org/alert-subscription',
    {
      schema: {
        tags,
        summary: 'Set my channels and filters for the alerts of the organisation',
        params: orgParams,
        body: subscriptionBody,
        response: { 200: subscription },
      },
    },
    async (request) =>
      service.setSubscription({ ctx, actor: actorOf(request), org: orgOf(request), input: request.body }),
  );

  app.delete(
    '/api/v1/orgs/:org/alert-subscription',
    {
      schema: {
        tags,
        summary: 'Remove my subscription: the default applies again',
        params: orgParams,
        response: { 200: subscription },
      },
    },
    async (request) => service.resetSubscription({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.put(
    '/api/v1/orgs/:org/alert-webhooks/:id/filters',
    {
      schema: {
        tags,
        summary:
          "Set a webhook endpoint's filters: minimum severity, kinds, only affected (admin, security officer)",
        params: notificationParams,
        body: webhookFiltersBody,
        response: { 200: webhookFilters },
      },
    },
    async (request) =>
      service.setWebhookFilters({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
        minSeverity: request.body.min_severity,
        kinds: request.body.kinds,
        onlyAffected: request.body.only_affected,
      }) as Promise<z.infer<typeof webhookFilters>>,
  );

  app.get(
    '/api/v1/orgs/:org/notifications',
    {
      schema: {
        tags,
        summary: 'My in-app notifications of alerts in the organisation, newest first',
        params: orgParams,
        querystring: pageQuery,
        response: { 200: pageOf(notification) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const key = decodeCursor(cursor);
      if (key !== undefined && (key.length !== 2 || typeof key[0] !== 'string' || typeof key[1] !== 'string'))
        throw badRequest();
      const rows = await service.listNotifications({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        after: key as [string, string] | undefined,
        limit,
      });
      return page(
        rows,
        limit,
        (r) => [new Date(r.created_at).toISOString(), r.id],
        service.presentNotification,
      );
    },
  );

  app.get(
    '/api/v1/orgs/:org/notifications/unread',
    {
      schema: {
        tags,
        summary: 'How many of my notifications in the organisation are unread',
        params: orgParams,
        response: { 200: unreadCount },
      },
    },
    async (request) => service.unreadNotifications({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );

  app.post(
    '/api/v1/orgs/:org/notifications/:id/read',
    {
      schema: {
        tags,
        summary: 'Mark one of my notifications read',
        params: notificationParams,
        response: { 200: notification },
      },
    },
    async (request) =>
      service.markNotificationRead({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        id: request.params.id,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/alerts/:id/notification/read',
    {
      schema: {
        tags,
        summary:
          'Mark my notification of one alert read (when I open the alert); 0 when there is none unread',
        params: alertParams,
        response: { 200: markedCount },
      },
    },
    async (request) =>
      service.markAlertNotificationRead({
        ctx,
        actor: actorOf(request),
        org: orgOf(request),
        alertId: request.params.id,
      }),
  );

  app.post(
    '/api/v1/orgs/:org/notifications/read-all',
    {
      schema: {
        tags,
        summary: 'Mark all my notifications in the organisation read',
        params: orgParams,
        response: { 200: markedCount },
      },
    },
    async (request) =>
      service.markAllNotificationsRead({ ctx, actor: actorOf(request), org: orgOf(request) }),
  );
}
