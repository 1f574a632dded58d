import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from '@sinclair/typebox';
import { EmailStateJson } from './email.ts';
import type { VisitorUseCases } from '../../app/visitors.ts';
import { deviceFromUserAgent, subscribeLinks } from '../../core/links/index.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { EventJson } from '../schemas/event.ts';
import { FeedLinksJson } from '../schemas/links.ts';
import { toEventJson } from './events.ts';

export interface MeRoutesDeps {
  visitors: VisitorUseCases;
  currentVisitor: CurrentVisitor;
  publicUrl: string;
  /** The invite address and its state (routes/email.ts), shown with the rest. */
  emailState?: (visitorId: string) => Promise<Static<typeof EmailStateJson> | null>;
}

const EventIdParams = Type.Object({ eventId: Type.String({ minLength: 1, maxLength: 120 }) });
const tags = ['me'];
const problems = { 404: { $ref: 'Problem#' }, 409: { $ref: 'Problem#' } };

const MeJson = Type.Object({
  savedEventIds: Type.Array(Type.String()),
  personalFeed: Type.Object({ active: Type.Boolean(), createdAt: Type.Union([Type.String(), Type.Null()]) }),
  feedHealth: Type.Array(
    Type.Object({
      client: Type.String(),
      label: Type.String(),
      pollNote: Type.String(),
      lastFetchAt: Type.String({ format: 'date-time' }),
      lastStatus: Type.Integer(),
      fetchCount: Type.Integer(),
    }),
  ),
  email: Type.Optional(Type.Union([EmailStateJson, Type.Null()])),
});

/** The visitor's own data: saved events and the personal feed. Never cached by anyone. */
export async function meRoutes(app: FastifyInstance, deps: MeRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const noStore = (reply: FastifyReply) => reply.header('Cache-Control', 'private, no-store');

  r.get('/api/v1/me', { schema: { tags, summary: 'The visitor: saved events, personal feed, feed health', response: { 200: MeJson } } }, async (request, reply) => {
    const visitorId = deps.currentVisitor.peek(request, reply);
    noStore(reply);
    const [summary, email] = await Promise.all([deps.visitors.summary(visitorId), deps.emailState?.(visitorId) ?? null]);
    return { ...summary, email };
  });

  r.get(
    '/api/v1/me/saved',
    { schema: { tags, summary: "The visitor's saved events", response: { 200: Type.Object({ items: Type.Array(EventJson) }) } } },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      noStore(reply);
      const items = await deps.visitors.saved(visitorId);
      return { items: items.map((e) => toEventJson(e, deps.publicUrl)) };
    },
  );

  r.post(
    '/api/v1/me/saved/:eventId',
    {
      schema: {
        tags,
        summary: 'Save an event (201 when added, 200 when already saved)',
        params: EventIdParams,
        response: { 200: Type.Object({ saved: Type.Boolean() }), 201: Type.Object({ saved: Type.Boolean() }), ...problems },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.currentVisitor(request, reply);
      noStore(reply);
      const { added } = await deps.visitors.save(visitorId, request.params.eventId);
      return reply.code(added ? 201 : 200).send({ saved: true });
    },
  );

  r.delete(
    '/api/v1/me/saved/:eventId',
    { schema: { tags, summary: 'Unsave an event', params: EventIdParams, response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      await deps.visitors.unsave(visitorId, request.params.eventId);
      return noStore(reply).code(204).send();
    },
  );

  r.post(
    '/api/v1/me/feed-token/rotate',
    {
      schema: {
        tags,
        summary: 'New personal feed URL; the previous one stops working at once (calendars subscribed to it stop updating)',
        response: { 201: Type.Object({ url: Type.String(), webcalUrl: Type.String(), links: FeedLinksJson }) },
      },
    },
    async (request, reply) => {
      const visitorId = await deps.currentVisitor(request, reply);
      const token = await deps.visitors.rotateFeedToken(visitorId);
      const url = `${deps.publicUrl}/feeds/personal/${token}.ics`;
      const links = subscribeLinks(url, 'Calendar Club - My events', deviceFromUserAgent(request.headers['user-agent']));
      return noStore(reply).code(201).send({ url, webcalUrl: links.webcalUrl, links });
    },
  );

  r.get(
    '/api/v1/me/feed-token',
    {
      schema: {
        tags,
        summary: 'The current personal feed URL, shown again at any time; `unrecoverable` for a feed made before tokens were kept sealed',
        response: {
          200: Type.Object({
            state: Type.Union([Type.Literal('none'), Type.Literal('available'), Type.Literal('unrecoverable')]),
            url: Type.Union([Type.String(), Type.Null()]),
            links: Type.Union([FeedLinksJson, Type.Null()]),
          }),
        },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      const feed = await deps.visitors.feedToken(visitorId);
      noStore(reply);
      if (feed.state !== 'sealed') return { state: feed.state, url: null, links: null };
      const url = `${deps.publicUrl}/feeds/personal/${feed.token}.ics`;
      return { state: 'available' as const, url, links: subscribeLinks(url, 'Calendar Club - My events', deviceFromUserAgent(request.headers['user-agent'])) };
    },
  );

  r.delete(
    '/api/v1/me/feed-token',
    { schema: { tags, summary: 'Revoke the personal feed URL', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      await deps.visitors.revokeFeedToken(visitorId);
      return noStore(reply).code(204).send();
    },
  );
}
