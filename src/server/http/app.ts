import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.js';
import { modules } from '../modules/index.js';
import { registerAuthentication } from './authenticate.js';
import { DOCS_THEME_CSS, DOCS_THEME_JS } from './docs-theme.js';
import { registerHealth } from './health.js';
import { refuseNul } from './nul.js';
import { errorHandler, sendProblem } from './problem.js';
import './types.js';
import { registerWeb, type SpaFallback } from './web.js';

export interface HttpOptions {
  /** The operator's app: served on the Unix socket or in-process to the CLI, every request as the operator. */
  operator?: boolean;
  logger?: boolean;
  /** Requests per minute per client address on the public app (default GLOBAL_RATE_LIMIT); tests lower it. */
  rateLimitMax?: number;
}

export interface RouteInfo {
  method: string;
  url: string;
  access: string;
}

export type VaernApp = FastifyInstance & { vaernRoutes: RouteInfo[] };

/** Default JSON body limit; uploads have their own, larger limit on their routes. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** Requests per minute per client address on the public app. */
export const GLOBAL_RATE_LIMIT = 600;
/** Where the API documentation page is served. */
export const DOCS_PREFIX = '/api/docs';

export async function buildHttpApp(ctx: AppContext, options: HttpOptions = {}): Promise<VaernApp> {
  const operator = options.operator ?? false;
  const app = Fastify({
    logger: options.logger ? { level: ctx.config.logLevel } : false,
    bodyLimit: JSON_BODY_LIMIT,
    // Behind a TLS-terminating proxy, name it in VAERN_TRUST_PROXY so that rate limits and the
    // audit trail see the client's address rather than the proxy's.
    trustProxy: ctx.config.trustProxy.length > 0 ? ctx.config.trustProxy : false,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  let spaFallback: SpaFallback | undefined;
  app.setNotFoundHandler((request, reply) => {
    if (spaFallback?.(request, reply)) return reply;
    return sendProblem(request, reply, 404, 'error.not_found');
  });

  // The docs page and its assets are public; @fastify/swagger-ui registers them without our config.
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) {
      route.config = { ...route.config, access: 'public' };
    }
  });
  // Before validation and every route: a NUL anywhere in the request is refused (nul.ts).
  app.addHook('preValidation', refuseNul);
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      routes.push({
        method,
        url: route.url,
        access: (route.config as { access?: string })?.access ?? 'actor',
      });
    }
  });

  const https = ctx.config.publicUrl.startsWith('https://');
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(cookie);
  if (!operator) {
    await app.register(rateLimit, {
      global: true,
      max: options.rateLimitMax ?? GLOBAL_RATE_LIMIT,
      timeWindow: '1 minute',
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Værn API',
        version: '1',
        description:
          'The health sector security platform. Organisation resources live under /api/v1/orgs/{org}; sector views under /api/v1/sector. Errors are application/problem+json (RFC 9457).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'API token (vaern_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'vaern_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  app.get('/api/v1/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  // No staticCSP: the plugin's own header would replace ours with a laxer one (frame-ancestors
  // 'self', styles from any https origin), so the page runs under the strict policy above.
  // BaseLayout leaves out the top bar, whose inline SVG logo carries a <style> that policy blocks.
  await app.register(swaggerUi, {
    routePrefix: DOCS_PREFIX,
    // No deep links: Swagger UI renders them as links inside each operation's button (nested
    // interactive controls, which screen readers and axe reject).
    uiConfig: { deepLinking: false, layout: 'BaseLayout' },
    uiHooks: {},
    theme: {
      css: [{ filename: 'theme.css', content: DOCS_THEME_CSS }],
      js: [{ filename: 'theme-a11y.js', content: DOCS_THEME_JS }],
    },
  });

  // The web app, on the public app only (the operator's app is the CLI's API).
  if (!operator) spaFallback = await registerWeb(app);

  registerAuthentication(app, ctx, operator);
  registerHealth(app, ctx);
  for (const mod of modules) {
    await app.register(async (scope) => mod.routes(scope as unknown as FastifyInstance, ctx));
  }

  await app.ready();
  return Object.assign(app, { vaernRoutes: routes }) as unknown as VaernApp;
}
