import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { CalendarEvent } from '../../core/events/event.ts';
import type { EventUseCases } from '../../app/events.ts';
import { parseLocalDate, zonedToUtcMs } from '../../core/time/local-time.ts';
import { parseIsoInstant } from '../../core/time/instant.ts';
import { isSeries, nextOccurrence } from '../../core/recurrence/occurrences.ts';
import { problem, sendProblem } from '../problem.ts';
import {
  EventCreateBody,
  EventJson,
  EventKeyParams,
  EventList,
  EventListQuery,
  EventPatchBody,
} from '../schemas/event.ts';
import type { preHandlerAsyncHookHandler } from 'fastify';
import { Type } from '@sinclair/typebox';

export interface EventRoutesDeps {
  events: EventUseCases;
  publicUrl: string;
  adminOnly: preHandlerAsyncHookHandler;
  /** For a series' next occurrence (the app's clock, so tests can move it). */
  clock?: () => number;
}

export function eventPageUrl(e: CalendarEvent, publicUrl: string): string {
  return `${publicUrl}/events/${encodeURIComponent(e.slug)}`;
}

/** A series' next occurrence, as lists and cards show it. */
function nextJson(e: CalendarEvent, now: number): EventJson['next'] {
  const o = isSeries(e) ? nextOccurrence(e, now) : null;
  if (!o) return null;
  return { occurrence: o.occurrence, start: o.start, end: o.end, startsAt: new Date(o.startUtc).toISOString(), endsAt: new Date(o.endUtc).toISOString() };
}

export function toEventJson(e: CalendarEvent, publicUrl: string, now = Date.now()): EventJson {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: e.id,
    slug: e.slug,
    uid: e.uid,
    title: e.title,
    description: e.description,
    location: e.location,
    url: e.url,
    categories: e.categories,
    start: e.start,
    end: e.end,
    timezone: e.timezone,
    allDay: e.allDay,
    rrule: e.rrule ?? null,
    next: nextJson(e, now),
    status: e.status,
    sequence: e.sequence,
    createdAt: iso(e.createdAt),
    updatedAt: iso(e.updatedAt),
    cancelledAt: e.cancelledAt === null ? null : iso(e.cancelledAt),
    cancelNote: e.cancelNote ?? null,
    startsAt: iso(e.startUtc),
    endsAt: iso(e.endUtc),
    icsUrl: `${publicUrl}/events/${encodeURIComponent(e.slug)}.ics`,
    pageUrl: eventPageUrl(e, publicUrl),
  };
}

const errorResponses = { 400: { $ref: 'Problem#' }, 401: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } };
const organizer = { security: [{ adminToken: [] }] };

/** An instant from an ISO 8601 date-time or a date (a date means its start in UTC). */
function parseInstant(text: string): number | null {
  const date = parseLocalDate(text);
  if (date) return zonedToUtcMs(date, 'UTC');
  return parseIsoInstant(text);
}

function encodeCursor(e: CalendarEvent): string {
  return Buffer.from(JSON.stringify([e.startUtc, e.id])).toString('base64url');
}

function decodeCursor(text: string): { startUtc: number; id: string } | null {
  try {
    const [startUtc, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown[];
    return typeof startUtc === 'number' && typeof id === 'string' ? { startUtc, id } : null;
  } catch {
    return null;
  }
}

export async function eventRoutes(app: FastifyInstance, deps: EventRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const json = (e: CalendarEvent) => toEventJson(e, deps.publicUrl, (deps.clock ?? Date.now)());

  r.post(
    '/api/v1/events',
    {
      preHandler: deps.adminOnly,
      schema: { tags: ['events'], summary: 'Create an event', ...organizer, body: EventCreateBody, response: { 201: EventJson, ...errorResponses } },
    },
    async (request, reply) => {
      const event = await deps.events.create(request.body);
      return reply.code(201).header('Location', `/api/v1/events/${event.id}`).send(json(event));
    },
  );

  r.get(
    '/api/v1/events',
    { schema: { tags: ['events'], summary: 'List events by start time', querystring: EventListQuery, response: { 200: EventList, 400: { $ref: 'Problem#' } } } },
    async (request, reply) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : parseInstant(q.from);
      const to = q.to === undefined ? undefined : parseInstant(q.to);
      const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
      const limit = q.limit === undefined ? 50 : Number(q.limit);
      const errors = [
        ...(from === null ? [{ field: 'from', message: 'must be an ISO 8601 instant or date' }] : []),
        ...(to === null ? [{ field: 'to', message: 'must be an ISO 8601 instant or date' }] : []),
        ...(after === null ? [{ field: 'cursor', message: 'is not a cursor this API returned' }] : []),
        ...(limit < 1 || limit > 200 ? [{ field: 'limit', message: 'must be 1-200' }] : []),
      ];
      if (errors.length > 0) return sendProblem(reply, problem(400, 'the query is invalid', errors));
      const items = await deps.events.list({
        from: from ?? undefined,
        to: to ?? undefined,
        categorySlug: q.category,
        includeCancelled: q.includeCancelled === 'true',
        limit: limit + 1,
        after: after ?? undefined,
      });
      const page = items.slice(0, limit);
      const nextCursor = items.length > limit ? encodeCursor(page[page.length - 1]!) : null;
      return { items: page.map(json), nextCursor };
    },
  );

  r.get(
    '/api/v1/events/:id',
    { schema: { tags: ['events'], summary: 'Read an event by id or slug', params: EventKeyParams, response: { 200: EventJson, 404: { $ref: 'Problem#' } } } },
    async (request) => json(await deps.events.get(request.params.id)),
  );

  r.patch(
    '/api/v1/events/:id',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['events'],
        summary: 'Change some fields; SEQUENCE goes up when a significant one changes',
        ...organizer,
        params: EventKeyParams,
        body: EventPatchBody,
        response: { 200: EventJson, ...errorResponses },
      },
    },
    async (request) => json((await deps.events.update(request.params.id, request.body)).event),
  );

  r.get(
    '/api/v1/events/:id/history',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['events'],
        summary: 'What changed when, newest first',
        ...organizer,
        params: EventKeyParams,
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), sequence: Type.Integer(), changed: Type.Array(Type.String()) })),
          }),
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const items = await deps.events.history(request.params.id);
      return { items: items.map((c) => ({ ...c, at: new Date(c.at).toISOString() })) };
    },
  );

  r.get(
    '/api/v1/admin/check',
    { preHandler: deps.adminOnly, schema: { tags: ['events'], summary: '204 when the organizer token is valid', ...organizer, response: { 204: Type.Null(), 401: { $ref: 'Problem#' } } } },
    async (_request, reply) => reply.code(204).send(null),
  );

  r.post(
    '/api/v1/events/:id/cancel',
    {
      preHandler: deps.adminOnly,
      // The body is optional: a plain POST without one (as clients sent before notes) still cancels.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: ['events'],
        summary: 'Cancel: the event stays in feeds as STATUS:CANCELLED for the retention period',
        ...organizer,
        params: EventKeyParams,
        body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000, description: 'Shown to attendees on the event page.' })) }, { additionalProperties: false })),
        response: { 200: EventJson, ...errorResponses },
      },
    },
    async (request) => json((await deps.events.cancel(request.params.id, request.body?.note ?? null)).event),
  );

  r.post(
    '/api/v1/events/:id/restore',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['events'],
        summary: 'Undo a cancel: confirmed again with SEQUENCE+1, so every feed and calendar gets it back',
        ...organizer,
        params: EventKeyParams,
        response: { 200: EventJson, 409: { $ref: 'Problem#' }, ...errorResponses },
      },
    },
    async (request) => json((await deps.events.restore(request.params.id)).event),
  );
}
