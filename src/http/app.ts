import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import { PRODUCT_ID, type Services } from '../services.ts';
import { loggerOptions } from '../infra/logger.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { requireAdmin } from './plugins/admin-auth.ts';
import { problemSchema } from './problem.ts';
import { eventRoutes } from './routes/events.ts';
import { feedRoutes } from './routes/feeds.ts';
import { downloadRoutes } from './routes/downloads.ts';
import { healthRoutes } from './routes/health.ts';
import { linkRoutes } from './routes/links.ts';
import { syncRoutes } from './routes/sync.ts';
import { conflictRoutes } from './routes/conflicts.ts';
import { connectionRoutes } from './routes/connections.ts';
import { webRoutes } from './routes/web.ts';
import { meRoutes } from './routes/me.ts';
import { visitorSession } from './plugins/session.ts';

export interface AppOptions {
  services: Services;
  adminToken: string;
  sessionSecret: string;
  /** false silences request logs (tests). */
  logger?: boolean;
  /** Where logs go (default stdout); tests read them to prove secrets stay out. */
  logStream?: NodeJS.WritableStream;
}

export async function buildApp({ services, adminToken, sessionSecret, logger = true, logStream }: AppOptions): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    logger: logger ? { ...loggerOptions(config.logLevel), ...(logStream ? { stream: logStream } : {}) } : false,
    bodyLimit: 64 * 1024,
    // Behind a proxy the client address is not ours to log anyway; we never store it.
    trustProxy: false,
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 72_000,
    routerOptions: { ignoreTrailingSlash: true },
    ajv: {
      // Unknown fields are an error, not silently dropped; JSON bodies are not type-coerced.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true },
    },
  });

  app.addSchema(problemSchema);
  registerErrorHandling(app);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('X-Content-Type-Options', 'nosniff');
  });
  services.metrics.install(app);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Calendar Club calendar service',
        version: '1.0.0',
        description: 'Events as .ics downloads and webcal feeds; organizer API.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(cookie, { secret: sessionSecret });
  const currentVisitor = visitorSession(services.visitors, config.publicUrl.startsWith('https:'));
  const adminOnly = requireAdmin(adminToken);
  await app.register(healthRoutes, { ready: services.ready });
  await app.register(eventRoutes, { events: services.events, publicUrl: config.publicUrl, adminOnly });
  await app.register(feedRoutes, {
    feeds: services.feeds,
    visitors: services.visitors,
    log: app.log,
    onFeedResponse: (kind, status) => services.metrics.recordFeedResponse(kind, status),
  });
  await app.register(downloadRoutes, {
    events: services.events,
    productId: PRODUCT_ID,
    calendarName: config.calendarName,
    settingsFingerprint: services.settingsFingerprint,
  });
  await app.register(meRoutes, { visitors: services.visitors, currentVisitor, publicUrl: config.publicUrl });
  await app.register(connectionRoutes, { connections: services.connections, currentVisitor, publicUrl: config.publicUrl, sandbox: config.sandbox });
  await app.register(conflictRoutes, { conflicts: services.conflicts, currentVisitor });
  await app.register(syncRoutes, { copies: services.copies, events: services.events, currentVisitor, adminOnly, clock: services.clock });
  await app.register(linkRoutes, {
    events: services.events,
    listCategories: () => services.eventRepository.listCategories(),
    publicUrl: config.publicUrl,
    calendarName: config.calendarName,
    onAdd: (target) => services.metrics.recordAdd(target),
  });
  await app.register(webRoutes, {});
  return app;
}
