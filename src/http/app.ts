import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import cookie from '@fastify/cookie';
import { PRODUCT_ID, type Services } from '../services.ts';
import { loggerOptions } from '../infra/logger.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { clientErrorHandler, frameworkErrors } from './plugins/framework-errors.ts';
import { hopsTrusted } from './trust-proxy.ts';
import { requireAdmin } from './plugins/admin-auth.ts';
import { problemSchema } from './problem.ts';
import { eventPageUrl, eventRoutes } from './routes/events.ts';
import { occurrenceRoutes } from './routes/occurrences.ts';
import { createOccurrenceUseCases } from '../app/occurrences.ts';
import { feedRoutes } from './routes/feeds.ts';
import { feedFastPath, serverWithFastPath } from './feed-fast-path.ts';
import { downloadRoutes } from './routes/downloads.ts';
import { healthRoutes } from './routes/health.ts';
import { linkRoutes } from './routes/links.ts';
import { syncRoutes } from './routes/sync.ts';
import { conflictRoutes } from './routes/conflicts.ts';
import { connectionRoutes } from './routes/connections.ts';
import { webRoutes } from './routes/web.ts';
import { eventPreview } from './routes/page-meta.ts';
import { meRoutes } from './routes/me.ts';
import { emailRoutes } from './routes/email.ts';
import { sandboxMailRoutes } from './routes/sandbox-mail.ts';
import { visitorSession } from './plugins/session.ts';
import { installRateLimits } from './plugins/rate-limits.ts';
import { refuseCrossSiteWrites } from './plugins/cross-site.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { organizerSession } from './plugins/organizer-session.ts';
import { organizerSessionRoutes } from './routes/organizer-session.ts';

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
  // Public feeds whose version is held in memory: 304s and cached bodies sent before Fastify.
  let fastPathLog: FastifyInstance['log'] | undefined;
  const fast = feedFastPath({
    feeds: services.feeds,
    onResponse: (route, method, kind, status, seconds) => services.metrics.recordFastFeed(route, method, kind, status, seconds),
    log: { info: (obj, msg) => fastPathLog?.info(obj, msg), isLevelEnabled: (level) => level === 'info' && ['trace', 'debug', 'info'].includes(fastPathLog?.level ?? 'silent') },
  });
  const timeouts = { requestTimeout: 30_000, connectionTimeout: 60_000, keepAliveTimeout: 72_000 };
  const app = Fastify({
    logger: logger ? { ...loggerOptions(config.logLevel), ...(logStream ? { stream: logStream } : {}) } : false,
    bodyLimit: 64 * 1024,
    // Only a proxy the operator names (TRUST_PROXY) may set the client address and protocol
    // (X-Forwarded-For/-Proto/-Host); rate limits count by that address.
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    ...timeouts,
    serverFactory: serverWithFastPath(fast, timeouts),
    // Path parameters up to 512 characters reach the route's schema (ids allow 120), so a long
    // one is refused by name there; framework and client errors are problem documents too.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 512 },
    frameworkErrors,
    clientErrorHandler,
    ajv: {
      // Unknown fields are an error, not silently dropped; JSON bodies are not type-coerced.
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true },
    },
  });

  // Beyond this many open sockets new ones are refused (MAX_CONNECTIONS): a flood of idle
  // connections cannot exhaust the process's file descriptors.
  app.server.maxConnections = config.maxConnections;
  fastPathLog = logger ? app.log : undefined;
  app.addHook('preClose', (done) => (fast.close(), done()));
  app.addSchema(problemSchema);
  registerErrorHandling(app);
  securityHeaders(app);
  refuseCrossSiteWrites(app, config.publicUrl);
  services.metrics.install(app);
  // A write answered here may have moved feed versions: this process's feeds show it at once
  // (other processes learn of it from the database's notification).
  app.addHook('onSend', (request, _reply, payload, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') services.feeds.forgetHeldVersions();
    done(null, payload);
  });

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
        securitySchemes: { adminToken: { type: 'http', scheme: 'bearer', description: 'ADMIN_TOKEN' }, inboundToken: { type: 'http', scheme: 'bearer', description: 'INBOUND_MAIL_TOKEN' } },
      },
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Its own policy (scripts from our origin only), not clickjackable; Swagger UI sets inline
    // style attributes, so styles (never scripts) may be inline; no upgrade on plain-http development.
    staticCSP: true,
    transformStaticCSP: (csp) => {
      const framed = csp.replace("frame-ancestors 'self'", "frame-ancestors 'none'").replace("style-src 'self' https:", "style-src 'self' 'unsafe-inline'");
      return config.publicUrl.startsWith('https:') ? framed : framed.replace(/\s*upgrade-insecure-requests;/, '');
    },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(cookie, { secret: sessionSecret });
  const currentVisitor = visitorSession(services.visitors, config.publicUrl.startsWith('https:'));
  const limits = await installRateLimits(app, { database: services.database, session: currentVisitor.session });
  const organizer = organizerSession({ adminToken, secure: config.publicUrl.startsWith('https:') });
  const adminOnly = limits.guardAdmin(requireAdmin(adminToken, limits.countWrongAdminToken, organizer.has));
  const bearerOnly = limits.guardAdmin(requireAdmin(adminToken, limits.countWrongAdminToken));
  await app.register(organizerSessionRoutes, { session: organizer, bearerOnly });
  services.metrics.serve(app, adminOnly);
  await app.register(healthRoutes, { ready: services.ready });
  await app.register(eventRoutes, { events: services.events, publicUrl: config.publicUrl, adminOnly, clock: services.clock });
  await app.register(occurrenceRoutes, {
    occurrences: createOccurrenceUseCases({ events: services.eventRepository, clock: services.clock }),
    adminOnly,
    clock: services.clock,
  });
  await app.register(feedRoutes, {
    feeds: services.feeds,
    visitors: services.visitors,
    log: app.log,
    onUnknownToken: limits.unknownFeedToken,
    onFeedResponse: (kind, status) => services.metrics.recordFeedResponse(kind, status),
  });
  await app.register(downloadRoutes, {
    events: services.events,
    productId: PRODUCT_ID,
    calendarName: config.calendarName,
    settingsFingerprint: services.settingsFingerprint,
  });
  await app.register(meRoutes, { visitors: services.visitors, currentVisitor, publicUrl: config.publicUrl, emailState: (id) => services.emailInvites.state(id) });
  await app.register(emailRoutes, { invites: services.emailInvites, inbound: services.inboundMail, currentVisitor, inboundToken: config.mail.inboundToken, adminOnly });
  // The sandbox's mailbox page: only where mail is written to files and the pages say "sandbox".
  if (config.sandbox && !config.mail.smtpUrl) await app.register(sandboxMailRoutes, { mailDir: path.join(config.dataDir, 'mail') });
  await app.register(connectionRoutes, { connections: services.connections, currentVisitor, publicUrl: config.publicUrl, sandbox: config.sandbox, sandboxBusyUrl: config.sandboxBusyUrl });
  await app.register(conflictRoutes, { conflicts: services.conflicts, currentVisitor });
  await app.register(syncRoutes, { copies: services.copies, events: services.events, currentVisitor, adminOnly, clock: services.clock });
  await app.register(linkRoutes, {
    events: services.events,
    listCategories: () => services.eventRepository.listCategories(),
    publicUrl: config.publicUrl,
    calendarName: config.calendarName,
    onAdd: (target) => services.metrics.recordAdd(target),
    clock: services.clock,
  });
  await app.register(webRoutes, {
    eventExists: (idOrSlug) => services.events.get(idOrSlug).then(
      () => true,
      (error: { code?: string }) => (error.code === 'not_found' ? false : Promise.reject(error)),
    ),
    eventPreview: (idOrSlug) => services.events.get(idOrSlug).then(
      (e) => eventPreview(e, eventPageUrl(e, config.publicUrl)),
      (error: { code?: string }) => (error.code === 'not_found' ? null : Promise.reject(error)),
    ),
  });
  return app;
}
