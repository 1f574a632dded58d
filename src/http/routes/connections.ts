import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { ConnectError, needsMoreScopeToPick, type ConnectionUseCases } from '../../app/connections.ts';
import type { Connection } from '../../infra/db/connection-repository.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { CALDAV_PRESETS, caldavServiceName } from '../../integrations/caldav/index.ts';
import { startedFromAnotherSite } from '../plugins/cross-site.ts';
import { escapeHtml, sendSmallPage } from '../small-page.ts';

export interface ConnectionRoutesDeps {
  connections: ConnectionUseCases;
  currentVisitor: CurrentVisitor;
  publicUrl: string;
  sandbox: boolean;
  sandboxBusyUrl: string | null;
}

const PROVIDER_NAMES = { google: 'Google', microsoft: 'Microsoft', caldav: 'CalDAV' } as const;
/** The browser-facing end of a failed connect: a clear message on a page, a 4xx, nothing stored. */
function connectErrorPage(reply: FastifyReply, provider: string, message: string, status = 400) {
  const name = PROVIDER_NAMES[provider as keyof typeof PROVIDER_NAMES] ?? provider;
  return sendSmallPage(reply.header('Cache-Control', 'no-store'), status, `Could not connect ${name}`, `<p role="alert">${escapeHtml(message)}</p>`, '<p><a href="/me">Back to my events and connections</a></p>');
}

function describe(c: Connection) {
  const can =
    c.mode === 'push'
      ? 'reads your busy times and adds the events you save to its calendar'
      : 'reads your busy times only';
  return {
    id: c.id,
    kind: c.kind,
    service: c.kind === 'caldav' ? caldavServiceName(c.serverUrl) : PROVIDER_NAMES[c.kind],
    mode: c.mode,
    status: c.status,
    statusReason: c.statusReason,
    account: c.account,
    targetCalendar: c.targetCalendarId ? { id: c.targetCalendarId, name: c.targetCalendarName ?? c.targetCalendarId } : null,
    permissions: `Calendar Club ${can}.`,
    reconnectUrl: c.kind === 'caldav' ? null : `/connect/${c.kind}?reconnect=${encodeURIComponent(c.id)}`,
    pickCalendarUrl: needsMoreScopeToPick(c) ? `/connect/google?reconnect=${encodeURIComponent(c.id)}&purpose=pick_calendar` : null,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}


const ConnectionJson = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  service: Type.String({ description: 'What the person calls it: Google, Microsoft, iCloud, Fastmail, Nextcloud or the CalDAV host' }),
  mode: Type.String(),
  status: Type.String({ description: 'active | reconnect_required | error' }),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  account: Type.Union([Type.String(), Type.Null()]),
  targetCalendar: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  permissions: Type.String(),
  reconnectUrl: Type.Union([Type.String(), Type.Null()]),
  pickCalendarUrl: Type.Union([Type.String(), Type.Null()], { description: 'Where to allow writing into your own calendars first (Google), or null.' }),
  createdAt: Type.String({ format: 'date-time' }),
});

export async function connectionRoutes(app: FastifyInstance, deps: ConnectionRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const Provider = Type.Union([Type.Literal('google'), Type.Literal('microsoft')]);

  r.get(
    '/connect/:provider',
    {
      schema: {
        tags: ['connections'],
        summary: 'Start connecting Google or Microsoft (redirects to the provider’s consent page)',
        params: Type.Object({ provider: Provider }),
        querystring: Type.Object({
          mode: Type.Optional(Type.Union([Type.Literal('busy'), Type.Literal('push')])),
          reconnect: Type.Optional(Type.String({ maxLength: 64 })),
          purpose: Type.Optional(Type.Union([Type.Literal('connect'), Type.Literal('pick_calendar')], { description: 'pick_calendar: also ask to write into your own calendars (needs reconnect).' })),
        }),
      },
    },
    async (request, reply) => {
      // A link on another site must not start a sign-in that lands in this browser's session.
      if (startedFromAnotherSite(request)) {
        return connectErrorPage(reply, request.params.provider, 'Connecting a calendar has to start on the Calendar Club page; open “My events” and connect from there.', 403);
      }
      const visitorId = await deps.currentVisitor(request, reply);
      try {
        const { mode, reconnect, purpose } = request.query;
        const url = await deps.connections.startOAuth(visitorId, request.params.provider, mode ?? 'push', reconnect ?? null, purpose ?? 'connect');
        return reply.header('Cache-Control', 'no-store').redirect(url, 302);
      } catch (error) {
        if (error instanceof ConnectError || (error as { code?: string }).code === 'not_found') {
          return connectErrorPage(reply, request.params.provider, (error as Error).message);
        }
        throw error;
      }
    },
  );

  r.get(
    '/connect/:provider/callback',
    { schema: { tags: ['connections'], summary: 'Where the provider sends the person back', params: Type.Object({ provider: Provider }) } },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      const query = new URLSearchParams(request.url.split('?')[1] ?? '');
      try {
        const done = await deps.connections.finishOAuth(visitorId, request.params.provider, query);
        // Connected on another device already: this browser is that person from now on (and is told).
        if (done.visitorId !== visitorId) deps.currentVisitor.adopt(reply, done.visitorId);
        const joined = done.merged ? '&joined=1' : '';
        return reply.header('Cache-Control', 'no-store').redirect(`/me?connected=${encodeURIComponent(done.connection.id)}${joined}`, 302);
      } catch (error) {
        if (error instanceof ConnectError || (error as { code?: string }).code === 'not_found') {
          return connectErrorPage(reply, request.params.provider, (error as Error).message);
        }
        throw error;
      }
    },
  );

  r.post(
    '/api/v1/me/connections/caldav',
    {
      schema: {
        tags: ['connections'],
        summary: 'Connect a CalDAV account (iCloud, Fastmail, Nextcloud, any server) with an app password',
        body: Type.Object(
          {
            serverUrl: Type.String({ minLength: 1, maxLength: 500, description: 'https URL of the server (see /api/v1/caldav/presets).' }),
            username: Type.String({ minLength: 1, maxLength: 200 }),
            password: Type.String({ minLength: 1, maxLength: 500, description: 'An app password, never the account password.' }),
            mode: Type.Optional(Type.Union([Type.Literal('busy'), Type.Literal('push')], { description: 'Default push.' })),
          },
          { additionalProperties: false },
        ),
        response: {
          // joinedOtherDevice: this account was connected on another device, and this browser is that person now.
          201: Type.Composite([ConnectionJson, Type.Object({ joinedOtherDevice: Type.Boolean() })]),
          400: { $ref: 'Problem#' },
          422: { $ref: 'Problem#' },
        },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.currentVisitor(request, reply);
      const done = await deps.connections.connectCalDav(visitorId, { ...request.body, mode: request.body.mode ?? 'push' });
      if (done.visitorId !== visitorId) deps.currentVisitor.adopt(reply, done.visitorId);
      return reply.code(201).header('Cache-Control', 'no-store').send({ ...describe(done.connection), joinedOtherDevice: done.merged !== null });
    },
  );

  r.get(
    '/api/v1/caldav/presets',
    { schema: { tags: ['connections'], summary: 'Known CalDAV services: server URL and how to get an app password' } },
    async () => ({ items: CALDAV_PRESETS }),
  );

  r.get(
    '/api/v1/me/connections',
    {
      schema: {
        tags: ['connections'],
        summary: "The visitor's calendar connections and which providers can be connected",
        response: {
          200: Type.Object({
            items: Type.Array(ConnectionJson),
            providers: Type.Array(Type.Object({ kind: Type.String(), configured: Type.Boolean(), connectUrl: Type.String() })),
            notice: Type.Union([Type.String(), Type.Null()]),
            // Sandbox only: where a newcomer adds a busy meeting to the emulated Google calendar.
            sandboxBusyUrl: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      const items = (await deps.connections.list(visitorId)).map(describe);
      const providers = deps.connections.providers().map((p) => ({ ...p, connectUrl: `/connect/${p.kind}` }));
      const notice = deps.sandbox ? 'Local sandbox: Google and Microsoft here are emulators running on this machine, not the real services.' : null;
      return { items, providers, notice, sandboxBusyUrl: deps.sandbox ? deps.sandboxBusyUrl : null };
    },
  );

  r.get(
    '/api/v1/me/connections/:id/calendars',
    {
      schema: {
        tags: ['connections'],
        summary: 'The calendars of a connection (to pick where saved events go)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), writable: Type.Boolean(), primary: Type.Boolean() })) }),
          404: { $ref: 'Problem#' },
          422: { $ref: 'Problem#' },
        },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      return { items: await deps.connections.calendars(visitorId, request.params.id) };
    },
  );

  r.patch(
    '/api/v1/me/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Choose the calendar saved events go to',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ targetCalendarId: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false }),
        response: { 200: ConnectionJson, 404: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      return describe(await deps.connections.setTargetCalendar(visitorId, request.params.id, request.body.targetCalendarId));
    },
  );

  r.delete(
    '/api/v1/me/connections/:id',
    {
      schema: {
        tags: ['connections'],
        summary: 'Disconnect: revoke at the provider where possible and delete every secret',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      await deps.connections.disconnect(visitorId, request.params.id);
      return reply.header('Cache-Control', 'no-store').code(204).send(null);
    },
  );
}
