import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../http/request.js';
import { settingItem, settingParams, settingsList, updateSettingBody } from './schemas.js';
import * as service from './service.js';

const tags = ['settings'];

export function settingsRoutes(fastify: FastifyInstance, ctx: AppContext) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get(
    '/api/v1/platform/settings',
    {
      schema: {
        tags,
        summary: 'Every platform setting with its value and default (platform administrators)',
        response: { 200: settingsList },
      },
    },
    async (request) => ({ items: await service.listSettings({ ctx, actor: actorOf(request) }) }),
  );

  app.put(
    '/api/v1/platform/settings/:key',
    {
      schema: {
        tags,
        summary: 'Change one platform setting (platform administrators); recorded in the audit trail',
        description: 'A value outside the setting’s range is refused (400) with the range in the message.',
        params: settingParams,
        body: updateSettingBody,
        response: { 200: settingItem },
      },
    },
    async (request) =>
      service.updateSetting({
        ctx,
        actor: actorOf(request),
        key: request.params.key,
        value: request.body.value,
      }),
  );
}
