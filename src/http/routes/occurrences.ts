import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { OccurrenceUseCases } from '../../app/occurrences.ts';
import type { CalendarEvent } from '../../core/events/event.ts';
import { originalOccurrences, resolve, type ResolvedOccurrence } from '../../core/recurrence/occurrences.ts';
import { parseIsoInstant } from '../../core/time/instant.ts';
import { parseLocalDate, zonedToUtcMs } from '../../core/time/local-time.ts';
import { NotFoundError } from '../../app/errors.ts';
import { problem, sendProblem } from '../problem.ts';
import { OccurrenceJson, OccurrenceList, OccurrenceParams, OccurrencePatchBody, OccurrenceQuery } from '../schemas/occurrence.ts';
import { EventKeyParams } from '../schemas/event.ts';

export interface OccurrenceRoutesDeps {
  occurrences: OccurrenceUseCases;
  adminOnly: preHandlerAsyncHookHandler;
  clock: () => number;
}

const DAY = 86_400_000;
const errorResponses = { 400: { $ref: 'Problem#' }, 401: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } };
const organizer = { security: [{ adminToken: [] }] };

export function toOccurrenceJson(e: CalendarEvent, o: ResolvedOccurrence): OccurrenceJson {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    occurrence: o.occurrence,
    start: o.start,
    end: o.end,
    startsAt: iso(o.startUtc),
    endsAt: iso(o.endUtc),
    status: o.status,
    overridden: o.overridden,
    title: o.title,
    description: o.description,
    location: o.location,
    sequence: o.override?.sequence ?? e.sequence,
  };
}

function parseInstant(text: string): number | null {
  const date = parseLocalDate(text);
  return date ? zonedToUtcMs(date, 'UTC') : parseIsoInstant(text);
}

/** The named occurrence of a stored event, with its exception applied. */
function occurrenceOf(e: CalendarEvent, name: string): ResolvedOccurrence {
  const o = originalOccurrences(e).find((x) => x.occurrence === name);
  if (!o) throw new NotFoundError(`the series has no occurrence ${name}`);
  return resolve(e, o, e.overrides?.find((x) => x.occurrence === name) ?? null);
}

export async function occurrenceRoutes(app: FastifyInstance, deps: OccurrenceRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/events/:id/occurrences',
    {
      schema: {
        tags: ['events'],
        summary: 'The occurrences of a series in a range (a one-off event is its own single occurrence)',
        params: EventKeyParams,
        querystring: OccurrenceQuery,
        response: { 200: OccurrenceList, 400: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const from = request.query.from === undefined ? deps.clock() : parseInstant(request.query.from);
      const to = request.query.to === undefined ? (from ?? 0) + 366 * DAY : parseInstant(request.query.to);
      const errors = [
        ...(from === null ? [{ field: 'from', message: 'must be an ISO 8601 instant or date' }] : []),
        ...(to === null ? [{ field: 'to', message: 'must be an ISO 8601 instant or date' }] : []),
        ...(from !== null && to !== null && !(to > from) ? [{ field: 'to', message: 'must be after from' }] : []),
      ];
      if (errors.length > 0) return sendProblem(reply, problem(400, 'the query is invalid', errors));
      const { event, items } = await deps.occurrences.list(request.params.id, from!, to!);
      return { items: items.map((o) => toOccurrenceJson(event, o)) };
    },
  );

  r.patch(
    '/api/v1/events/:id/occurrences/:occurrence',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['events'],
        summary: "Change one occurrence; the series' SEQUENCE goes up and feeds change",
        ...organizer,
        params: OccurrenceParams,
        body: OccurrencePatchBody,
        response: { 200: OccurrenceJson, ...errorResponses },
      },
    },
    async (request) => {
      const { event } = await deps.occurrences.update(request.params.id, request.params.occurrence, request.body);
      return toOccurrenceJson(event, occurrenceOf(event, request.params.occurrence));
    },
  );

  r.post(
    '/api/v1/events/:id/occurrences/:occurrence/cancel',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['events'],
        summary: 'Cancel one occurrence (an EXDATE in feeds); the series stays',
        ...organizer,
        params: OccurrenceParams,
        response: { 200: OccurrenceJson, ...errorResponses },
      },
    },
    async (request) => {
      const { event } = await deps.occurrences.cancel(request.params.id, request.params.occurrence);
      return toOccurrenceJson(event, occurrenceOf(event, request.params.occurrence));
    },
  );
}
