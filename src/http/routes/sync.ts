import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { CopyRepository } from '../../infra/db/copy-repository.ts';
import type { EventUseCases } from '../../app/events.ts';
import type { CurrentVisitor } from '../plugins/session.ts';
import { problem, sendProblem } from '../problem.ts';

export interface SyncRoutesDeps {
  copies: CopyRepository;
  events: EventUseCases;
  currentVisitor: CurrentVisitor;
  adminOnly: preHandlerAsyncHookHandler;
  clock: () => number;
}

/** Where pushed copies stand: per event and connection for the person, counts for the organizer. */
export async function syncRoutes(app: FastifyInstance, deps: SyncRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();

  r.get(
    '/api/v1/me/sync',
    {
      schema: {
        tags: ['sync'],
        summary: "The visitor's pushed copies: synced / pending / failed (why) per event and connection",
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ eventId: Type.String(), connectionId: Type.String(), kind: Type.String(), state: Type.String(), lastError: Type.Union([Type.String(), Type.Null()]) }),
            ),
          }),
        },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      reply.header('Cache-Control', 'private, no-store');
      return { items: await deps.copies.forVisitor(visitorId) };
    },
  );

  r.post(
    '/api/v1/me/sync/:connectionId/:eventId/retry',
    {
      schema: {
        tags: ['sync'],
        summary: "Try again to push one of the visitor's failed copies (the retry button)",
        params: Type.Object({ connectionId: Type.String({ minLength: 1, maxLength: 64 }), eventId: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 202: Type.Object({ retried: Type.Integer() }), 409: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const visitorId = deps.currentVisitor.peek(request, reply);
      const { connectionId, eventId } = request.params;
      // Scoped to the visitor: someone else's copy is simply "nothing failed here".
      const retried = await deps.copies.retryFailed({ visitorId, connectionId, eventId }, deps.clock());
      if (retried === 0) return sendProblem(reply, problem(409, 'There is no failed copy of this event in that calendar.'));
      return reply.code(202).send({ retried });
    },
  );

  r.get(
    '/api/v1/events/:id/sync',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['sync'],
        summary: 'How many connected-calendar copies of the event are synced, pending and failed',
        security: [{ adminToken: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: {
          200: Type.Object({
            synced: Type.Integer(),
            pending: Type.Integer(),
            failed: Type.Integer(),
            failures: Type.Array(Type.Object({ kind: Type.String(), reason: Type.Union([Type.String(), Type.Null()]), since: Type.String({ format: 'date-time' }) })),
          }),
          404: { $ref: 'Problem#' },
        },
      },
    },
    async (request) => {
      const event = await deps.events.get(request.params.id);
      const [counts, failures] = await Promise.all([deps.copies.countsForEvent(event.id), deps.copies.failuresForEvent(event.id)]);
      return {
        synced: counts.synced ?? 0,
        pending: counts.pending ?? 0,
        failed: counts.failed ?? 0,
        failures: failures.map((f) => ({ ...f, since: new Date(f.since).toISOString() })),
      };
    },
  );

  r.post(
    '/api/v1/events/:id/sync/retry',
    {
      preHandler: deps.adminOnly,
      schema: {
        tags: ['sync'],
        summary: "Try again to push every failed copy of the event (the organizer's retry button)",
        security: [{ adminToken: [] }],
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 120 }) }),
        response: { 202: Type.Object({ retried: Type.Integer() }), 404: { $ref: 'Problem#' } },
      },
    },
    async (request, reply) => {
      const event = await deps.events.get(request.params.id);
      return reply.code(202).send({ retried: await deps.copies.retryFailed({ eventId: event.id }, deps.clock()) });
    },
  );
}
