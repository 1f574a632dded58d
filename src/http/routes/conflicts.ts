import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConflictUseCases } from '../../app/conflicts.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { problem, sendProblem } from '../problem.ts';
import { isKnownTimeZone } from '../../core/time/local-time.ts';
import { parseIsoInstant } from '../../core/time/instant.ts';
import { busyCalendarRoutes } from './busy-calendars.ts';

const MAX_RANGE_MS = 62 * 86_400_000;

export async function conflictRoutes(app: FastifyInstance, deps: { conflicts: ConflictUseCases; currentVisitor: CurrentVisitor }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  await busyCalendarRoutes(app, deps);
  r.get(
    '/api/v1/me/conflicts',
    {
      schema: {
        tags: ['conflicts'],
        summary: 'Events in the range that overlap the visitor’s busy times; per connection whether it could be checked',
        querystring: Type.Object(
          { from: Type.String({ maxLength: 40 }), to: Type.String({ maxLength: 40 }), zone: Type.Optional(Type.String({ maxLength: 64, description: 'The person’s IANA time zone, for the evenings (default UTC)' })) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                eventId: Type.String(),
                title: Type.String(),
                clashes: Type.Array(Type.Object({
                  occurrence: Type.String({ description: 'Which occurrence clashes: its name (original local start, YYYY-MM-DDTHH:MM or a date); a one-off event’s own start' }),
                  occurrenceTitle: Type.String({ description: 'Its title (an occurrence may have its own)' }),
                  occurrenceStart: Type.String({ description: 'That occurrence’s start (UTC instant)' }),
                  occurrenceEnd: Type.String({ description: 'That occurrence’s end (UTC instant)' }),
                  connectionId: Type.String(), kind: Type.String(), start: Type.String(), end: Type.String(), busyStart: Type.String(), busyEnd: Type.String() })),
              }),
            ),
            checked: Type.Array(
              Type.Object({
                connectionId: Type.String(),
                kind: Type.String(),
                status: Type.String({ description: 'ok | unavailable ("couldn’t check")' }),
                reason: Type.Optional(Type.String()),
                calendars: Type.Optional(Type.Array(Type.String(), { description: 'The names of the calendars checked' })),
                note: Type.Optional(Type.String({ description: 'Why not every calendar was checked, e.g. "Only your main Google calendar was checked…"' })),
              }),
            ),
            freeEvenings: Type.Union([Type.Array(Type.Object({ date: Type.String(), eventIds: Type.Array(Type.String()) })), Type.Null()], {
              description: 'Evenings (18:00–23:00 in `zone`) with nothing busy, and the events then; null unless every calendar could be read',
            }),
          }),
          400: { $ref: 'Problem#' },
        },
      },
    },
    async (request, reply) => {
      const { from, to, zone = 'UTC' } = request.query;
      const fromMs = parseIsoInstant(from) ?? NaN;
      const toMs = parseIsoInstant(to) ?? NaN;
      const errors = [
        ...(Number.isNaN(fromMs) ? [{ field: 'from', message: 'must be an ISO 8601 instant' }] : []),
        ...(Number.isNaN(toMs) ? [{ field: 'to', message: 'must be an ISO 8601 instant' }] : []),
        ...(isKnownTimeZone(zone) ? [] : [{ field: 'zone', message: 'must be an IANA time zone such as Europe/Berlin' }]),
        ...(!Number.isNaN(fromMs) && !Number.isNaN(toMs) && (toMs <= fromMs || toMs - fromMs > MAX_RANGE_MS) ? [{ field: 'to', message: 'must be after from, at most 62 days later' }] : []),
      ];
      if (errors.length > 0) return sendProblem(reply, problem(400, 'the range is invalid', errors));
      const visitorId = deps.currentVisitor.peek(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return deps.conflicts.conflicts(visitorId, fromMs, toMs, zone);
    },
  );
}
