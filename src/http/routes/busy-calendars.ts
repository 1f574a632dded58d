import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ConflictUseCases } from '../../app/conflicts.ts';
import type { CurrentVisitor } from '../plugins/session.ts';

// Which calendars of a connection count for busy times (issue 10): the person's own by default,
// or the ones they tick. Registered with the conflicts routes, whose answer it shapes.

const BusyCalendarsJson = Type.Object({
  choice: Type.Union([Type.Literal('default'), Type.Literal('chosen')], { description: 'default: every calendar the person owns' }),
  calendars: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), owned: Type.Boolean(), counts: Type.Boolean() })),
  note: Type.Union([Type.String(), Type.Null()], { description: 'Why not every calendar can be offered (e.g. the granted scope)' }),
});

export async function busyCalendarRoutes(app: FastifyInstance, deps: { conflicts: ConflictUseCases; currentVisitor: CurrentVisitor }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const params = Type.Object({ id: Type.String({ maxLength: 64 }) });

  r.get(
    '/api/v1/me/connections/:id/busy-calendars',
    {
      schema: {
        tags: ['conflicts'],
        summary: 'The calendars of a connection that can count for busy times, and which do',
        params,
        response: { 200: BusyCalendarsJson, 404: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return deps.conflicts.busyCalendars(visitorId, request.params.id);
    },
  );

  r.put(
    '/api/v1/me/connections/:id/busy-calendars',
    {
      schema: {
        tags: ['conflicts'],
        summary: 'Choose which calendars count for busy times (null: every calendar the person owns)',
        params,
        body: Type.Object(
          { calendarIds: Type.Union([Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { maxItems: 500 }), Type.Null()]) },
          { additionalProperties: false },
        ),
        response: { 200: BusyCalendarsJson, 400: { $ref: 'Problem#' }, 404: { $ref: 'Problem#' }, 422: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return deps.conflicts.setBusyCalendars(visitorId, request.params.id, request.body.calendarIds);
    },
  );
}
